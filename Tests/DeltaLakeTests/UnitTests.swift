import DeltaLake
import Foundation
import ObjectStore
import Testing

@Suite("units") struct UnitTests {
    @Test func partitionValuesOfEveryType() throws {
        func parse(_ raw: String?, _ type: PrimitiveType) throws -> PartitionValue {
            try PartitionValues.parse(raw, as: .primitive(type), column: "c")
        }
        #expect(try parse(nil, .long) == .null)
        #expect(try parse("", .integer) == .null)
        #expect(try parse("", .string) == .string(""))
        #expect(try parse("A/A B%", .string) == .string("A/A B%"))
        #expect(try parse("-42", .long) == .long(-42))
        #expect(try parse("7", .byte) == .byte(7))
        #expect(try parse("true", .boolean) == .boolean(true))
        #expect(try parse("2021.0", .double) == .double(2021))
        #expect(try parse("1.5", .decimal(precision: 5, scale: 2)) == .decimal("1.50", precision: 5, scale: 2))
        #expect(try parse("-0012.300", .decimal(precision: 6, scale: 1)) == .decimal("-12.3", precision: 6, scale: 1))
        #expect(try parse("1E+2", .decimal(precision: 6, scale: 0)) == .decimal("100", precision: 6, scale: 0))
        #expect(try parse("2021-02-03", .date) == .date(days: 18661))
        #expect(try parse("1969-12-31", .date) == .date(days: -1))
        #expect(try parse("1970-01-01 00:00:01", .timestamp) == .timestamp(micros: 1_000_000))
        #expect(try parse("1970-01-01T00:00:01.5Z", .timestamp) == .timestamp(micros: 1_500_000))
        #expect(try parse("1970-01-01T01:00:00+01:00", .timestamp) == .timestamp(micros: 0))
        #expect(try parse("2024-01-01 10:00:00.123456", .timestampNtz) == .timestampNtz(micros: 1_704_103_200_123_456))
        #expect(PartitionValues.formatTimestamp(micros: -1) == "1969-12-31T23:59:59.999999")
        #expect(throws: DeltaError.self) { try parse("x", .long) }
        #expect(throws: DeltaError.self) { try parse("1.234", .decimal(precision: 5, scale: 2)) }
        #expect(PartitionValues.unescapePathComponent("A%2FA") == "A/A")
    }

    @Test func schemaParsesAndRendersBack() throws {
        let text = #"{"type":"struct","fields":[{"name":"a","type":"decimal(10,2)","nullable":true,"metadata":{"delta.columnMapping.id":3,"delta.columnMapping.physicalName":"col-x"}},{"name":"b","type":{"type":"array","elementType":{"type":"map","keyType":"string","valueType":"timestamp_ntz","valueContainsNull":true},"containsNull":false},"nullable":false,"metadata":{}},{"name":"v","type":"variant","nullable":true,"metadata":{}},{"name":"s","type":{"type":"struct","fields":[{"name":"x","type":"long","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]}"#
        let schema = try DeltaSchema(json: text)
        #expect(schema.fields.count == 4)
        #expect(schema.fields[0].type == .primitive(.decimal(precision: 10, scale: 2)))
        #expect(schema.fields[0].physicalName == "col-x" && schema.fields[0].columnMappingId == 3)
        #expect(schema.fields[2].type == .primitive(.variant))
        #expect(try JSONValue.parse(schema.description) == JSONValue.parse(text))
        #expect(throws: DeltaError.self) { try DeltaSchema(json: #"{"type":"struct","fields":[{"name":"a","type":"decimal(50,2)"}]}"#) }
    }

    @Test func z85RoundTripsAndDecodesTheSpecExample() throws {
        let bytes: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]
        #expect(Z85.encode(bytes) == "HelloWorld")  // ZeroMQ's Z85 test vector
        #expect(try Z85.decode("HelloWorld") == bytes)
        #expect(throws: DeltaError.self) { try Z85.decode("abc") }
    }

    @Test func logFileNames() {
        func kind(_ name: String) -> LogFile.Kind? {
            LogFile(ObjectMeta(path: "_delta_log/" + name, size: 1, lastModified: Date()))?.kind
        }
        #expect(kind("00000000000000000007.json") == .commit)
        #expect(kind("00000000000000000007.checkpoint.parquet") == .checkpoint)
        #expect(kind("00000000000000000007.checkpoint.0000000002.0000000003.parquet") == .multiPartCheckpoint(part: 2, parts: 3))
        #expect(kind("00000000000000000007.checkpoint.f5ee283b-37c7-46af-b64c-8f77c6a5c43a.json")
                == .v2Checkpoint(uuid: "f5ee283b-37c7-46af-b64c-8f77c6a5c43a", json: true))
        #expect(kind("00000000000000000007.crc") == .checksum)
        #expect(kind("_last_checkpoint") == nil)
        #expect(kind("7.json") == nil)
        #expect(LogFile(ObjectMeta(path: "_delta_log/_sidecars/00000000000000000007.json", size: 1, lastModified: Date())) == nil)
    }

    @Test func multiPartCheckpointNeedsEveryPart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = LocalStore(root: dir)
        for v in 0...3 { try await store.put(LogFile.commitPath(Int64(v)), Array("{}\n".utf8)) }
        try await store.put("_delta_log/00000000000000000002.checkpoint.0000000001.0000000002.parquet", [1])
        try await store.put("_delta_log/00000000000000000002.checkpoint.0000000002.0000000002.parquet", [1])
        try await store.put("_delta_log/00000000000000000003.checkpoint.0000000001.0000000002.parquet", [1])  // incomplete
        let segment = try await LogSegment.build(store: store)
        #expect(segment.checkpointVersion == 2)
        #expect(segment.checkpointFiles.count == 2)
        #expect(segment.commits.map(\.version) == [3])
    }

    @Test func localStoreOperations() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = LocalStore(root: dir)
        try await store.put("a/b/c.txt", Array("hello world".utf8))
        try await store.put("a/a.txt", [1, 2, 3])
        try await store.put("b.txt", [])
        #expect(try await store.get("a/b/c.txt") == Array("hello world".utf8))
        #expect(try await store.get("a/b/c.txt", range: 6..<100) == Array("world".utf8))
        #expect(try await store.head("a/b/c.txt")?.size == 11)
        #expect(try await store.head("missing") == nil)
        #expect(try await store.list(prefix: "").map(\.path) == ["a/a.txt", "a/b/c.txt", "b.txt"])
        #expect(try await store.list(prefix: "a/").map(\.path) == ["a/a.txt", "a/b/c.txt"])
        #expect(try await store.list(prefix: "a/", startAfter: "a/a.txt").map(\.path) == ["a/b/c.txt"])
        #expect(try await store.putIfAbsent("b.txt", [9]) == .alreadyExists)
        #expect(try await store.get("b.txt") == [])
        try await store.delete(["b.txt", "never-there"])
        #expect(try await store.head("b.txt") == nil)
        do { _ = try await store.get("../etc/passwd"); Issue.record("expected invalidPath") }
        catch let error as ObjectStoreError { #expect(error.code == .invalidPath) }
        do { _ = try await store.get("nope"); Issue.record("expected notFound") }
        catch let error as ObjectStoreError { #expect(error.code == .notFound) }
    }

    @Test func putIfAbsentHasExactlyOneWinner() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("race-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = LocalStore(root: dir)
        let results = await withTaskGroup(of: (Int, PutResult?).self) { group in
            for i in 0..<16 {
                group.addTask { (i, try? await store.putIfAbsent("_delta_log/00000000000000000001.json", Array("writer \(i)".utf8))) }
            }
            var all: [(Int, PutResult?)] = []
            for await r in group { all.append(r) }
            return all
        }
        let winners = results.filter { $0.1 == .created }
        #expect(winners.count == 1)
        #expect(results.filter { $0.1 == .alreadyExists }.count == 15)
        let content = try await store.get("_delta_log/00000000000000000001.json")
        #expect(content == Array("writer \(winners[0].0)".utf8))
        #expect(try await store.list(prefix: "_delta_log/").count == 1)  // no temporary files left
    }
}
