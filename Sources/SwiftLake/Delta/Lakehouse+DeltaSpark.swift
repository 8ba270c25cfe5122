import DeltaLake
import Foundation
import ObjectStore

extension Lakehouse {
    /// The read on Spark, when the request's engine choice picks Spark (`spark`, or `auto`
    /// with more bytes to scan than the threshold); `nil` when it picks DuckDB.
    ///
    /// SwiftLake replays the log and skips files as for DuckDB; Spark reads the kept files
    /// (``SparkDeltaScan``). Deletion vectors, column mapping and tables in S3 are refused on
    /// Spark with 422 for now.
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
        try Self.requireLocalForSpark(table)
        let scan = try SparkDeltaScan(snapshot: snapshot, files: kept)
        let cursor = try await spark.query(statement, sources: scan.sources, table: scan.table, limit: limit)
        return DeltaReadResult(cursor: cursor, version: snapshot.version, filesScanned: kept.count,
                               filesSkipped: snapshot.activeFiles.count - kept.count)
    }

    /// Spark reads and writes a table's files by their paths: tables in S3 are not handled
    /// on Spark yet (422).
    static func requireLocalForSpark(_ table: DeltaTable) throws {
        if !(table.store is LocalStore) {
            throw SwiftLakeError(.unprocessable, code: "engine_unsupported",
                                 "The Spark engine does not handle tables in S3 yet. Send this request with \"engine\": \"duckdb\" (or \"auto\").")
        }
    }
}
