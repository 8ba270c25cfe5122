import DeltaLake
import Foundation
import SparkConnect

extension Lakehouse {
    /// The write on Spark, when the request's engine choice picks Spark (`spark`, or `auto`
    /// with a source larger than the threshold); `nil` when it picks DuckDB.
    ///
    /// Spark reads the source (`source_paths`, `source_delta`, JSON `rows` that DuckDB types
    /// and stages as Parquet first, or `sql` alone) and writes the data files; SwiftLake checks the schema, NOT NULL columns and CHECK constraints,
    /// computes each file's statistics and commits, exactly as for DuckDB. Modes `append`,
    /// `overwrite`, `error` and `ignore`; `merge_schema` adds new columns. Tables and sources
    /// in S3 are read from local copies (the S3 cache) and written to a local mirror that the
    /// commit uploads. An overwrite with `replace_where` replaces only the rows it matches
    /// (``sparkReplaceRows(matching:in:schema:writer:spark:)``). Not yet on Spark (422):
    /// tables with column mapping.
    func deltaWriteOnSpark(_ request: DeltaWriteRequest) async throws -> DeltaWriteResult? {
        guard spark != nil, request.engine != .duckdb else { return nil }
        let started = ContinuousClock.now
        // The source, as Spark sources and a definition of `t`.
        var sources: [SparkFileSource] = []
        var definition: String?
        var sourceBytes: Int64 = 0
        // Local copies of sources in S3, held until the write is done.
        var lease: S3FileCache.Lease?
        defer { lease?.release() }
        var sourceSnapshot: Snapshot?
        if let delta = request.sourceDelta {
            let sourceTable = try deltaReadTable(delta.path)
            let snapshot = try await deltaSnapshot(sourceTable, version: delta.version, timestamp: nil)
            sourceSnapshot = snapshot
            sourceBytes = snapshot.activeFiles.reduce(0) { $0 + $1.size }
        } else if let paths = request.sourcePaths {
            let files = try await parquetFiles(paths, lease: &lease)
            sources = [Self.sparkParquetSource(try sparkLocalPaths(files, lease: lease))]
            sourceBytes = Self.totalSize(files)
        }
        guard case .spark(let spark) = try selectEngine(request.engine, bytesToScan: sourceBytes) else { return nil }
        if request.replaceWhere != nil && (request.mode ?? .append) != .overwrite {
            throw SwiftLakeError.invalid("replace_where_needs_overwrite", "'replace_where' replaces rows, so it needs \"mode\": \"overwrite\".")
        }
        if [request.rows != nil, request.sourceDelta != nil, request.sourcePaths != nil].filter({ $0 }).count > 1 {
            throw SwiftLakeError.invalid("conflicting_fields", "Give the data in one of 'rows', 'source_paths' and 'source_delta', not several.")
        }
        guard request.rows != nil || request.sourceDelta != nil || request.sourcePaths != nil || request.sql != nil else {
            throw SwiftLakeError.invalid("missing_data", "Give the data to write in 'source_paths' (Parquet files) or 'source_delta' (a Delta table), optionally reshaped by 'sql' (a SELECT … FROM t), or give 'sql' alone.")
        }
        if let snapshot = sourceSnapshot {
            if let refusal = SparkDeltaScan.refusal(snapshot, files: snapshot.activeFiles, writing: false) {
                if request.engine != .spark { return nil }
                throw refusal
            }
            // Only once Spark runs the write and the request is valid: the source's files, fetched whole when in S3.
            let scan: SparkDeltaScan
            (scan, lease) = try await sparkDeltaScan(snapshot, files: snapshot.activeFiles)
            (sources, definition) = (scan.sources, scan.table)
        }
        let statement = SparkEngine.trimmed(request.sql ?? "SELECT * FROM t")

        let mode = request.mode ?? .append
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
            if let refusal = SparkDeltaScan.refusal(snapshot, files: [], writing: true) {
                if request.engine != .spark { return nil }   // auto: DuckDB writes it
                throw refusal
            }
        }
        // JSON rows, typed as the DuckDB write types them (against the table's columns) and
        // staged as Parquet for Spark; deleted once the write is done.
        var stagedRows: String?
        defer { if let stagedRows { try? FileManager.default.removeItem(atPath: stagedRows) } }
        if request.rows != nil {
            stagedRows = try await stageRowsForSpark(request, schema: snapshot?.schema)
            sources = [SparkFileSource(name: "t", paths: [stagedRows!])]
        }
        let sparkMode = ["append": "Append", "overwrite": "Overwrite", "error": "ErrorIfExists", "ignore": "Ignore"][mode.rawValue] ?? "Append"
        let partitionColumns = snapshot?.metadata.partitionColumns ?? request.partitionColumns ?? []
        var parameters: [String: DeltaLake.JSONValue] = [
            "mode": .string(sparkMode), "partitionBy": .array(partitionColumns.map(DeltaLake.JSONValue.string)),
        ]
        if let replaceWhere = request.replaceWhere { parameters["predicate"] = .array([.string(replaceWhere)]) }
        var transaction = try snapshot.map { try startDeltaTransaction(table, from: $0, operation: "WRITE", parameters: parameters) }

        // The data's columns against the table's.
        let with = definition.map { "WITH t AS (\n\($0)\n)\n" } ?? ""
        let inputSchema = try await spark.schema(of: "\(with)SELECT * FROM (\n\(statement)\n) AS swiftlake_input", sources: sources)
        var schema = snapshot?.schema ?? DeltaSchema(fields: [])
        var added: [String] = []
        var select: [String] = []
        let inputFields = try inputSchema.fields.map { field in (field, try SparkDeltaTypes.deltaType(field.dataType, column: field.name)) }
        for (field, type) in inputFields {
            if let existing = schema.fields.first(where: { $0.name.lowercased() == field.name.lowercased() }) {
                guard SparkDeltaTypes.fits(type, into: existing.type) else {
                    throw SwiftLakeError.invalid("type_mismatch",
                        "Column '\(field.name)' is \(type) in the data but \(existing.type) in the table; CAST it in 'sql' (e.g. CAST(\(field.name) AS \(SparkSQL.type(existing.type))) AS \(field.name)).")
                }
                continue
            }
            if snapshot != nil && !(request.mergeSchema ?? false) {
                throw SwiftLakeError.invalid("unknown_column",
                    "Column '\(field.name)' is not in the table (its columns: \(schema.fields.map(\.name).joined(separator: ", "))). Leave it out, or set \"merge_schema\": true to add it.")
            }
            schema.fields.append(StructField(name: field.name, type: type, nullable: true))
            if snapshot != nil { added.append(field.name) }
        }
        if snapshot == nil { try Self.checkPartitionColumns(partitionColumns, schema: schema) }
        for field in schema.fields {
            let name = SparkSQL.identifier(field.name)
            if inputFields.contains(where: { $0.0.name.lowercased() == field.name.lowercased() }) {
                select.append("CAST(\(name) AS \(SparkSQL.type(field.type))) AS \(name)")
            } else {
                select.append("CAST(NULL AS \(SparkSQL.type(field.type))) AS \(name)")
            }
        }
        let rows = "SELECT \(select.joined(separator: ", ")) FROM (\n\(statement)\n) AS swiftlake_input"
        let configuration = snapshot?.metadata.configuration ?? request.properties ?? [:]
        let writer = SparkDeltaFileWriter(table: table, staging: duckdb.stagingPath(extension: "delta"), schema: schema,
                                          partitionColumns: partitionColumns, configuration: configuration)
        var written: (adds: [AddFile], rows: Int64)
        var replaced: SparkReplacedRows?
        do {
            if let replaceWhere = request.replaceWhere {
                try await sparkCheckReplaceWhere(replaceWhere, rows: rows, with: definition.map { "WITH t AS (\n\($0)\n)\n" } ?? "",
                                                 sources: sources, spark: spark)
            }
            written = try await writer.write(rows: rows, sources: sources, table: definition, spark: spark, duckdb: duckdb)
            if let replaceWhere = request.replaceWhere, let snapshot {
                replaced = try await sparkReplaceRows(matching: replaceWhere, in: snapshot, schema: schema, writer: writer, spark: spark)
                written.adds += replaced?.adds ?? []
            }
        } catch {
            writer.discard()
            throw error
        }
        let removed = replaced?.removed ?? (mode == .overwrite ? (snapshot?.activeFiles ?? []) : [])
        let deletedRows = replaced?.deletedRows ?? removed.reduce(0) { $0 + ($1.numRecords ?? 0) - ($1.deletionVector?.cardinality ?? 0) }
        let copiedRows = replaced?.copiedRows ?? 0
        let addedBytes = written.adds.reduce(0) { $0 + $1.size }, removedBytes = removed.reduce(0) { $0 + $1.size }
        var metrics: [(String, Int64)] = [("numFiles", Int64(written.adds.count)), ("numOutputRows", written.rows + copiedRows),
                                          ("numOutputBytes", addedBytes)]
        if mode == .overwrite && snapshot != nil {
            metrics += [("numRemovedFiles", Int64(removed.count)), ("numRemovedBytes", removedBytes)]
            if replaced != nil { metrics += [("numDeletedRows", deletedRows), ("numCopiedRows", copiedRows)] }
        }
        do {
            if var txn = transaction, let snapshot {
                if !added.isEmpty {
                    var metadata = snapshot.metadata
                    metadata.schemaString = schema.description
                    try txn.updateMetadata(metadata)
                }
                txn.remove(removed)
                txn.add(written.adds)
                transaction = txn
            } else {
                let metadata = Metadata.newTable(schema: schema, partitionColumns: partitionColumns, configuration: configuration)
                var txn = try table.createTransaction(metadata: metadata, protocol: DeltaColumnTypes.newTableProtocol(for: schema),
                                                      operation: "WRITE", parameters: parameters)
                txn.add(written.adds)
                transaction = txn
            }
        } catch let error as DeltaError {
            writer.discard()
            throw SwiftLakeError(error)
        }
        let commitMetrics = Self.sparkMetrics(metrics, elapsedMs: (ContinuousClock.now - started).milliseconds)
        var result = DeltaWriteResult(version: -1, operation: "WRITE", committed: true)
        do {
            result.version = try await commitDelta(transaction!, metrics: commitMetrics, writer: writer.dataFiles)
        } catch {
            writer.discard()
            throw error
        }
        result.record(commitMetrics)
        result.engine = SparkEngine.name
        result.rowsInserted = written.rows
        result.rowsDeleted = mode == .overwrite ? deletedRows : 0
        result.rowsCopied = copiedRows
        result.filesAdded = written.adds.count
        result.filesRemoved = removed.count
        result.bytesAdded = addedBytes
        result.bytesRemoved = removedBytes
        result.elapsedMs = (ContinuousClock.now - started).milliseconds
        return result
    }

    /// The JSON `rows` of `request` as a local Parquet file Spark reads as `t`: DuckDB types
    /// them as its own write does (against `schema`, the table's columns, when the table
    /// exists; inferred otherwise). The request's `sql` is left to Spark.
    private func stageRowsForSpark(_ request: DeltaWriteRequest, schema: DeltaSchema?) async throws -> String {
        let rowsOnly = DeltaWriteRequest(path: request.path, rows: request.rows)
        let input = try DeltaWriteInput.prepare(rowsOnly, schema: schema, roots: roots, stagingPath: duckdb.stagingPath(extension: "json"))
        defer { input.remove() }
        let file = duckdb.stagingPath(extension: "parquet")
        do {
            try await duckdb.withConnection(parquetFiles: input.parquetFiles) { connection in
                try self.duckdb.defineTable(input.definition, on: connection, force: true)
                try connection.execute("COPY (\(input.statement)) TO \(SQL.literal(file)) (FORMAT parquet)")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: file)
            throw error
        }
        return file
    }
}
