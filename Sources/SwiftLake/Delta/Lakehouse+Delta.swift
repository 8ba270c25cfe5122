import DeltaLake
import DuckDB
import Foundation
import ObjectStore

extension Lakehouse {
    /// The Delta table at `path`: a directory inside the data roots, or an `s3://` prefix
    /// inside an S3 root. Maintenance (checkpoint, vacuum, restore) uses it.
    func deltaTable(_ path: String) throws -> DeltaTable {
        if try roots.s3Location(path) != nil { return try deltaReadTable(path) }
        let location = try roots.existing(path)
        return DeltaTable(path: location, checkpointReader: DuckDBCheckpointReader(engine: duckdb))
    }

    /// The Delta table a read names: a directory inside the data roots, or an `s3://` prefix
    /// inside an S3 root (its checkpoints are then read through the S3 cache).
    func deltaReadTable(_ path: String) throws -> DeltaTable {
        if let s3 = try roots.s3Location(path) {
            let store = try s3Store(s3)
            let location = "s3://\(s3.bucket)/\(s3.prefix)".trimmingSuffix("/")
            let reader = CachedCheckpointReader(inner: DuckDBCheckpointReader(engine: duckdb), cache: try requireS3Cache(),
                                                store: store, location: location)
            return DeltaTable(store: store, location: location, checkpointReader: reader)
        }
        let location = try roots.existing(path)
        return DeltaTable(path: location, checkpointReader: DuckDBCheckpointReader(engine: duckdb))
    }

    /// The snapshot a request asks for: at `version`, at `timestamp`, or the latest (cached).
    func deltaSnapshot(_ table: DeltaTable, version: Int64?, timestamp: String?) async throws -> Snapshot {
        if version != nil, timestamp != nil {
            throw SwiftLakeError.invalid("conflicting_fields", "Give either 'version' or 'timestamp', not both.")
        }
        if let version, version < 0 {
            throw SwiftLakeError.invalid("invalid_version", "'version' must be 0 or more; got \(version).")
        }
        let millis = try timestamp.map(DeltaTimestamp.milliseconds)
        return try await SwiftLakeError.mappingDelta {
            let resolved = try await millis.asyncMap { try await table.version(atTimestamp: $0) } ?? version
            return try await deltaSnapshots.snapshot(of: table, version: resolved)
        }
    }

    /// Reads a Delta table as table `t` and starts the request's query over it.
    ///
    /// Only files whose partition values and statistics can satisfy the request's `filter`
    /// (or the `WHERE` of its `sql`) are opened; ``DeltaReadResult`` says how many.
    public func deltaRead(_ request: DeltaReadRequest, progress: ProgressHandler? = nil) async throws -> DeltaReadResult {
        if request.engine != .duckdb, spark != nil, let result = try await deltaReadOnSpark(request) { return result }
        let (plan, lease) = try await deltaReadPlan(request)
        defer { lease?.release() }
        // A Delta table's data files are never rewritten in place: their footers may always be cached.
        let cursor = try await QueryCursor.open(engine: duckdb, setup: plan.definition, statement: plan.statement, limit: plan.limit,
                                                parquetFiles: [], progress: progress)
        return DeltaReadResult(cursor: cursor, version: plan.version, filesScanned: plan.filesScanned,
                               filesSkipped: plan.filesSkipped)
    }

    /// Runs a Delta read and writes its whole result (up to the limit) as one Parquet file in
    /// the staging area; the caller streams it and then deletes it.
    public func deltaExportParquet(_ request: DeltaReadRequest, progress: ProgressHandler? = nil) async throws -> DeltaExport {
        try requireDuckDB(request.engine, operation: "A Delta read answered as Parquet")
        let (plan, lease) = try await deltaReadPlan(request)
        defer { lease?.release() }
        let output = duckdb.stagingPath(extension: "parquet")
        try await duckdb.withConnection(progress: progress) { connection in
            try self.duckdb.defineTable(plan.definition, on: connection)
            _ = try ReadOnlyStatement.prepare(plan.statement, on: connection)
            try connection.execute("COPY (SELECT * FROM (\(plan.statement)) LIMIT \(plan.limit)) TO \(SQL.literal(output)) (FORMAT parquet, COMPRESSION zstd)")
        }
        return DeltaExport(file: StagedFile(path: output), version: plan.version, filesScanned: plan.filesScanned,
                           filesSkipped: plan.filesSkipped)
    }

    /// What a read scans: the snapshot it asks for, the files that can match its filter, and
    /// the definition of `t` over them. For a table in S3, exactly those files are fetched
    /// into the S3 cache (held by the returned lease until the query is open) and `t` reads
    /// the local copies.
    func deltaReadPlan(_ request: DeltaReadRequest) async throws -> (DeltaReadPlan, S3FileCache.Lease?) {
        let table = try deltaReadTable(request.path)
        let statement = try request.statement()
        let limit = try effectiveLimit(request.limit)
        let snapshot = try await deltaSnapshot(table, version: request.version, timestamp: request.timestamp)
        let predicate = try await skippingPredicate(statement: statement)
        let skipping = FileSkipping(snapshot: snapshot)
        let kept = snapshot.activeFiles.filter { skipping.mayMatch($0, predicate) }

        // In S3: the local copies of the kept files, fetched through the cache: only their
        // footers and the chunks of the columns the statement names.
        var lease: S3FileCache.Lease?
        var cached: [String] = []
        if let store = table.store as? S3Store {
            let cache = try requireS3Cache()
            lease = cache.lease()
            let objects = try kept.map { try s3DeltaObject($0.path, size: $0.size, store: store) }
            let reading = await cachedRead(forStatement: statement, schema: snapshot.schema)
            cached = try await cache.localFiles(objects, reading: reading, lease: lease!)
        }

        var files: [(path: String, add: AddFile)] = []
        var deleted: [String: [UInt64]] = [:]
        for (index, add) in kept.enumerated() {
            var path = snapshot.absolutePath(of: add.path)
            if path.hasPrefix("file://") { path = URL(string: path)?.path ?? String(path.dropFirst(7)) }
            if lease != nil { path = cached[index] }
            files.append((path, add))
            if let descriptor = add.deletionVector {
                let vector = try await SwiftLakeError.mappingDelta {
                    try await DeletionVector.load(descriptor, store: table.store, tableLocation: snapshot.location)
                }
                deleted[path, default: []] += vector.deletedRows
            }
        }
        let present = try await parquetColumns(files.map(\.path))
        let definition = try DeltaScan(snapshot: snapshot, files: files, deletedRows: deleted, presentColumns: present).definition()
        return (DeltaReadPlan(definition: definition, statement: statement, limit: limit, version: snapshot.version,
                              filesScanned: kept.count, filesSkipped: snapshot.activeFiles.count - kept.count), lease)
    }

    /// A table's commits, newest first (at most `limit`).
    public func deltaHistory(path: String, limit: Int? = nil) async throws -> DeltaHistoryList {
        let table = try deltaReadTable(path)
        let entries = try await SwiftLakeError.mappingDelta { try await table.history(limit: limit) }
        return DeltaHistoryList(history: entries.map { JSONValue(delta: $0.json) })
    }

    /// A table's metadata, protocol and size at `version` (the latest when `nil`).
    public func deltaDetail(path: String, version: Int64? = nil, timestamp: String? = nil) async throws -> DeltaTableDetail {
        let table = try deltaReadTable(path)
        let snapshot = try await deltaSnapshot(table, version: version, timestamp: timestamp)
        let metadata = snapshot.metadata, proto = snapshot.protocol
        return DeltaTableDetail(
            location: snapshot.location, version: snapshot.version, timestamp: snapshot.timestamp,
            id: metadata.id, name: metadata.name, description: metadata.description,
            schema: JSONValue(delta: snapshot.schema.json), partitionColumns: metadata.partitionColumns,
            configuration: metadata.configuration, createdTime: metadata.createdTime,
            protocol: DeltaProtocolDetail(minReaderVersion: proto.minReaderVersion, minWriterVersion: proto.minWriterVersion,
                                          readerFeatures: proto.readerFeatures, writerFeatures: proto.writerFeatures),
            numFiles: snapshot.activeFiles.count, sizeInBytes: snapshot.totalBytes)
    }

    /// The active data files at `version` (the latest when `nil`) with partition values and stats.
    public func deltaFiles(path: String, version: Int64? = nil, timestamp: String? = nil) async throws -> DeltaFileList {
        let table = try deltaReadTable(path)
        let snapshot = try await deltaSnapshot(table, version: version, timestamp: timestamp)
        let partitionFields = snapshot.metadata.partitionColumns.compactMap { snapshot.schema.field(named: $0) }
        let files = snapshot.activeFiles.map { add -> DeltaFileInfo in
            var values: [String: String?] = [:]
            for field in partitionFields {
                values[field.name] = add.partitionValues[field.physicalName] ?? add.partitionValues[field.name] ?? nil
            }
            return DeltaFileInfo(path: add.path, size: add.size, modificationTime: add.modificationTime,
                                 partitionValues: values, stats: FileSkipping.statistics(add).map(JSONValue.init(delta:)),
                                 deletedRows: add.deletionVector?.cardinality)
        }
        return DeltaFileList(version: snapshot.version, files: files)
    }

    /// The predicate file skipping can use, from DuckDB's parse of `SELECT … FROM t WHERE …`.
    func skippingPredicate(statement: String) async throws -> SkippingPredicate {
        guard statement.range(of: "where", options: .caseInsensitive) != nil else { return .unknown }
        let serialized: String? = try? await duckdb.withConnection { connection in
            let result = try connection.query("SELECT json_serialize_sql(\(SQL.literal(statement)))")
            guard let chunk = try result.nextChunk(), let first = chunk.rows.first, case .varchar(let text)? = first.first else { return nil }
            return text
        }
        return serialized.map(SkippingPredicate.fromSerializedSQL) ?? .unknown
    }

    /// The physical columns of Parquet `files` and their DuckDB types (union by name).
    func parquetColumns(_ files: [String]) async throws -> [String: String] {
        guard !files.isEmpty else { return [:] }
        return try await duckdb.withConnection { connection in
            let result = try connection.query("DESCRIBE SELECT * FROM \(SQL.readParquet(files, extraOptions: ["hive_partitioning = false"]))")
            var columns: [String: String] = [:]
            while let chunk = try result.nextChunk() {
                for row in chunk.rows {
                    if case .varchar(let name) = row[0], case .varchar(let type) = row[1] { columns[name] = type }
                }
            }
            return columns
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        switch self {
        case .some(let value): return try await transform(value)
        case .none: return nil
        }
    }
}
