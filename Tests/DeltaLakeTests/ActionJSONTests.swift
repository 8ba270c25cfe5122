import DeltaLake
import Foundation
import ObjectStore
import Testing

/// Actions render to Delta's JSON: the protocol's field names, one action per line, and
/// what a reader decodes from them is what was rendered.
@Suite("Action JSON") struct ActionJSONTests {
    static let dv = DeletionVectorDescriptor(storageType: .uuidRelative, pathOrInlineDv: "ab^-aqEH.-t@S}K{vb[*k^", offset: 4,
                                             sizeInBytes: 40, cardinality: 6, maxRowIndex: 9)

    static let schema = #"{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}"#

    /// One action of every kind, with every optional field set, plus minimal ones.
    static let everyKind: [Action] = [
        .add(AddFile(path: "p=1/a%20b.parquet", partitionValues: ["p": "1", "q": nil], size: 10, modificationTime: 5,
                     dataChange: false, stats: "{\"numRecords\":3}", tags: ["t": "v", "n": nil], deletionVector: dv,
                     baseRowId: 7, defaultRowCommitVersion: 2, clusteringProvider: "liquid")),
        .add(AddFile(path: "x.parquet", size: 0, modificationTime: 0)),
        .remove(RemoveFile(path: "p=1/a%20b.parquet", deletionTimestamp: 9, dataChange: true, extendedFileMetadata: true,
                           partitionValues: ["p": "1", "q": nil], size: 10, tags: ["t": "v"], deletionVector: dv,
                           baseRowId: 7, defaultRowCommitVersion: 2, stats: "{}")),
        .remove(RemoveFile(path: "y.parquet", deletionTimestamp: nil, dataChange: false)),
        .metadata(Metadata(id: "0b8e", name: "sales", description: "d \"quoted\"\n", formatOptions: ["k": "v"],
                           schemaString: Self.schema, partitionColumns: ["part"],
                           configuration: ["delta.appendOnly": "true"], createdTime: 123)),
        .metadata(Metadata(id: "1", schemaString: Self.schema)),
        .protocol(DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"],
                                writerFeatures: ["deletionVectors", "appendOnly"])),
        .protocol(DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2)),
        .commitInfo(CommitInfoBuilder(operation: "WRITE", operationParameters: ["mode": .string("Append"), "partitionBy": .array([])],
                                      operationMetrics: ["numFiles": .int(1)], readVersion: 4, isolationLevel: .writeSerializable,
                                      isBlindAppend: true, engineInfo: "SwiftLake/test").build(timestamp: 1_700_000_000_000)),
        .commitInfo(CommitInfo(fields: ["nested": .object(["x": .array([.double(1.5), .null, .bool(false)])])])),
        .txn(Txn(appId: "job", version: 3, lastUpdated: 44)),
        .txn(Txn(appId: "job", version: 0)),
        .domainMetadata(DomainMetadata(domain: "delta.clustering", configuration: "{\"clusteringColumns\":[]}", removed: false)),
        .domainMetadata(DomainMetadata(domain: "app", configuration: "", removed: true)),
        .cdc(CdcFile(path: "_change_data/c.parquet", partitionValues: ["p": "1"], size: 8, dataChange: false, tags: ["a": "b"])),
    ]

    @Test func everyKindDecodesToWhatWasRendered() throws {
        for action in Self.everyKind {
            let decoded = try Action(json: JSONValue.parse(action.jsonLine))
            #expect(decoded == action, "\(action.jsonLine)")
        }
    }

    @Test func aCommitFileIsOneActionPerLine() throws {
        let bytes = Action.encodeLines(Self.everyKind)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("\n"))
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == Self.everyKind.count + 1)
        #expect(try Action.decodeLines(bytes, file: "test") == Self.everyKind)
    }

    /// The exact text, checked against PROTOCOL.md's field names (keys sorted by the renderer).
    @Test func fieldNamesAreTheProtocols() {
        let add = Action.add(AddFile(path: "a.parquet", partitionValues: ["p": nil], size: 10, modificationTime: 1))
        #expect(add.jsonLine == #"{"add":{"dataChange":true,"modificationTime":1,"partitionValues":{"p":null},"path":"a.parquet","size":10}}"#)
        let remove = Action.remove(RemoveFile(path: "a.parquet", deletionTimestamp: 2, dataChange: true,
                                              extendedFileMetadata: true, partitionValues: [:], size: 10))
        #expect(remove.jsonLine == #"{"remove":{"dataChange":true,"deletionTimestamp":2,"extendedFileMetadata":true,"partitionValues":{},"path":"a.parquet","size":10}}"#)
        let metadata = Action.metadata(Metadata(id: "i", schemaString: "{}", partitionColumns: ["p"], createdTime: 3))
        #expect(metadata.jsonLine == #"{"metaData":{"configuration":{},"createdTime":3,"format":{"options":{},"provider":"parquet"},"id":"i","partitionColumns":["p"],"schemaString":"{}"}}"#)
        #expect(Action.protocol(DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2)).jsonLine == #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#)
        #expect(Action.protocol(DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [], writerFeatures: ["appendOnly"])).jsonLine
                == #"{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":[],"writerFeatures":["appendOnly"]}}"#)
        #expect(Action.txn(Txn(appId: "a", version: 1, lastUpdated: 2)).jsonLine == #"{"txn":{"appId":"a","lastUpdated":2,"version":1}}"#)
        #expect(Action.domainMetadata(DomainMetadata(domain: "d", configuration: "{}")).jsonLine
                == #"{"domainMetadata":{"configuration":"{}","domain":"d","removed":false}}"#)
        let dvJSON = ActionJSONTests.dv.json.description
        #expect(dvJSON == #"{"cardinality":6,"maxRowIndex":9,"offset":4,"pathOrInlineDv":"ab^-aqEH.-t@S}K{vb[*k^","sizeInBytes":40,"storageType":"u"}"#)
    }

    /// Spark writes parameters and metrics as strings: strings as they are, other values as JSON text.
    @Test func commitInfoValuesAreStringsAsSparkWritesThem() {
        let info = CommitInfoBuilder(operation: "DELETE", operationParameters: ["predicate": .array([.string("id > 1")]), "mode": .string("Overwrite"), "description": .null],
                                     operationMetrics: ["numRemovedFiles": .int(2)], readVersion: 7, isolationLevel: .serializable,
                                     isBlindAppend: false, engineInfo: "SwiftLake/test", txnId: "t").build(timestamp: 5)
        #expect(info.json.description == #"{"engineInfo":"SwiftLake/test","isBlindAppend":false,"isolationLevel":"Serializable","operation":"DELETE","operationMetrics":{"numRemovedFiles":"2"},"operationParameters":{"description":null,"mode":"Overwrite","predicate":"[\"id > 1\"]"},"readVersion":7,"timestamp":5,"txnId":"t"}"#)
        #expect(info.operation == "DELETE" && info.readVersion == 7 && info.isBlindAppend == false && info.timestamp == 5)
    }

    /// Every commit of every corpus table (written by Spark, Databricks, delta-rs): the
    /// rendered actions decode to the same actions, and each rendered line says what the
    /// original line said (after dropping `null` members, which readers treat as absent).
    @Test func corpusCommitsRenderBackToTheSameActions() throws {
        let tables = try FileManager.default.contentsOfDirectory(atPath: deltaTables).sorted()
        var commits = 0, lines = 0
        var differences: [String] = []
        for name in tables {
            let log = deltaTables + "/" + name + "/_delta_log"
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: log) else { continue }
            for entry in entries.sorted() where entry.count == 25 && entry.hasSuffix(".json") {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: log + "/" + entry)))
                let actions = try Action.decodeLines(bytes, file: entry)
                #expect(try Action.decodeLines(Action.encodeLines(actions), file: entry) == actions, "\(name)/\(entry)")
                commits += 1
                // Line by line: the original JSON and ours agree, nulls aside.
                let originals = String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter {
                    !$0.allSatisfy(\.isWhitespace)
                }
                for line in originals {
                    let original = try JSONValue.parse(String(line))
                    guard let action = try Action(json: original) else { continue }
                    lines += 1
                    let theirs = Self.droppingNulls(original)
                    var ours = Self.droppingNulls(action.json)
                    // A Delta Live Tables metaData without schemaString decodes to "" (such a
                    // version is unreadable either way) and renders the required field empty.
                    if case .metadata(let m) = action, m.schemaString.isEmpty, original["metaData"]?["schemaString"] == nil,
                       case .object(var body) = ours["metaData"] {
                        body["schemaString"] = nil
                        ours = .object(["metaData": .object(body)])
                    }
                    if ours != theirs {
                        differences.append("\(name)/\(entry): ours \(ours) vs theirs \(theirs)")
                    }
                }
            }
        }
        print("rendered \(lines) actions of \(commits) corpus commits, \(differences.count) differences")
        for d in differences.prefix(20) { Issue.record(Comment(rawValue: d)) }
        #expect(commits > 100)
    }

    /// `value` without object members that are `null`, except in maps where `null` means
    /// SQL NULL (`partitionValues`, `tags`).
    static func droppingNulls(_ value: JSONValue, keepNulls: Bool = false) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members where keepNulls || !member.isNull {
                out[key] = droppingNulls(member, keepNulls: key == "partitionValues" || key == "tags")
            }
            return .object(out)
        case .array(let items): return .array(items.map { droppingNulls($0) })
        default: return value
        }
    }
}
