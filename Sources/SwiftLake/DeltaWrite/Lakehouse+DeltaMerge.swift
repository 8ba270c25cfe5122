import DeltaLake
import DuckDB
import Foundation

extension Lakehouse {
    /// Merges source rows into the Delta table at the request's path in one `MERGE` commit,
    /// with Spark's semantics:
    ///
    /// - Each target row some source row matches (`on`) takes the first `matched` clause
    ///   whose condition holds (update, update_all or delete); each source row no target row
    ///   matches takes the first `not_matched` clause (insert, insert_all); each target row no
    ///   source row matches takes the first `not_matched_by_source` clause (update, delete).
    ///   Rows no clause takes stay as they are.
    /// - Several source rows matching one target row is a 400
    ///   (`multiple_source_rows_match`, Spark's `DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE`)
    ///   unless the only matched clause is an unconditional delete; nothing is written.
    /// - Copy-on-write: only target files with rows a clause changes are rewritten (removed
    ///   and written again with their other rows); inserted rows go to new files. On a table
    ///   with deletion vectors enabled, changed rows are instead marked deleted in new
    ///   deletion vectors of their files and only updated and inserted rows are written
    ///   (metrics add `numTargetDeletionVectorsAdded/Removed/Updated`).
    /// - Target files no source row can match are not read: the `on` condition's top-level
    ///   equalities `t.col = s.col` become a file-skipping predicate over the source's keys
    ///   (``DeltaMergeKeys``). With `not_matched_by_source` clauses every file is read.
    /// - The commit records that it read the whole table (Delta's rule for MERGE: any
    ///   concurrent removal, or concurrent non-blind add, is a conflict, 409), even for an
    ///   insert-only merge, which must see every row that could match.
    ///
    /// Metrics and `operationParameters` use Spark's names (`numTargetRowsInserted`, …;
    /// `predicate`, `matchedPredicates`, …). When nothing changes, nothing is committed.
    public func deltaMerge(_ request: DeltaMergeRequest, progress: ProgressHandler? = nil) async throws -> DeltaMergeResult {
        if let result = try await deltaMergeOnSpark(request, progress: progress) { return result }
        let started = ContinuousClock.now
        let (sourceAlias, targetAlias) = try request.checkedAliases()
        let table = try deltaWriteTable(request.path, create: false)
        guard let snapshot = try await latestSnapshotIfExists(table) else {
            throw SwiftLakeError.notFound("delta_not_found", "No Delta table at '\(request.path)' (no _delta_log). Check the path.")
        }
        // Checks the clauses' shape before reading anything (the source columns come later).
        _ = try DeltaMergePlan(clauses: request.clauses, schema: snapshot.schema, sourceAlias: sourceAlias,
                               targetAlias: targetAlias, sourceColumns: [])
        let keys = DeltaMergeKeys(on: request.on, targetAlias: targetAlias, sourceAlias: sourceAlias)
        let source = try await stageMergeSource(request, target: snapshot, keys: keys, progress: progress)
        defer { source.remove() }
        let plan = try DeltaMergePlan(clauses: request.clauses, schema: snapshot.schema, sourceAlias: sourceAlias,
                                      targetAlias: targetAlias, sourceColumns: source.columns.map(\.name))
        let parameters: [String: DeltaLake.JSONValue] = [
            "predicate": .string(request.on),
            "matchedPredicates": .string(plan.predicates(.matched)),
            "notMatchedPredicates": .string(plan.predicates(.notMatched)),
            "notMatchedBySourcePredicates": .string(plan.predicates(.notMatchedBySource)),
        ]
        var transaction = try startDeltaTransaction(table, from: snapshot, operation: "MERGE", parameters: parameters)
        // A merge depends on every row that could match, wherever it is.
        transaction.recordRead(.wholeTable)

        let candidates: [AddFile]
        if !plan.numbers(.notMatchedBySource).isEmpty {
            candidates = snapshot.activeFiles
        } else if source.matchesNothing {
            candidates = []
        } else {
            candidates = try await deltaCandidates(snapshot, predicate: source.keyPredicate)
        }
        let usesDeletionVectors = deltaUsesDeletionVectors(snapshot)
        // Without not-matched-by-source clauses only the matched target rows matter.
        let matchedOnly = plan.numbers(.notMatchedBySource).isEmpty && !usesDeletionVectors
        let scan = try await deltaTargetScan(snapshot, files: candidates, exposesRowIndex: usesDeletionVectors || matchedOnly)
        let writer = DataFileWriter(table: table, staging: self.duckdb.stagingPath(extension: "delta"), schema: snapshot.schema,
                                    partitionColumns: snapshot.metadata.partitionColumns, configuration: snapshot.metadata.configuration)
        let outcome: DeltaMergeRun.Outcome
        if matchedOnly {
            let run = DeltaMergeMatchedRun(plan: plan, scan: scan, sourceRelation: source.relation, sourceBytes: source.bytes, on: request.on,
                                           sourceAlias: sourceAlias, targetAlias: targetAlias)
            outcome = try await withDeltaWriter(writer, progress: progress) { connection in try run.execute(writer: writer, on: connection) }
        } else {
            let run = DeltaMergeRun(plan: plan, scan: scan, sourceRelation: source.relation, on: request.on,
                                    sourceAlias: sourceAlias, targetAlias: targetAlias, usesDeletionVectors: usesDeletionVectors)
            outcome = try await withDeltaWriter(writer, progress: progress) { connection in try run.execute(writer: writer, on: connection) }
        }

        var metrics = outcome.counts
        metrics["numSourceRows"] = source.rowCount
        let removed = outcome.touched
        let adds = outcome.adds
        var marking: DeletionVectorMarking?
        if usesDeletionVectors {
            do {
                marking = try await DeletionVectorMarking.write(outcome.marked, scan: scan, removedWhole: removed,
                                                                physicalRows: outcome.physicalRows, store: table.store)
            } catch {
                writer.discard()
                throw error
            }
            for (name, value) in marking!.metrics(prefix: "Target") { metrics[name] = value }
        }
        let replaced = marking?.replaced ?? []
        metrics["numTargetFilesAdded"] = Int64(adds.count)
        metrics["numTargetFilesRemoved"] = Int64(removed.count)
        metrics["numTargetChangeFilesAdded"] = 0
        metrics["numTargetBytesAdded"] = adds.reduce(0) { $0 + $1.size }
        metrics["numTargetBytesRemoved"] = removed.reduce(0) { $0 + $1.size }
        var result = DeltaMergeResult(version: snapshot.version, committed: false, metrics: metrics,
                                      filesScanned: candidates.count, filesSkipped: snapshot.activeFiles.count - candidates.count)
        guard !removed.isEmpty || !adds.isEmpty || !replaced.isEmpty else {
            writer.discard()
            result.elapsedMs = (ContinuousClock.now - started).milliseconds
            return result
        }
        transaction.remove(removed + replaced.map(\.old))
        transaction.add(adds + replaced.map(\.new))
        let elapsed = (ContinuousClock.now - started).milliseconds
        result.metrics["executionTimeMs"] = Int64(elapsed)
        let commitMetrics = Self.sparkMetrics(metrics.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, elapsedMs: elapsed)
        do {
            result.version = try await commitDelta(transaction, metrics: commitMetrics, writer: writer)
        } catch {
            await marking?.discard(from: table.store)
            throw error
        }
        result.committed = true
        result.elapsedMs = (ContinuousClock.now - started).milliseconds
        return result
    }
}
