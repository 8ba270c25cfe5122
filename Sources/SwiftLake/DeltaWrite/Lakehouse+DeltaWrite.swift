import DeltaLake
import DuckDB
import Foundation

extension Lakehouse {
    /// Writes rows to the Delta table at the request's path, creating it (schema from the
    /// data) when missing, in one commit.
    ///
    /// - `append` adds files; `overwrite` also removes the table's files, or with
    ///   `replace_where` only the rows matching it (files wholly matching are removed,
    ///   files partly matching are rewritten without those rows) after checking that every
    ///   new row matches it; `error` is a 409 and `ignore` a no-op when the table exists.
    /// - The data must fit the table: unknown columns are a 400 (or added with
    ///   `merge_schema`), types are checked (``DeltaColumnTypes``, ``RowTypes``), NULL in a
    ///   NOT NULL column is a 400. Missing columns are written as NULL.
    /// - Nothing is changed on failure: files written before a failed check or commit are
    ///   deleted. Tables with features SwiftLake cannot write (deletion vectors, column
    ///   mapping, …) are refused with 422 before anything is written.
    ///
    /// The commit is a `WRITE` with Spark's parameters (`mode`, `partitionBy`, `predicate`)
    /// and metrics (`numFiles`, `numOutputRows`, `numOutputBytes`, `numRemovedFiles`, …).
    public func deltaWrite(_ request: DeltaWriteRequest, progress: ProgressHandler? = nil) async throws -> DeltaWriteResult {
        if let result = try await deltaWriteOnSpark(request) { return result }
        let started = ContinuousClock.now
        let mode = request.mode ?? .append
        if request.replaceWhere != nil && mode != .overwrite {
            throw SwiftLakeError.invalid("replace_where_needs_overwrite", "'replace_where' replaces rows, so it needs \"mode\": \"overwrite\".")
        }
        let table = try deltaWriteTable(request.path, create: true)
        let snapshot = try await latestSnapshotIfExists(table)
        if let snapshot {
            if mode == .error {
                throw SwiftLakeError(.conflict, code: "table_exists",
                    "A Delta table already exists at '\(request.path)' (version \(snapshot.version)) and \"mode\" is \"error\". Use append or overwrite.")
            }
            if mode == .ignore {
                var result = DeltaWriteResult(version: snapshot.version, operation: "WRITE", committed: false)
                result.elapsedMs = (ContinuousClock.now - started).milliseconds
                return result
            }
            if let wanted = request.partitionColumns, wanted != snapshot.metadata.partitionColumns {
                throw SwiftLakeError.invalid("partition_mismatch",
                    "The table is partitioned by [\(snapshot.metadata.partitionColumns.joined(separator: ", "))], not [\(wanted.joined(separator: ", "))]; leave out 'partition_columns' or overwrite into a new path.")
            }
        }
        let sparkMode: String = switch mode {
        case .append: "Append"
        case .overwrite: "Overwrite"
        case .error: "ErrorIfExists"
        case .ignore: "Ignore"
        }
        let partitionColumns = snapshot?.metadata.partitionColumns ?? request.partitionColumns ?? []
        var parameters: [String: DeltaLake.JSONValue] = [
            "mode": .string(sparkMode), "partitionBy": .array(partitionColumns.map(DeltaLake.JSONValue.string)),
        ]
        if let replaceWhere = request.replaceWhere { parameters["predicate"] = .array([.string(replaceWhere)]) }
        // Refuse tables we cannot write before any file is written.
        var transaction = try snapshot.map { try startDeltaTransaction(table, from: $0, operation: "WRITE", parameters: parameters) }

        let (input, sourceLease) = try await deltaWriteInput(request, schema: snapshot?.schema)
        defer {
            input.remove()
            sourceLease?.release()
        }
        // The files an overwrite replaces, and a view over those that must be read.
        var replaced: [AddFile] = []
        var scan: DeltaTargetScan?
        if let snapshot, mode == .overwrite {
            replaced = try await deltaCandidates(snapshot, predicate: request.replaceWhere)
            if request.replaceWhere != nil || replaced.contains(where: { $0.numRecords == nil }) {
                scan = try await deltaTargetScan(snapshot, files: replaced)
            }
        }
        let configuration = snapshot?.metadata.configuration ?? request.properties ?? [:]
        let existingSchema = snapshot?.schema
        let scanned = scan
        let replaceWhere = request.replaceWhere
        let mergeSchema = request.mergeSchema ?? false
        let targetFileSize = request.targetFileSize
        let work = try await duckdb.withConnection(parquetFiles: input.parquetFiles, progress: progress) { connection in
            try self.duckdb.defineTable(input.definition, on: connection, force: true)
            _ = try ReadOnlyStatement.prepare(input.statement, on: connection)
            let columns = try connection.query("SELECT * FROM (\(input.statement)) LIMIT 0").columns
            let plan = try DeltaWritePlan.make(columns: columns, existing: existingSchema, mergeSchema: mergeSchema)
            if existingSchema == nil { try Self.checkPartitionColumns(partitionColumns, schema: plan.schema) }
            let writer = DataFileWriter(table: table, staging: self.duckdb.stagingPath(extension: "delta"), schema: plan.schema,
                                        partitionColumns: partitionColumns, configuration: configuration, targetFileSize: targetFileSize)
            let staged = "__swiftlake_write_" + UUID().uuidString.prefix(8).lowercased()
            defer {
                try? connection.execute("DROP TABLE IF EXISTS \(staged)")
                if let scanned { try? connection.execute(scanned.teardown()) }
            }
            do {
                try connection.execute("CREATE TEMP TABLE \(staged) AS SELECT \(plan.selectList) FROM (\(input.statement)) AS src")
                try plan.checkNotNull(relation: staged, on: connection)
                try ConstraintCheck(configuration: configuration).check(relation: staged, on: connection)
                let inserted = Int64(try connection.query("SELECT count(*) FROM \(staged)").rows()[0][0].intValue)
                var outcome = WriteOutcome(plan: plan, writer: writer, rowsInserted: inserted)
                if let scanned { try connection.execute(scanned.setup()) }
                if let replaceWhere {
                    try ReadOnlyStatement.validateExpression(replaceWhere, over: staged, on: connection, field: "replace_where")
                    let outside = try connection.query("SELECT count(*) FILTER (WHERE NOT coalesce((\(replaceWhere)), false)) FROM \(staged)").rows()[0][0].intValue
                    if outside > 0 {
                        throw SwiftLakeError.invalid("replace_where_violation",
                            "\(outside) of the \(inserted) rows to write do not match 'replace_where' (\(replaceWhere)); an overwrite with replace_where may only write rows it replaces. Filter them out in 'sql'.")
                    }
                }
                outcome.adds = try writer.write(relation: staged, on: connection)
                if let scanned {
                    let counts = try Self.matchCounts(scanned, predicate: replaceWhere ?? "true", on: connection)
                    outcome.rowCounts = counts
                    let partial = scanned.files.filter { file in
                        let c = counts[file.path] ?? (0, 0)
                        return c.matched > 0 && c.matched < c.total
                    }
                    if !partial.isEmpty {
                        let list = SQL.list(partial.map(\.path))
                        let keep = "(SELECT * EXCLUDE (\(SQL.identifier(DeltaTargetScan.fileColumn))) FROM \(scanned.view) "
                            + "WHERE \(SQL.identifier(DeltaTargetScan.fileColumn)) IN (SELECT unnest(\(list))) AND NOT coalesce((\(replaceWhere ?? "true")), false))"
                        outcome.adds += try writer.write(relation: keep, on: connection)
                    }
                }
                return outcome
            } catch {
                writer.discard()
                throw error
            }
        }

        // Which of the replaced files go, and the rows they held.
        var removed: [AddFile] = []
        var deletedRows: Int64 = 0, copiedRows: Int64 = 0
        for file in replaced {
            if let counts = work.rowCounts {
                let c = counts[scan?.path(of: file) ?? DeltaTargetScan.absolutePath(file, in: snapshot!)] ?? (0, 0)
                if c.matched == 0 && replaceWhere != nil { continue }
                deletedRows += c.matched
                copiedRows += c.total - c.matched
            } else {
                // Rows a deletion vector already removed are not deleted again.
                deletedRows += (file.numRecords ?? 0) - (file.deletionVector?.cardinality ?? 0)
            }
            removed.append(file)
        }
        let addedBytes = work.adds.reduce(0) { $0 + $1.size }, removedBytes = removed.reduce(0) { $0 + $1.size }
        var metrics: [(String, Int64)] = [("numFiles", Int64(work.adds.count)), ("numOutputRows", work.rowsInserted + copiedRows),
                                          ("numOutputBytes", addedBytes)]
        if mode == .overwrite && snapshot != nil {
            metrics += [("numRemovedFiles", Int64(removed.count)), ("numRemovedBytes", removedBytes)]
            if replaceWhere != nil { metrics += [("numDeletedRows", deletedRows), ("numCopiedRows", copiedRows)] }
        }
        var result = DeltaWriteResult(version: -1, operation: "WRITE", committed: true)
        if var txn = transaction {
            if !work.plan.addedColumns.isEmpty, let snapshot {
                var metadata = snapshot.metadata
                metadata.schemaString = work.plan.schema.description
                do { try txn.updateMetadata(metadata) } catch let error as DeltaError {
                    work.writer.discard()
                    throw SwiftLakeError(error)
                }
            }
            txn.remove(removed)
            txn.add(work.adds)
            transaction = txn
        } else {
            let metadata = Metadata.newTable(schema: work.plan.schema, partitionColumns: partitionColumns, configuration: configuration)
            do {
                var txn = try table.createTransaction(metadata: metadata, protocol: DeltaColumnTypes.newTableProtocol(for: work.plan.schema),
                                                      operation: "WRITE", parameters: parameters)
                txn.add(work.adds)
                transaction = txn
            } catch let error as DeltaError {
                work.writer.discard()
                throw SwiftLakeError(error)
            }
        }
        let elapsed = (ContinuousClock.now - started).milliseconds
        let commitMetrics = Self.sparkMetrics(metrics, elapsedMs: elapsed)
        result.version = try await commitDelta(transaction!, metrics: commitMetrics, writer: work.writer)
        result.record(commitMetrics)
        result.rowsInserted = work.rowsInserted
        result.rowsDeleted = deletedRows
        result.rowsCopied = copiedRows
        result.filesAdded = work.adds.count
        result.filesRemoved = removed.count
        result.bytesAdded = addedBytes
        result.bytesRemoved = removedBytes
        result.elapsedMs = (ContinuousClock.now - started).milliseconds
        return result
    }

    /// The data of a write: `rows`/`source_paths`/`sql` as ``DeltaWriteInput/prepare(_:schema:roots:stagingPath:)``
    /// makes it, or, for `source_delta`, `t` defined over that table's snapshot exactly as a
    /// read defines it (deletion vectors, column mapping and partition values applied; no row
    /// limit). The lease keeps an S3 source's cached files until the write has read them.
    private func deltaWriteInput(_ request: DeltaWriteRequest, schema: DeltaSchema?) async throws -> (DeltaWriteInput, S3FileCache.Lease?) {
        guard let source = request.sourceDelta else {
            let input = try DeltaWriteInput.prepare(request, schema: schema, roots: roots, stagingPath: duckdb.stagingPath(extension: "json"))
            return (input, nil)
        }
        if request.rows != nil || request.sourcePaths != nil {
            throw SwiftLakeError.invalid("conflicting_fields", "Give the data in one of 'rows', 'source_paths' and 'source_delta', not several.")
        }
        let (plan, lease) = try await deltaReadPlan(DeltaReadRequest(path: source.path, version: source.version, sql: request.sql))
        return (DeltaWriteInput(definition: plan.definition, statement: plan.statement, parquetFiles: [], stagedFile: nil, rowTypes: [:]), lease)
    }
}

/// What the engine part of a write produced.
struct WriteOutcome: @unchecked Sendable {
    let plan: DeltaWritePlan
    let writer: DataFileWriter
    let rowsInserted: Int64
    var adds: [AddFile] = []
    /// Rows and rows matching per scanned file (absolute path), when files were scanned.
    var rowCounts: [String: (total: Int64, matched: Int64)]?

    init(plan: DeltaWritePlan, writer: DataFileWriter, rowsInserted: Int64) {
        self.plan = plan
        self.writer = writer
        self.rowsInserted = rowsInserted
    }
}
