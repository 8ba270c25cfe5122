import DeltaLake
import DuckDB
import Foundation

extension Lakehouse {
    /// Deletes the rows matching the predicate (every row without one) in one `DELETE` commit.
    ///
    /// Files whose partition values and statistics rule the predicate out are not read.
    /// The others are read once to count matching rows per file: a file whose rows all
    /// match is removed without rewriting; a file with some matches is rewritten
    /// (copy-on-write) with its other rows; a file without matches stays. Without a
    /// predicate every file is removed unread. When no row matches nothing is committed
    /// (`committed` false). Metrics use Spark's names (`numDeletedRows`, `numCopiedRows`,
    /// `numRemovedFiles`, `numAddedFiles`, …).
    public func deltaDelete(_ request: DeltaDeleteRequest, progress: ProgressHandler? = nil) async throws -> DeltaWriteResult {
        let started = ContinuousClock.now
        let table = try deltaWriteTable(request.path, create: false)
        guard let snapshot = try await latestSnapshotIfExists(table) else {
            throw SwiftLakeError.notFound("delta_not_found", "No Delta table at '\(request.path)' (no _delta_log). Check the path.")
        }
        let predicate = request.predicate.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let parameters: [String: DeltaLake.JSONValue] = ["predicate": .array(predicate.map { [.string($0)] } ?? [])]
        let transaction = try startDeltaTransaction(table, from: snapshot, operation: "DELETE", parameters: parameters)
        var result = DeltaWriteResult(version: snapshot.version, operation: "DELETE", committed: false)

        var removed: [AddFile] = []
        var adds: [AddFile] = []
        var copied: Int64 = 0, deleted: Int64 = 0
        var writer: DataFileWriter?
        if let predicate {
            let candidates = try await deltaCandidates(snapshot, predicate: predicate)
            let scan = try await deltaTargetScan(snapshot, files: candidates)
            let cow = CopyOnWrite(scan: scan, predicate: predicate)
            let fileWriter = DataFileWriter(tableLocation: table.builder.location, schema: snapshot.schema,
                                            partitionColumns: snapshot.metadata.partitionColumns, configuration: snapshot.metadata.configuration)
            writer = fileWriter
            let work = try await withDeltaWriter(fileWriter, progress: progress) { connection -> ([CopyOnWrite.Touched], [AddFile]) in
                defer { try? connection.execute(scan.teardown()) }
                try connection.execute(scan.setup())
                try ReadOnlyStatement.validateExpression(predicate, over: scan.view, on: connection, field: "predicate")
                let touched = try cow.touched(on: connection)
                let partial = touched.filter { $0.matched < $0.total }.map { DeltaTargetScan.absolutePath($0.add, in: snapshot) }
                let adds = partial.isEmpty ? [] : try fileWriter.write(relation: cow.rows(of: partial, filter: "NOT \(cow.matches)"), on: connection)
                return (touched, adds)
            }
            removed = work.0.map(\.add)
            adds = work.1
            deleted = work.0.reduce(0) { $0 + $1.matched }
            copied = work.0.reduce(0) { $0 + $1.total - $1.matched }
        } else {
            removed = snapshot.activeFiles
            deleted = removed.reduce(0) { $0 + ($1.numRecords ?? 0) }
        }
        guard !removed.isEmpty else {
            result.elapsedMs = (ContinuousClock.now - started).milliseconds
            return result
        }
        try await commitRewrite(transaction, removed: removed, adds: adds, changed: ("numDeletedRows", deleted),
                                copied: copied, writer: writer, started: started, into: &result)
        result.rowsDeleted = deleted
        return result
    }
}
