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
    ///
    /// On a table with deletion vectors enabled (`delta.enableDeletionVectors`), a file with
    /// some matches is not rewritten: its matching rows are marked in a new deletion vector
    /// (``DeletionVectorMarking``), and the metrics add `numDeletionVectorsAdded/Removed/Updated`.
    /// Rows already deleted by a file's vector are never counted nor copied back.
    public func deltaDelete(_ request: DeltaDeleteRequest, progress: ProgressHandler? = nil) async throws -> DeltaWriteResult {
        if let result = try await deltaDeleteOnSpark(request) { return result }
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
        var marking: DeletionVectorMarking?
        let usesDeletionVectors = deltaUsesDeletionVectors(snapshot)
        if let predicate {
            let candidates = try await deltaCandidates(snapshot, predicate: predicate)
            let scan = try await deltaTargetScan(snapshot, files: candidates, exposesRowIndex: usesDeletionVectors)
            let cow = CopyOnWrite(scan: scan, predicate: predicate)
            let fileWriter = DataFileWriter(table: table, staging: self.duckdb.stagingPath(extension: "delta"), schema: snapshot.schema,
                                            partitionColumns: snapshot.metadata.partitionColumns, configuration: snapshot.metadata.configuration)
            writer = fileWriter
            let work = try await withDeltaWriter(fileWriter, progress: progress) { connection -> ([CopyOnWrite.Touched], [AddFile], [String: [UInt64]], [String: Int64]) in
                defer { try? connection.execute(scan.teardown()) }
                try scan.setup(on: connection)
                try ReadOnlyStatement.validateExpression(predicate, over: scan.view, on: connection, field: "predicate")
                let touched = try cow.touched(on: connection)
                let partial = touched.filter { $0.matched < $0.total }.map { scan.path(of: $0.add) }
                if usesDeletionVectors {
                    return (touched, [], try DeletionVectorMarking.rowIndexes(in: scan, files: partial, filter: cow.matches, on: connection),
                            try DeletionVectorMarking.missingRowCounts(in: scan, files: partial, on: connection))
                }
                let adds = partial.isEmpty ? [] : try fileWriter.write(relation: cow.rows(of: partial, filter: "NOT \(cow.matches)"), on: connection)
                return (touched, adds, [:], [:])
            }
            deleted = work.0.reduce(0) { $0 + $1.matched }
            if usesDeletionVectors {
                removed = work.0.filter { $0.matched == $0.total }.map(\.add)
                marking = try await DeletionVectorMarking.write(work.2, scan: scan, removedWhole: removed, physicalRows: work.3, store: table.store)
            } else {
                removed = work.0.map(\.add)
                adds = work.1
                copied = work.0.reduce(0) { $0 + $1.total - $1.matched }
            }
        } else {
            removed = snapshot.activeFiles
            deleted = removed.reduce(0) { $0 + ($1.numRecords ?? 0) - ($1.deletionVector?.cardinality ?? 0) }
            if usesDeletionVectors {
                marking = DeletionVectorMarking(removed: Int64(removed.filter { $0.deletionVector != nil }.count))
            }
        }
        guard !removed.isEmpty || !(marking?.replaced.isEmpty ?? true) else {
            result.elapsedMs = (ContinuousClock.now - started).milliseconds
            return result
        }
        try await commitRewrite(transaction, removed: removed, adds: adds, changed: ("numDeletedRows", deleted),
                                copied: copied, writer: writer, marking: marking, started: started, into: &result)
        result.rowsDeleted = deleted
        return result
    }
}
