import DeltaLake
import Foundation
import SparkConnect

extension Lakehouse {
    /// DELETE on Spark, when the request's engine choice picks Spark (`spark`, or `auto` with
    /// more bytes in the files the predicate may touch than the threshold); `nil` when it
    /// picks DuckDB. The same copy-on-write as DuckDB's (``deltaDelete(_:progress:)``): files
    /// the statistics rule out are not read, files whose rows all match are removed unread,
    /// files with some matches are rewritten by Spark without them.
    func deltaDeleteOnSpark(_ request: DeltaDeleteRequest) async throws -> DeltaWriteResult? {
        guard spark != nil, request.engine != .duckdb,
              let predicate = request.predicate.flatMap({ $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }) else { return nil }
        let parameters: [String: DeltaLake.JSONValue] = ["predicate": .array([.string(predicate)])]
        return try await sparkRewrite(path: request.path, engine: request.engine, predicate: predicate, operation: "DELETE",
                                      parameters: parameters, changedMetric: "numDeletedRows") { scan, snapshot in
            // Only the rows that stay, of the files with some matches.
            (columns: "*", keep: "NOT coalesce((\(predicate)), false)", rewritesWholeMatches: false)
        }
    }

    /// UPDATE on Spark, when the request's engine choice picks Spark; `nil` when it picks
    /// DuckDB. Files with matching rows are rewritten by Spark, the matching rows changed
    /// (expressions cast to the column's type), as ``deltaUpdate(_:progress:)`` does on DuckDB.
    func deltaUpdateOnSpark(_ request: DeltaUpdateRequest) async throws -> DeltaWriteResult? {
        guard spark != nil, request.engine != .duckdb, !request.updates.isEmpty else { return nil }
        let predicate = request.predicate.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let parameters: [String: DeltaLake.JSONValue] = predicate.map { ["predicate": .array([.string($0)])] } ?? [:]
        return try await sparkRewrite(path: request.path, engine: request.engine, predicate: predicate ?? "true", operation: "UPDATE",
                                      parameters: parameters, changedMetric: "numUpdatedRows") { scan, snapshot in
            for column in request.updates.keys where snapshot.schema.field(named: column) == nil {
                throw SwiftLakeError.invalid("unknown_column",
                    "'updates' sets '\(column)', which the table does not have. Its columns: \(snapshot.schema.fields.map(\.name).joined(separator: ", ")).")
            }
            let matches = "coalesce((\(predicate ?? "true")), false)"
            let columns = snapshot.schema.fields.map { field -> String in
                let name = SparkSQL.identifier(field.name)
                guard let expression = request.updates[field.name] else { return name }
                return "CASE WHEN \(matches) THEN CAST((\(expression)) AS \(SparkSQL.type(field.type))) ELSE \(name) END AS \(name)"
            }
            return (columns: columns.joined(separator: ", "), keep: nil, rewritesWholeMatches: true)
        }
    }

    /// The copy-on-write both share. `rewrite` gives the rows to write for the touched files:
    /// the select list over `t` (the candidate files), a filter of the rows to keep, and
    /// whether files whose rows all match are rewritten too (UPDATE) or removed unread (DELETE).
    private func sparkRewrite(path: String, engine: EngineChoice?, predicate: String, operation: String,
                              parameters: [String: DeltaLake.JSONValue], changedMetric: String,
                              rewrite: (SparkDeltaScan, Snapshot) throws -> (columns: String, keep: String?, rewritesWholeMatches: Bool)) async throws -> DeltaWriteResult? {
        let started = ContinuousClock.now
        let table = try deltaWriteTable(path, create: false)
        guard let snapshot = try await latestSnapshotIfExists(table) else {
            throw SwiftLakeError.notFound("delta_not_found", "No Delta table at '\(path)' (no _delta_log). Check the path.")
        }
        let candidates = try await deltaCandidates(snapshot, predicate: predicate)
        guard case .spark(let spark) = try selectEngine(engine, bytesToScan: candidates.reduce(0) { $0 + $1.size }) else { return nil }
        if let refusal = SparkDeltaScan.refusal(snapshot, files: candidates, writing: true) {
            if engine == .spark { throw refusal }
            return nil
        }
        // On a table with deletion vectors enabled this is still copy-on-write (valid Delta:
        // a writer may rewrite instead of marking): touched files are rewritten without their
        // matching rows and without the rows their vectors already deleted.
        let transaction = try startDeltaTransaction(table, from: snapshot, operation: operation, parameters: parameters)
        var result = DeltaWriteResult(version: snapshot.version, operation: operation, committed: false)
        result.engine = SparkEngine.name
        let (scan, lease) = try await sparkDeltaScan(snapshot, files: candidates, withFileColumn: true)
        defer { lease?.release() }
        let plan = try rewrite(scan, snapshot)

        let file = SparkDeltaScan.fileColumn
        let touched = try await sparkMatchingFiles(scan, of: candidates, predicate: predicate, spark: spark)
        guard !touched.isEmpty else {
            result.elapsedMs = (ContinuousClock.now - started).milliseconds
            return result
        }
        let rewritten = touched.filter { plan.rewritesWholeMatches || $0.matched < $0.total }
        let writer = SparkDeltaFileWriter(table: table, staging: duckdb.stagingPath(extension: "delta"), schema: snapshot.schema,
                                          partitionColumns: snapshot.metadata.partitionColumns, configuration: snapshot.metadata.configuration)
        var adds: [AddFile] = []
        if !rewritten.isEmpty {
            let list = rewritten.map { SparkSQL.string($0.sparkPath) }.joined(separator: ", ")
            let rows = "SELECT \(plan.columns) FROM t WHERE \(file) IN (\(list))" + (plan.keep.map { " AND \($0)" } ?? "")
            do {
                adds = try await writer.write(rows: rows, sources: scan.sources, table: scan.table, spark: spark, duckdb: duckdb).adds
            } catch {
                writer.discard()
                throw error
            }
        }
        let changed = touched.reduce(0) { $0 + $1.matched }
        let copied = touched.reduce(0) { $0 + $1.total - $1.matched }
        do {
            try await commitRewrite(transaction, removed: touched.map(\.add), adds: adds, changed: (changedMetric, changed), copied: copied,
                                    writer: writer.dataFiles, started: started, into: &result)
        } catch {
            writer.discard()
            throw error
        }
        if operation == "DELETE" { result.rowsDeleted = changed } else { result.rowsUpdated = changed }
        return result
    }

    /// The files of `scan` (over `candidates`) with rows `predicate` matches, with their row
    /// counts and the path Spark reads each by; one Spark query counts them all.
    func sparkMatchingFiles(_ scan: SparkDeltaScan, of candidates: [AddFile], predicate: String,
                            spark: SparkEngine) async throws -> [(add: AddFile, sparkPath: String, total: Int64, matched: Int64)] {
        let file = SparkDeltaScan.fileColumn
        let counts = try await spark.collect(
            "WITH t AS (\n\(scan.table)\n)\nSELECT \(file), count(*), count_if(coalesce((\(predicate)), false)) FROM t GROUP BY \(file)",
            sources: scan.sources)
        var byPath: [String: AddFile] = [:]
        for add in candidates { if let path = scan.filePaths[add.path] { byPath[path] = add } }
        var matching: [(add: AddFile, sparkPath: String, total: Int64, matched: Int64)] = []
        for row in counts where row.count == 3 {
            guard case .varchar(let sparkPath) = row[0], let add = byPath[SparkDeltaScan.sparkFilePath(sparkPath)] else {
                throw SwiftLakeError(.internal, code: "spark_file_unknown", "Spark read rows from a file SwiftLake did not give it: \(row[0]).")
            }
            let (total, matched) = (Int64(row[1].intValue), Int64(row[2].intValue))
            if matched > 0 { matching.append((add, sparkPath, total, matched)) }
        }
        return matching.sorted { $0.sparkPath < $1.sparkPath }
    }
}
