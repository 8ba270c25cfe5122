import DeltaLake
import Foundation
import ObjectStore

/// Helpers for the write-path tests: fresh table directories, hand-built files, log listings.
enum WriteFixtures {
    /// A new empty directory under the system's temporary directory.
    static func emptyDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deltalake-write-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// `id long, part string`.
    static let schema = DeltaSchema(fields: [
        StructField(name: "id", type: .primitive(.long)),
        StructField(name: "part", type: .primitive(.string)),
    ])

    /// An `add` for a data file that need not exist (log-level tests).
    static func file(_ name: String, part: String? = nil, partitioned: Bool = false, size: Int64 = 100,
                     rows: Int64 = 10) -> AddFile {
        let partitionValues: [String: String?] = partitioned ? ["part": part] : [:]
        let prefix = partitioned ? "part=\(part ?? "__HIVE_DEFAULT_PARTITION__")/" : ""
        return AddFile(path: prefix + name, partitionValues: partitionValues, size: size, modificationTime: 1_700_000_000_000,
                       dataChange: true, stats: "{\"numRecords\":\(rows)}")
    }

    /// Creates a table in a new directory (partitioned by `part` when asked) with `files`.
    static func createTable(partitioned: Bool = false, configuration: [String: String] = [:],
                            protocol proto: DeltaProtocol = .newTableDefault,
                            files: [AddFile] = []) async throws -> DeltaTable {
        let table = DeltaTable(path: try emptyDirectory())
        let metadata = Metadata.newTable(schema: schema, partitionColumns: partitioned ? ["part"] : [],
                                         configuration: configuration)
        var txn = try table.createTransaction(metadata: metadata, protocol: proto)
        txn.add(files)
        _ = try await txn.commit()
        return table
    }

    /// The names in `_delta_log/`, sorted.
    static func logEntries(_ table: DeltaTable) async throws -> [String] {
        try await table.store.list(prefix: "_delta_log/").map { String($0.name) }
    }

    /// The actions of commit `version`.
    static func commit(_ table: DeltaTable, _ version: Int64) async throws -> [Action] {
        let path = LogFile.commitPath(version)
        return try Action.decodeLines(try await table.store.get(path), file: path)
    }

    /// The `commitInfo` of commit `version`.
    static func commitInfo(_ table: DeltaTable, _ version: Int64) async throws -> CommitInfo? {
        for case .commitInfo(let info) in try await commit(table, version) { return info }
        return nil
    }
}

/// A store in which another writer always wins the race: before each `putIfAbsent` of a
/// commit file it commits a blind append of its own at that path.
struct AlwaysLosingStore: ObjectStore {
    let inner: LocalStore

    func get(_ path: String) async throws -> [UInt8] { try await inner.get(path) }
    func get(_ path: String, range: Range<Int64>) async throws -> [UInt8] { try await inner.get(path, range: range) }
    func head(_ path: String) async throws -> ObjectMeta? { try await inner.head(path) }
    func list(prefix: String, startAfter: String?) async throws -> [ObjectMeta] {
        try await inner.list(prefix: prefix, startAfter: startAfter)
    }
    func put(_ path: String, _ bytes: [UInt8]) async throws { try await inner.put(path, bytes) }
    func delete(_ paths: [String]) async throws { try await inner.delete(paths) }

    func putIfAbsent(_ path: String, _ bytes: [UInt8]) async throws -> PutResult {
        if path.hasPrefix("_delta_log/"), path.hasSuffix(".json") {
            let info = CommitInfoBuilder(operation: "STREAMING UPDATE", readVersion: nil, isolationLevel: .writeSerializable,
                                         isBlindAppend: true, engineInfo: "competitor").build(timestamp: CommitInfoBuilder.now())
            let competitor: [Action] = [.commitInfo(info), .add(WriteFixtures.file("competitor-\(UUID().uuidString).parquet"))]
            _ = try await inner.putIfAbsent(path, Action.encodeLines(competitor))
        }
        return try await inner.putIfAbsent(path, bytes)
    }
}
