import DeltaLake
import Foundation
import SparkConnect

extension Lakehouse {
    /// MERGE on Spark, when the request's engine choice picks Spark (`spark`, or `auto` with
    /// more bytes in the target files the source's keys may match than the threshold); `nil`
    /// when it picks DuckDB, which then runs ``deltaMerge(_:progress:)`` as usual.
    ///
    /// The same merge as DuckDB's, with the same checks, errors, metrics and resulting rows:
    /// SwiftLake checks the request (``DeltaMergePlan``), skips target files by the source's
    /// join keys (``DeltaMergeKeys``, the keys' values found by Spark), and commits; Spark
    /// joins the source to the candidate files, evaluates the clauses
    /// (``SparkDeltaMergeQuery``), counts the rows per file and clause, and writes the files
    /// with changed rows again, with the inserted rows (``SparkDeltaFileWriter``, which checks
    /// NOT NULL columns and CHECK constraints and has SwiftLake compute each file's statistics).
    /// Only files with changed rows are rewritten. The request's SQL (`on`, conditions,
    /// expressions, `source.sql`) is Spark SQL here.
    ///
    /// Sources: Parquet `source_paths` and `delta` tables are read by Spark; JSON `rows` are
    /// staged by DuckDB as Parquet first. Unlike DuckDB's merge, a Delta source is not limited
    /// to `max_rows` rows (DuckDB's merge exports it first; Spark reads it in place). Tables
    /// and sources in S3 are read from local copies (the S3 cache) and written to a local
    /// mirror that the commit uploads, as for UPDATE and DELETE on Spark.
    ///
    /// Not on Spark yet (422 `engine_unsupported` with `"engine": "spark"`; `auto` runs them
    /// on DuckDB): target tables with deletion vectors or column mapping, and Delta sources
    /// whose deletion vectors delete more rows than a Spark read takes
    /// (``SparkDeltaScan/maxDeletedRows``). A merge that fails leaves the table as it was: files written for it are
    /// deleted, nothing is committed.
    func deltaMergeOnSpark(_ request: DeltaMergeRequest, progress: ProgressHandler?) async throws -> DeltaMergeResult? {
        guard request.engine != .duckdb else { return nil }
        let explicit = request.engine == .spark
        if explicit && spark == nil { throw Self.sparkNotConfigured }
        guard let spark else { return nil }
        let started = ContinuousClock.now
        // `auto` with a table too small, or one Spark cannot merge into: DuckDB, before any work.
        if !explicit {
            guard let table = try? deltaWriteTable(request.path, create: false),
                  let snapshot = try? await latestSnapshotIfExists(table), sparkMergeRefusal(snapshot) == nil,
                  snapshot.activeFiles.reduce(0, { $0 + $1.size }) > configuration.sparkThresholdBytes else { return nil }
        }

        // The checks of the DuckDB merge, in its order.
        let (sourceAlias, targetAlias) = try request.checkedAliases()
        let table = try deltaWriteTable(request.path, create: false)
        guard let snapshot = try await latestSnapshotIfExists(table) else {
            throw SwiftLakeError.notFound("delta_not_found", "No Delta table at '\(request.path)' (no _delta_log). Check the path.")
        }
        _ = try DeltaMergePlan(clauses: request.clauses, schema: snapshot.schema, sourceAlias: sourceAlias,
                               targetAlias: targetAlias, sourceColumns: [])
        if let refusal = sparkMergeRefusal(snapshot) { throw refusal }

        let keys = DeltaMergeKeys(on: request.on, targetAlias: targetAlias, sourceAlias: sourceAlias)
        let readsAll = request.clauses.contains { $0.when == .notMatchedBySource }
        guard let source = try await sparkMergeSource(request, target: snapshot, keys: keys, needsKeys: !readsAll, spark: spark,
                                                      progress: progress) else {
            return nil
        }
        defer { source.remove() }
        let plan = try DeltaMergePlan(clauses: request.clauses, schema: snapshot.schema, sourceAlias: sourceAlias,
                                      targetAlias: targetAlias, sourceColumns: source.columns.map(\.name))
        let candidates: [AddFile]
        if !plan.numbers(.notMatchedBySource).isEmpty {
            candidates = snapshot.activeFiles
        } else if source.matchesNothing {
            candidates = []
        } else {
            candidates = try await deltaCandidates(snapshot, predicate: source.keyPredicate)
        }
        guard case .spark = try selectEngine(request.engine, bytesToScan: candidates.reduce(0) { $0 + $1.size }) else { return nil }

        let (scan, lease) = try await sparkDeltaScan(snapshot, files: candidates, withFileColumn: true)
        defer { lease?.release() }
        let query = SparkDeltaMergeQuery(plan: plan, on: request.on, sourceAlias: sourceAlias, targetAlias: targetAlias,
                                         source: source, target: scan, partitionColumns: snapshot.metadata.partitionColumns)
        try await checkMergeExpressions(request.on, plan: plan, query: query, spark: spark)
        let parameters: [String: DeltaLake.JSONValue] = [
            "predicate": .string(request.on),
            "matchedPredicates": .string(plan.predicates(.matched)),
            "notMatchedPredicates": .string(plan.predicates(.notMatched)),
            "notMatchedBySourcePredicates": .string(plan.predicates(.notMatchedBySource)),
        ]
        var transaction = try startDeltaTransaction(table, from: snapshot, operation: "MERGE", parameters: parameters)
        // A merge depends on every row that could match, wherever it is.
        transaction.recordRead(.wholeTable)

        // Rows per file and clause, inserted rows, source rows.
        var perFile: [String: (total: Int64, changed: Int64)] = [:]
        var matchedUpdated: Int64 = 0, matchedDeleted: Int64 = 0, sourceUpdated: Int64 = 0, sourceDeleted: Int64 = 0
        var inserted: Int64 = 0, pairs: Int64 = 0, matchedTargets: Int64 = 0, sourceRows: Int64 = 0
        for row in try await spark.collect(query.counts, sources: query.sources) where row.count == 4 {
            let kind = row[0].intValue, clause = row[2].intValue, count = Int64(row[3].intValue)
            switch kind {
            case 0, 1:
                guard case .varchar(let file) = row[1] else {
                    throw SwiftLakeError(.internal, code: "spark_file_unknown", "Spark counted target rows without their file.")
                }
                perFile[file, default: (0, 0)].total += count
                if kind == 0 { pairs += count }
                guard clause > 0 else { continue }
                perFile[file, default: (0, 0)].changed += count
                switch (kind == 0, plan.deleting.contains(clause)) {
                case (true, true): matchedDeleted += count
                case (true, false): matchedUpdated += count
                case (false, true): sourceDeleted += count
                case (false, false): sourceUpdated += count
                }
            case 2: if clause > 0 { inserted += count }
            case 3: matchedTargets = count
            default: sourceRows = count
            }
        }
        if !plan.allowsMultipleMatches && pairs > matchedTargets {
            throw SwiftLakeError.invalid("multiple_source_rows_match",
                "Several source rows match the same target row (\(pairs) matches for \(matchedTargets) target rows), so the merge cannot tell which one to apply (Spark's DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE). Nothing was written. Make the source unique on the join keys (e.g. 'source.sql' keeping the rows where row_number() OVER (PARTITION BY id ORDER BY …) = 1) or tighten 'on'.")
        }

        // The files with changed rows, as Spark names them, and the rows to write.
        var byPath: [String: AddFile] = [:]
        for add in candidates { if let path = scan.filePaths[add.path] { byPath[path] = add } }
        var removed: [AddFile] = [], touched: [String] = [], copied: Int64 = 0
        for (file, counts) in perFile.sorted(by: { $0.key < $1.key }) where counts.changed > 0 {
            guard let add = byPath[SparkDeltaScan.sparkFilePath(file)] else {
                throw SwiftLakeError(.internal, code: "spark_file_unknown", "Spark read rows from a file SwiftLake did not give it: \(file).")
            }
            removed.append(add)
            touched.append(file)
            copied += counts.total - counts.changed
        }
        let writer = SparkDeltaFileWriter(table: table, staging: duckdb.stagingPath(extension: "delta"), schema: snapshot.schema,
                                          partitionColumns: snapshot.metadata.partitionColumns, configuration: snapshot.metadata.configuration)
        var adds: [AddFile] = [], written: Int64 = 0
        if let rows = try query.rows(touched: touched, inserts: inserted > 0) {
            do {
                (adds, written) = try await writer.write(rows: rows, sources: query.sources, table: nil, spark: spark, duckdb: duckdb)
            } catch {
                writer.discard()
                throw error
            }
        }

        var metrics: [String: Int64] = [
            "numSourceRows": sourceRows,
            "numTargetRowsInserted": inserted,
            "numTargetRowsUpdated": matchedUpdated + sourceUpdated,
            "numTargetRowsMatchedUpdated": matchedUpdated,
            "numTargetRowsNotMatchedBySourceUpdated": sourceUpdated,
            "numTargetRowsDeleted": matchedDeleted + sourceDeleted,
            "numTargetRowsMatchedDeleted": matchedDeleted,
            "numTargetRowsNotMatchedBySourceDeleted": sourceDeleted,
            "numTargetRowsCopied": copied,
            "numOutputRows": written,
        ]
        metrics["numTargetFilesAdded"] = Int64(adds.count)
        metrics["numTargetFilesRemoved"] = Int64(removed.count)
        metrics["numTargetChangeFilesAdded"] = 0
        metrics["numTargetBytesAdded"] = adds.reduce(0) { $0 + $1.size }
        metrics["numTargetBytesRemoved"] = removed.reduce(0) { $0 + $1.size }
        var result = DeltaMergeResult(version: snapshot.version, committed: false, metrics: metrics,
                                      filesScanned: candidates.count, filesSkipped: snapshot.activeFiles.count - candidates.count)
        result.engine = SparkEngine.name
        guard !removed.isEmpty || !adds.isEmpty else {
            writer.discard()
            result.elapsedMs = (ContinuousClock.now - started).milliseconds
            return result
        }
        transaction.remove(removed)
        transaction.add(adds)
        let elapsed = (ContinuousClock.now - started).milliseconds
        result.metrics["executionTimeMs"] = Int64(elapsed)
        let commitMetrics = Self.sparkMetrics(metrics.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, elapsedMs: elapsed)
        do {
            result.version = try await commitDelta(transaction, metrics: commitMetrics, writer: writer.dataFiles)
        } catch {
            writer.discard()
            throw error
        }
        result.committed = true
        result.elapsedMs = (ContinuousClock.now - started).milliseconds
        return result
    }

    /// Why the Spark engine cannot merge into `snapshot` yet (a 422 saying to use DuckDB), or
    /// `nil`: deletion vectors (enabled, or in any file) and column mapping.
    func sparkMergeRefusal(_ snapshot: Snapshot) -> SwiftLakeError? {
        func refuse(_ what: String) -> SwiftLakeError {
            SwiftLakeError(.unprocessable, code: "engine_unsupported",
                           "The Spark engine does not merge into \(what) yet. Send this merge with \"engine\": \"duckdb\" (or \"auto\").")
        }
        if deltaUsesDeletionVectors(snapshot) || snapshot.activeFiles.contains(where: { $0.deletionVector != nil }) {
            return refuse("tables with deletion vectors")
        }
        if snapshot.metadata.columnMappingMode != "none" { return refuse("tables with column mapping") }
        return nil
    }

    /// Checks `on` and every condition and expression of the clauses: each must be one
    /// expression (``SparkDeltaMergeQuery/checkExpression(_:field:)``), and Spark must accept
    /// them over a target row and a source row. The first one Spark rejects is a 400 naming it.
    private func checkMergeExpressions(_ on: String, plan: DeltaMergePlan, query: SparkDeltaMergeQuery, spark: SparkEngine) async throws {
        let all = [(field: "on", sql: on)] + plan.expressions
        for (field, sql) in all { try SparkDeltaMergeQuery.checkExpression(sql, field: field) }
        do {
            _ = try await spark.schema(of: query.probe(all.map { $0.sql }), sources: query.sources)
        } catch let error as SwiftLakeError where error.kind == .invalidRequest {
            for (field, sql) in all {
                do {
                    _ = try await spark.schema(of: query.probe([sql]), sources: query.sources)
                } catch let one as SwiftLakeError where one.kind == .invalidRequest {
                    throw SwiftLakeError.invalid("invalid_expression",
                                                 "'\(field)' is not a valid Spark SQL expression over the target's and the source's columns: \(one.message)")
                }
            }
            throw error
        }
    }
}
