import Foundation
import ObjectStore
import Testing
@testable import SwiftLake

/// Delta writes and maintenance on `s3://` tables against moto_server (`make test` sets
/// `SWIFTLAKE_S3_ENDPOINT`): data files are written locally, uploaded, and only then
/// committed with a conditional PUT; delta-rs reads the result through the same endpoint.
@Suite(.serialized) struct S3DeltaWriteTests {
    struct Fixture {
        let lake: Lakehouse
        let store: S3Store
        let bucket: String
        let endpoint: String
        let directory: TemporaryDirectory
        var table: String { "s3://\(bucket)/lake/events" }
    }

    static func fixture(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Fixture? {
        guard let endpoint = S3ReadTests.requireEndpoint(what: "S3 Delta write test", sourceLocation: sourceLocation) else { return nil }
        let bucket = "swiftlake-dw-\(UUID().uuidString.lowercased().prefix(16))"
        let env = S3ReadTests.environment(endpoint)
        let store = S3Store(configuration: try S3Configuration(location: S3Location(bucket: bucket, prefix: "lake/events"), environment: env))
        try await store.createBucket()
        let directory = try TemporaryDirectory()
        var configuration = LakehouseConfiguration(roots: [directory.path, "s3://\(bucket)/lake"])
        configuration.s3CacheDirectory = directory.file(".cache")
        configuration.s3Environment = env
        return Fixture(lake: try Lakehouse(configuration: configuration), store: store, bucket: bucket, endpoint: endpoint, directory: directory)
    }

    static func rows(_ ids: ClosedRange<Int>) -> [[String: DeltaRowValue]] {
        ids.map { ["id": .int(Int64($0)), "region": .string($0 % 2 == 0 ? "even" : "odd")] }
    }

    func ids(_ lake: Lakehouse, _ path: String, version: Int64? = nil) async throws -> [Int64] {
        try await lake.deltaRead(DeltaReadRequest(path: path, version: version, sql: "SELECT id FROM t ORDER BY id", limit: 100_000))
            .cursor.collect().rows.map { row in if case .bigint(let v) = row[0] { v } else { -1 } }
    }

    /// delta-rs's sorted ids of the table at each version up to `versions - 1`.
    func deltaRsIDs(_ fixture: Fixture, versions: Int) async throws -> [[Int64]]? {
        let script = """
            import sys, json
            from deltalake import DeltaTable
            opts = {"AWS_ENDPOINT_URL": sys.argv[2], "AWS_ALLOW_HTTP": "true", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_REGION": "us-east-1"}
            print(json.dumps([sorted(DeltaTable(sys.argv[1], version=v, storage_options=opts).to_pyarrow_table().column("id").to_pylist())
                              for v in range(int(sys.argv[3]))]))
            """
        guard let output = try await runPythonOracle(script, [fixture.table, fixture.endpoint, String(versions)]) else { return nil }
        return try JSONDecoder().decode([[Int64]].self, from: Data(output.utf8))
    }

    @Test func createAppendOverwriteAndDeltaRsReadsEveryVersion() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        let first = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: Self.rows(1...10), partitionColumns: ["region"]))
        #expect(first.version == 0 && first.filesAdded == 2)
        let second = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: Self.rows(11...15)))
        #expect(second.version == 1)
        let third = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, mode: .overwrite, rows: Self.rows(100...102)))
        #expect(third.version == 2 && third.filesRemoved == 4)
        #expect(try await ids(lake, fixture.table) == [100, 101, 102])
        #expect(try await ids(lake, fixture.table, version: 1) == Array(1...15))
        // Every data file the log names is an object below the table, under partition keys.
        let keys = Set(try await fixture.store.list(prefix: "").map(\.path))
        for file in try await lake.deltaFiles(path: fixture.table).files {
            #expect(keys.contains(file.path), "\(file.path) is not in the bucket")
            #expect(file.path.hasPrefix("region=even/") || file.path.hasPrefix("region=odd/"))
        }
        #expect(!keys.contains { $0.contains(DataFileWriter.stagingPrefix) }, "no staging objects: \(keys)")
        if let oracle = try await deltaRsIDs(fixture, versions: 3) {
            #expect(oracle == [Array(1...10), Array(1...15), [100, 101, 102]])
        }
        let history = try await lake.deltaHistory(path: fixture.table)
        #expect(history.history.count == 3)
    }

    @Test func aFailedWriteUploadsNothing() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: Self.rows(1...4)))
        let before = try await fixture.store.list(prefix: "").map(\.path)
        let badType = await #expect(throws: SwiftLakeError.self) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: [["id": .string("not a number"), "region": .string("x")]]))
        }
        #expect(badType?.kind == .invalidRequest)
        let convert = await #expect(throws: SwiftLakeError.self) {
            _ = try await lake.deltaConvert(DeltaConvertRequest(path: fixture.table))
        }
        #expect(convert?.code == "unsupported_s3_operation" || convert?.code == "table_exists", "\(String(describing: convert))")
        #expect(try await fixture.store.list(prefix: "").map(\.path) == before)
        #expect(try await ids(lake, fixture.table) == [1, 2, 3, 4])
    }

    @Test func concurrentAppendsCommitEveryVersionOnceThroughConditionalPuts() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: Self.rows(0...0)))
        let writers = 6, each = 3
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for batch in 0..<each {
                        let id = 1 + writer * each + batch
                        // A writer that loses every retry gets a 409 and nothing is committed:
                        // it may simply try again (appends never conflict with each other).
                        while true {
                            do {
                                _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: Self.rows(id...id)))
                                break
                            } catch let error as SwiftLakeError where error.kind == .conflict {
                                continue
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = 1 + writers * each
        #expect(try await ids(lake, fixture.table) == (0..<Int64(total)).map { $0 })
        let commits = try await fixture.store.list(prefix: "_delta_log/").map(\.path).filter { $0.hasSuffix(".json") }
        #expect(commits.count == total, "versions 0…\(total - 1), each once: \(commits)")
    }

    @Test func checkpointVacuumAndRestoreOnS3() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: Self.rows(1...3)))
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: Self.rows(4...6)))
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, mode: .overwrite, rows: Self.rows(7...7)))
        let checkpoint = try await lake.deltaCheckpoint(path: fixture.table)
        #expect(checkpoint.version == 2 && checkpoint.created)
        #expect(try await fixture.store.head("_delta_log/00000000000000000002.checkpoint.parquet") != nil)
        #expect(try await fixture.store.head("_delta_log/_last_checkpoint") != nil)
        // A new lakehouse reads the table from the checkpoint.
        var configuration = LakehouseConfiguration(roots: ["s3://\(fixture.bucket)/lake"])
        configuration.s3CacheDirectory = fixture.directory.file(".cache2")
        configuration.s3Environment = S3ReadTests.environment(fixture.endpoint)
        #expect(try await ids(try Lakehouse(configuration: configuration), fixture.table) == [7])
        // Restore version 1: the files of 1–6 come back.
        let restored = try await lake.deltaRestore(path: fixture.table, version: 1)
        #expect(restored.version == 3)
        #expect(try await ids(lake, fixture.table) == Array(1...6))
        if let oracle = try await deltaRsIDs(fixture, versions: 4) {
            #expect(oracle.last == Array(1...6))
        }
        // VACUUM with no retention deletes the file of version 2 only (versions 3 needs the others).
        let vacuum = try await lake.deltaVacuum(DeltaVacuumRequest(path: fixture.table, retentionHours: 0, enforceRetention: false))
        #expect(vacuum.numFilesDeleted == 1, "\(vacuum.files)")
        #expect(try await ids(lake, fixture.table) == Array(1...6))
    }

    @Test func updateDeleteMergeAndOptimizeReadTheFilesThroughTheCache() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: Self.rows(1...6), partitionColumns: ["region"]))
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: Self.rows(7...8)))
        // v2: 2 → 20; v3: ids 5 and 7 deleted; v4: 8 updated to 80, 9 inserted; v5: compaction.
        let update = try await lake.deltaUpdate(DeltaUpdateRequest(path: fixture.table, predicate: "id = 2", updates: ["id": "id * 10"]))
        #expect(update.rowsUpdated == 1)
        let delete = try await lake.deltaDelete(DeltaDeleteRequest(path: fixture.table, predicate: "id IN (5, 7)"))
        #expect(delete.rowsDeleted == 2)
        let merge = try await lake.deltaMerge(DeltaMergeRequest(
            path: fixture.table, source: DeltaMergeSource(rows: [["id": .int(8), "region": .string("even")], ["id": .int(9), "region": .string("odd")]]),
            on: "t.id = s.id", clauses: [DeltaMergeClause(when: .matched, action: .update, set: ["id": "s.id * 10"]),
                                         DeltaMergeClause(when: .notMatched, action: .insertAll)]))
        #expect(merge.metrics["numTargetRowsUpdated"] == 1 && merge.metrics["numTargetRowsInserted"] == 1, "\(merge.metrics)")
        let optimize = try await lake.deltaOptimize(DeltaOptimizeRequest(path: fixture.table))
        #expect(optimize.version == 5, "\(optimize)")
        let expected: [Int64] = [1, 3, 4, 6, 9, 20, 80]
        #expect(try await ids(lake, fixture.table) == expected)
        if let oracle = try await deltaRsIDs(fixture, versions: 6) {
            #expect(oracle == [Array(1...6), Array(1...8), [1, 3, 4, 5, 6, 7, 8, 20], [1, 3, 4, 6, 8, 20], expected, expected])
        }
    }

    @Test func createConstraintsAndExportOnS3() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        let created = try await lake.deltaCreate(DeltaCreateRequest(
            path: fixture.table, schema: [DeltaColumnSpec(name: "id", type: .string("long"), nullable: false),
                                          DeltaColumnSpec(name: "region", type: .string("string"))],
            partitionColumns: ["region"], properties: ["owner": "tests"], description: "events in S3"))
        #expect(created.version == 0)
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: Self.rows(1...4)))
        let added = try await lake.deltaAddConstraint(path: fixture.table, name: "positive_id", expression: "id > 0")
        #expect(added.version == 2)
        let before = Set(try await fixture.store.list(prefix: "").map(\.path))

        // A write that breaks the constraint, and one with a NULL id: 422 / 400, nothing uploaded.
        await #expect(throws: SwiftLakeError.self) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: [["id": .int(-1), "region": .string("odd")]]))
        }
        await #expect(throws: SwiftLakeError.self) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: [["id": .null, "region": .string("odd")]]))
        }
        #expect(Set(try await fixture.store.list(prefix: "").map(\.path)) == before, "a refused write leaves the bucket as it was")

        _ = try await lake.deltaDropConstraint(path: fixture.table, name: "positive_id")
        let written = try await lake.deltaWrite(DeltaWriteRequest(path: fixture.table, rows: [["id": .int(-1), "region": .string("odd")]]))
        #expect(written.version == 4)
        let detail = try await lake.deltaDetail(path: fixture.table)
        #expect(detail.description == "events in S3" && detail.configuration["owner"] == "tests")
        #expect(detail.configuration["delta.constraints.positive_id"] == nil)

        // The table as one Parquet file, read back by DuckDB.
        let export = try await lake.deltaExportParquet(DeltaReadRequest(path: fixture.table, version: 3, sql: "SELECT id FROM t ORDER BY id"))
        defer { export.file.remove() }
        #expect(export.version == 3)
        #expect(try await S3RangedReadTests.rows(lake, "SELECT list(id ORDER BY id) FROM read_parquet('\(export.file.path)')") == ["[1, 2, 3, 4]"])
        if let oracle = try await deltaRsIDs(fixture, versions: 5) {
            #expect(oracle == [[], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [-1, 1, 2, 3, 4]])
        }
    }
}
