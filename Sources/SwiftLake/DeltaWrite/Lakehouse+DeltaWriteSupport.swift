import DeltaLake
import DuckDB
import Foundation
import ObjectStore

/// What the Delta write operations share: finding or preparing the table, refusing what
/// cannot be written, committing (and cleaning up when a commit fails), refreshing the
/// snapshot cache.
extension Lakehouse {
    /// The `engineInfo` commits of this library record.
    static var deltaEngineInfo: String { "SwiftLake/\(version)" }

    /// The table at `path`, which may not exist yet (its directory is created, with its
    /// parents, inside the data roots when `create`). An `s3://` path inside an S3 root is a
    /// table in S3 (nothing to create: objects need no directories).
    func deltaWriteTable(_ path: String, create: Bool) throws -> DeltaTable {
        if try roots.s3Location(path) != nil { return try deltaReadTable(path) }
        let location: String
        if create {
            location = try roots.output(path)
            try FileManager.default.createDirectory(atPath: location, withIntermediateDirectories: true)
        } else {
            location = try roots.existing(path)
        }
        return DeltaTable(path: location, checkpointReader: DuckDBCheckpointReader(engine: duckdb))
    }

    /// The latest snapshot, or nil when there is no Delta table at the location.
    func latestSnapshotIfExists(_ table: DeltaTable) async throws -> Snapshot? {
        if table.store is LocalStore {
            let logDirectory = table.builder.location + "/_delta_log"
            guard FileManager.default.fileExists(atPath: logDirectory) else { return nil }
        }
        do {
            return try await deltaSnapshots.snapshot(of: table, version: nil)
        } catch let error as DeltaError where error.kind == .notFound {
            return nil
        } catch let error as DeltaError {
            throw SwiftLakeError(error)
        }
    }

    /// A transaction on `snapshot`, refusing tables this library cannot write (422).
    func startDeltaTransaction(_ table: DeltaTable, from snapshot: Snapshot, operation: String,
                               parameters: [String: DeltaLake.JSONValue]) throws -> Transaction {
        do {
            return try table.startTransaction(from: snapshot, operation: operation, parameters: parameters)
        } catch let error as DeltaError {
            throw SwiftLakeError(error)
        }
    }

    /// Commits `transaction`; when the commit fails, the files `writer` wrote are deleted so
    /// the table is left exactly as it was. Afterwards the snapshot cache holds the new version,
    /// and the table is checkpointed when the version is a multiple of its
    /// `delta.checkpointInterval` (100 unless set), as Spark and delta-rs do; a failed
    /// checkpoint does not fail the commit (reads replay a few more commits until the next).
    func commitDelta(_ transaction: Transaction, metrics: [String: DeltaLake.JSONValue], writer: DataFileWriter?) async throws -> Int64 {
        let result: CommitResult
        do {
            try await writer?.publish()
        } catch {
            writer?.discard()
            throw SwiftLakeError.objectStore(error, url: transaction.table.builder.location)
        }
        do {
            result = try await transaction.commit(metrics: metrics, engineInfo: Self.deltaEngineInfo)
        } catch let error as DeltaError {
            writer?.discard()
            throw SwiftLakeError(error)
        } catch {
            writer?.discard()
            throw error
        }
        _ = try? await deltaSnapshots.snapshot(of: transaction.table, version: nil)
        if !result.skipped {
            await deltaCheckpointIfDue(path: transaction.table.builder.location, version: result.version)
        }
        return result.version
    }

    /// Runs `body` on an engine connection; files the writer wrote are deleted if it throws.
    func withDeltaWriter<T: Sendable>(_ writer: DataFileWriter, parquetFiles: [String] = [], progress: ProgressHandler?,
                                      _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        do {
            return try await duckdb.withConnection(parquetFiles: parquetFiles, progress: progress, body)
        } catch {
            writer.discard()
            throw error
        }
    }

    /// A view over `files` of `snapshot` for counting and rewriting rows file by file, without
    /// the rows their deletion vectors delete (loaded here), with each row's index in its file
    /// when `exposesRowIndex` (for writing new deletion vectors).
    func deltaTargetScan(_ snapshot: Snapshot, files: [AddFile], exposesRowIndex: Bool = false) async throws -> DeltaTargetScan {
        // A table in S3: its files are read from local copies, fetched through the S3 cache.
        var localPaths: [String: String] = [:]
        var lease: S3FileCache.Lease?
        var store: any ObjectStore = LocalStore(root: snapshot.location)
        if snapshot.location.hasPrefix("s3://") {
            guard let s3 = try deltaReadTable(snapshot.location).store as? S3Store else {
                throw SwiftLakeError(.internal, code: "s3_store_missing", "No S3 store for \(snapshot.location).")
            }
            store = s3
            let cache = try requireS3Cache()
            let held = cache.lease()
            lease = held
            let objects = try files.map { try s3DeltaObject($0.path, size: $0.size, store: s3) }
            let local = try await cache.localFiles(objects, lease: held)
            for (add, path) in zip(files, local) { localPaths[add.path] = path }
        }
        let located = files.map { (path: localPaths[$0.path] ?? DeltaTargetScan.absolutePath($0, in: snapshot), add: $0) }
        let present = try await parquetColumns(located.map(\.path))
        var scan = DeltaTargetScan(snapshot: snapshot, files: located, presentColumns: present,
                                   view: "__swiftlake_target_" + UUID().uuidString.prefix(8).lowercased())
        scan.exposesRowIndex = exposesRowIndex
        scan.localPaths = localPaths
        scan.lease = lease
        if located.contains(where: { $0.add.deletionVector != nil }) {
            for (path, add) in located {
                guard let descriptor = add.deletionVector else { continue }
                let vector = try await SwiftLakeError.mappingDelta {
                    try await DeletionVector.load(descriptor, store: store, tableLocation: snapshot.location)
                }
                scan.deletedRows[path, default: []] += vector.deletedRows
            }
        }
        return scan
    }

    /// Whether DML on `snapshot` marks rows in deletion vectors instead of rewriting files.
    func deltaUsesDeletionVectors(_ snapshot: Snapshot) -> Bool {
        WriterFeatures.deletionVectorsEnabled(snapshot.protocol, metadata: snapshot.metadata)
    }

    /// The files of `snapshot` whose statistics and partition values may satisfy `predicate`
    /// (all files when it is nil).
    func deltaCandidates(_ snapshot: Snapshot, predicate: String?) async throws -> [AddFile] {
        guard let predicate else { return snapshot.activeFiles }
        let skipping = try await skippingPredicate(statement: "SELECT * FROM t WHERE \(predicate)")
        let filter = FileSkipping(snapshot: snapshot)
        return snapshot.activeFiles.filter { filter.mayMatch($0, skipping) }
    }

    /// Per file of `scan`: rows, and rows matching `predicate`.
    static func matchCounts(_ scan: DeltaTargetScan, predicate: String, on connection: Connection) throws -> [String: (total: Int64, matched: Int64)] {
        let file = SQL.identifier(DeltaTargetScan.fileColumn)
        let rows = try connection.query("""
            SELECT \(file), count(*), count(*) FILTER (WHERE coalesce((\(predicate)), false)) FROM \(scan.view) GROUP BY 1
            """).rows()
        var counts: [String: (Int64, Int64)] = [:]
        for row in rows {
            if case .varchar(let path) = row[0] { counts[path] = (Int64(row[1].intValue), Int64(row[2].intValue)) }
        }
        return counts
    }

    /// Commits a rewrite (DELETE or UPDATE): `removed` files leave the table and `adds` (their
    /// rewritten or updated rows) join it, and files with newly marked rows (`marking`, on
    /// tables with deletion vectors) are removed with their old vector and re-added with the
    /// new one. Spark's metrics, `changed` naming the rows the operation changed
    /// (`numDeletedRows` or `numUpdatedRows`), plus `numDeletionVectorsAdded/Removed/Updated`
    /// when there is a marking. Fills `result`'s version, metrics, copied rows, files, bytes
    /// and time; the caller sets its changed rows. When the commit fails, the data files and
    /// the deletion vector file written for it are deleted.
    func commitRewrite(_ transaction: Transaction, removed: [AddFile], adds: [AddFile], changed: (metric: String, rows: Int64),
                       copied: Int64, writer: DataFileWriter?, marking: DeletionVectorMarking? = nil, started: ContinuousClock.Instant,
                       into result: inout DeltaWriteResult) async throws {
        var transaction = transaction
        transaction.remove(removed + (marking?.replaced.map(\.old) ?? []))
        transaction.add(adds + (marking?.replaced.map(\.new) ?? []))
        let addedBytes = adds.reduce(0) { $0 + $1.size }, removedBytes = removed.reduce(0) { $0 + $1.size }
        let metrics = Self.sparkMetrics([
            ("numRemovedFiles", Int64(removed.count)), ("numAddedFiles", Int64(adds.count)), (changed.metric, changed.rows),
            ("numCopiedRows", copied), ("numAddedChangeFiles", 0), ("numRemovedBytes", removedBytes), ("numAddedBytes", addedBytes),
        ] + (marking?.metrics() ?? []), elapsedMs: (ContinuousClock.now - started).milliseconds)
        do {
            result.version = try await commitDelta(transaction, metrics: metrics, writer: writer)
        } catch {
            await marking?.discard(from: transaction.table.store)
            throw error
        }
        result.record(metrics)
        result.committed = true
        result.rowsCopied = copied
        result.filesAdded = adds.count
        result.filesRemoved = removed.count
        result.bytesAdded = addedBytes
        result.bytesRemoved = removedBytes
        result.elapsedMs = (ContinuousClock.now - started).milliseconds
    }

    /// The Spark-style metric map of a result (values become strings in the commit).
    static func sparkMetrics(_ pairs: [(String, Int64)], elapsedMs: Double) -> [String: DeltaLake.JSONValue] {
        var metrics: [String: DeltaLake.JSONValue] = [:]
        for (name, value) in pairs { metrics[name] = .int(value) }
        metrics["executionTimeMs"] = .int(Int64(elapsedMs))
        return metrics
    }
}

extension DeltaLake.JSONValue {
    /// A request's JSON value as a Delta JSON value (whole numbers become integers).
    init(request value: SwiftLake.JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let d): self = d.rounded() == d && abs(d) < 9e15 ? .int(Int64(d)) : .double(d)
        case .exactNumber(let text): self = Int64(text).map(DeltaLake.JSONValue.int) ?? .double(Double(text) ?? 0)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(DeltaLake.JSONValue.init(request:)))
        case .object(let members): self = .object(members.mapValues(DeltaLake.JSONValue.init(request:)))
        }
    }
}
