import DeltaLake
import DuckDB
import Foundation

extension Lakehouse {
    /// Sets columns to SQL expressions on the rows matching the predicate (every row
    /// without one) in one `UPDATE` commit.
    ///
    /// Only files with matching rows are rewritten (copy-on-write): each is removed and its
    /// rows written again, changed where they match; files that file skipping rules out
    /// are not read. Expressions see the row's current values and are cast to the column's
    /// type; a NULL in a NOT NULL column, an unknown column or a bad expression is a 400 and
    /// nothing changes. Updating a partition column moves rows to their new partition.
    /// When no row matches nothing is committed.
    ///
    /// On a table with deletion vectors enabled, only the updated rows are written (to new
    /// files); in their old files they are marked deleted by new deletion vectors
    /// (``DeletionVectorMarking``) instead of the files being rewritten, and no rows are copied.
    public func deltaUpdate(_ request: DeltaUpdateRequest, progress: ProgressHandler? = nil) async throws -> DeltaWriteResult {
        if let result = try await deltaUpdateOnSpark(request) { return result }
        let started = ContinuousClock.now
        guard !request.updates.isEmpty else {
            throw SwiftLakeError.invalid("nothing_to_do", "Give at least one column to set in 'updates', e.g. {\"price\": \"price * 1.1\"}.")
        }
        let table = try deltaWriteTable(request.path, create: false)
        guard let snapshot = try await latestSnapshotIfExists(table) else {
            throw SwiftLakeError.notFound("delta_not_found", "No Delta table at '\(request.path)' (no _delta_log). Check the path.")
        }
        for column in request.updates.keys where snapshot.schema.field(named: column) == nil {
            throw SwiftLakeError.invalid("unknown_column",
                "'updates' sets '\(column)', which the table does not have. Its columns: \(snapshot.schema.fields.map(\.name).joined(separator: ", ")).")
        }
        let predicate = request.predicate.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let parameters: [String: DeltaLake.JSONValue] = predicate.map { ["predicate": .array([.string($0)])] } ?? [:]
        let transaction = try startDeltaTransaction(table, from: snapshot, operation: "UPDATE", parameters: parameters)

        let candidates = try await deltaCandidates(snapshot, predicate: predicate)
        let usesDeletionVectors = deltaUsesDeletionVectors(snapshot)
        let scan = try await deltaTargetScan(snapshot, files: candidates, exposesRowIndex: usesDeletionVectors)
        let cow = CopyOnWrite(scan: scan, predicate: predicate ?? "true")
        let writer = DataFileWriter(table: table, staging: self.duckdb.stagingPath(extension: "delta"), schema: snapshot.schema,
                                    partitionColumns: snapshot.metadata.partitionColumns, configuration: snapshot.metadata.configuration)
        var select: [String] = []
        for field in snapshot.schema.fields {
            let name = SQL.identifier(field.name)
            if let expression = request.updates[field.name] {
                let type = try DeltaColumnTypes.duckDBType(field.type, column: field.name)
                select.append("CASE WHEN \(cow.matches) THEN CAST((\(expression)) AS \(type)) ELSE \(name) END AS \(name)")
            } else {
                select.append(name)
            }
        }
        let updates = request.updates
        let selectList = select.joined(separator: ", ")
        let notNullCheck = DeltaWritePlan(schema: snapshot.schema, addedColumns: [], selectList: "")
        let checksRows = snapshot.schema.fields.contains { !$0.nullable }
            || !ConstraintCheck(configuration: snapshot.metadata.configuration).constraints.isEmpty
        let work = try await withDeltaWriter(writer, progress: progress) { connection -> ([CopyOnWrite.Touched], [AddFile], [String: [UInt64]], [String: Int64]) in
            let staged = "__swiftlake_update_" + UUID().uuidString.prefix(8).lowercased()
            defer {
                try? connection.execute("DROP TABLE IF EXISTS \(staged)")
                try? connection.execute(scan.teardown())
            }
            try scan.setup(on: connection)
            if let predicate { try ReadOnlyStatement.validateExpression(predicate, over: scan.view, on: connection, field: "predicate") }
            for (column, expression) in updates.sorted(by: { $0.key < $1.key }) {
                try ReadOnlyStatement.validateExpression(expression, over: scan.view, on: connection, field: "updates.\(column)")
            }
            let touched = try cow.touched(on: connection)
            guard !touched.isEmpty else { return ([], [], [:], [:]) }
            let paths = touched.map { scan.path(of: $0.add) }
            if !usesDeletionVectors && !checksRows {
                // Nothing to check: the touched files' rows go from the scan, changed, into the new files.
                return (touched, try writer.write(relation: cow.rows(of: paths, select: selectList), on: connection), [:], [:])
            }
            // Only the updated rows are staged and checked (the others are unchanged, and were
            // checked when written); with deletion vectors only they are written, the rest stay
            // where they are, and otherwise the touched files' other rows go with them straight
            // from the scan.
            try connection.execute("CREATE TEMP TABLE \(staged) AS SELECT * FROM \(cow.rows(of: paths, select: selectList, filter: cow.matches))")
            try notNullCheck.checkNotNull(relation: staged, on: connection)
            try ConstraintCheck(configuration: snapshot.metadata.configuration).check(relation: staged, on: connection)
            let plain = snapshot.schema.fields.map { SQL.identifier($0.name) }.joined(separator: ", ")
            let output = usesDeletionVectors ? staged
                : "(SELECT * FROM \(cow.rows(of: paths, select: plain, filter: "NOT \(cow.matches)")) UNION ALL SELECT * FROM \(staged))"
            var marked: [String: [UInt64]] = [:], counts: [String: Int64] = [:]
            if usesDeletionVectors {
                let partial = touched.filter { $0.matched < $0.total }.map { scan.path(of: $0.add) }
                marked = try DeletionVectorMarking.rowIndexes(in: scan, files: partial, filter: cow.matches, on: connection)
                counts = try DeletionVectorMarking.missingRowCounts(in: scan, files: partial, on: connection)
            }
            return (touched, try writer.write(relation: output, on: connection), marked, counts)
        }
        var result = DeltaWriteResult(version: snapshot.version, operation: "UPDATE", committed: false)
        guard !work.0.isEmpty else {
            result.elapsedMs = (ContinuousClock.now - started).milliseconds
            return result
        }
        let adds = work.1, updated = work.0.reduce(0) { $0 + $1.matched }
        var removed = work.0.map(\.add), copied = work.0.reduce(0) { $0 + $1.total - $1.matched }
        var marking: DeletionVectorMarking?
        if usesDeletionVectors {
            removed = work.0.filter { $0.matched == $0.total }.map(\.add)
            copied = 0
            do {
                marking = try await DeletionVectorMarking.write(work.2, scan: scan, removedWhole: removed, physicalRows: work.3, store: table.store)
            } catch {
                writer.discard()
                throw error
            }
        }
        try await commitRewrite(transaction, removed: removed, adds: adds, changed: ("numUpdatedRows", updated),
                                copied: copied, writer: writer, marking: marking, started: started, into: &result)
        result.rowsUpdated = updated
        return result
    }
}
