import DeltaLake
import Foundation
import ObjectStore

extension Lakehouse {
    /// The read on Spark, when the request's engine choice picks Spark (`spark`, or `auto`
    /// with more bytes to scan than the threshold); `nil` when it picks DuckDB.
    ///
    /// SwiftLake replays the log and skips files as for DuckDB; Spark reads the kept files
    /// (``SparkDeltaScan``), from local copies for a table in S3, and the answer comes in the
    /// column types DuckDB gives the same statement (``SparkResultTypes``), without the rows
    /// deletion vectors delete, under the logical names of a table with column mapping.
    func deltaReadOnSpark(_ request: DeltaReadRequest) async throws -> DeltaReadResult? {
        let table = try deltaReadTable(request.path)
        let statement = try request.statement()
        let limit = try effectiveLimit(request.limit)
        let snapshot = try await deltaSnapshot(table, version: request.version, timestamp: request.timestamp)
        let predicate = try await skippingPredicate(statement: statement)
        let skipping = FileSkipping(snapshot: snapshot)
        let kept = snapshot.activeFiles.filter { skipping.mayMatch($0, predicate) }
        guard case .spark(let spark) = try selectEngine(request.engine, bytesToScan: kept.reduce(0) { $0 + $1.size }) else {
            return nil
        }
        if let refusal = SparkDeltaScan.refusal(snapshot, files: kept, writing: false) {
            if request.engine == .spark { throw refusal }
            return nil
        }
        let (scan, lease) = try await sparkDeltaScan(snapshot, files: kept)
        let cursor: QueryCursor
        do {
            // DuckDB's columns for the same statement over the same files, for the same answer
            // (when Spark reads S3 itself, over local copies of the files' footers).
            let columns: [ResultColumn]
            if scan.readsS3Directly {
                let footers = try await sparkDeltaFooters(snapshot, files: kept)
                defer { footers.lease.release() }
                columns = try await duckDBColumns(of: statement, snapshot: snapshot, files: zip(footers.paths, kept).map { ($0, $1) })
            } else {
                columns = try await duckDBColumns(of: statement, snapshot: snapshot,
                                                  files: kept.map { (scan.filePaths[$0.path] ?? $0.path, $0) })
            }
            cursor = try await spark.query(statement, sources: scan.sources, table: scan.table, limit: limit, holding: lease,
                                           matching: columns)
        } catch {
            lease?.release()
            throw error
        }
        return DeltaReadResult(cursor: cursor, version: snapshot.version, filesScanned: kept.count,
                               filesSkipped: snapshot.activeFiles.count - kept.count)
    }

    /// DuckDB's columns for `statement` with `t` defined over `files` of `snapshot`, each
    /// read from the local path paired with it (only the footers are read).
    private func duckDBColumns(of statement: String, snapshot: Snapshot, files: [(path: String, add: AddFile)]) async throws -> [ResultColumn] {
        let present = try await parquetColumns(files.map(\.path))
        let definition = try DeltaScan(snapshot: snapshot, files: files, deletedRows: [:], presentColumns: present).definition()
        return try await duckDBColumns(of: statement, over: definition)
    }

    /// Local copies of just the footers of `files` of `snapshot`, a table in S3, in their
    /// order, held by `lease` until the caller releases it.
    private func sparkDeltaFooters(_ snapshot: Snapshot, files: [AddFile]) async throws -> (paths: [String], lease: S3FileCache.Lease) {
        let s3 = try s3TableStore(snapshot)
        let cache = try requireS3Cache()
        let lease = cache.lease()
        do {
            let objects = try files.map { try s3DeltaObject($0.path, size: $0.size, store: s3) }
            return (try await cache.localFiles(objects, reading: .parquetFooter, lease: lease), lease)
        } catch {
            lease.release()
            throw error
        }
    }

    /// The S3 store of `snapshot`'s table.
    private func s3TableStore(_ snapshot: Snapshot) throws -> S3Store {
        guard let s3 = try deltaReadTable(snapshot.location).store as? S3Store else {
            throw SwiftLakeError(.internal, code: "s3_store_missing", "No S3 store for \(snapshot.location).")
        }
        return s3
    }

    /// `files` of `snapshot` as Spark reads them. The deletion vectors of files that have
    /// one are loaded (Spark reads those files without the rows they delete). Files of a table
    /// in S3 are read by Spark through `s3a://` when it reaches the bucket itself
    /// (``sparkReadsDirectly(_:spark:)``); otherwise they are fetched whole into the S3 cache
    /// first, and Spark reads the local copies, held by the returned lease until the caller
    /// releases it (after Spark has read them); Spark must then see the cache directory, as
    /// it must see local tables.
    func sparkDeltaScan(_ snapshot: Snapshot, files: [AddFile], withFileColumn: Bool = false) async throws
        -> (SparkDeltaScan, S3FileCache.Lease?) {
        try SparkDeltaScan.requireSupported(snapshot, files: files)   // before anything is fetched
        var store: any ObjectStore = LocalStore(root: snapshot.location)
        var lease: S3FileCache.Lease?
        var localPaths: [String: String] = [:]
        do {
            var direct = false
            if snapshot.location.hasPrefix("s3://") {
                let s3 = try s3TableStore(snapshot)
                store = s3
                let objects = try files.map { try s3DeltaObject($0.path, size: $0.size, store: s3) }
                if let spark, try await sparkReadsDirectly(objects, spark: spark) {
                    direct = true
                    for (add, object) in zip(files, objects) { localPaths[add.path] = Self.sparkS3URI(object) }
                } else {
                    let cache = try requireS3Cache()
                    let held = cache.lease()
                    lease = held
                    let local = try await cache.localFiles(objects, reading: .wholeObject, lease: held)
                    for (add, path) in zip(files, local) { localPaths[add.path] = path }
                }
            }
            var deletedRows: [String: [UInt64]] = [:]
            for add in files {
                guard let descriptor = add.deletionVector else { continue }
                let vector = try await SwiftLakeError.mappingDelta {
                    try await DeletionVector.load(descriptor, store: store, tableLocation: snapshot.location)
                }
                deletedRows[add.path] = vector.deletedRows
            }
            var scan = try SparkDeltaScan(snapshot: snapshot, files: files, withFileColumn: withFileColumn,
                                          localPaths: localPaths, deletedRows: deletedRows)
            scan.readsS3Directly = direct
            return (scan, lease)
        } catch {
            lease?.release()
            throw error
        }
    }

    /// Spark reads and writes a table's files by their paths; an operation that has no way
    /// yet to give Spark local copies of the files of a table in S3 refuses it (422).
    static func requireLocalForSpark(_ table: DeltaTable) throws {
        if !(table.store is LocalStore) {
            throw SwiftLakeError(.unprocessable, code: "engine_unsupported",
                                 "The Spark engine does not handle tables in S3 for this operation yet. Send this request with \"engine\": \"duckdb\" (or \"auto\").")
        }
    }
}
