import DuckDB
import Foundation

extension Lakehouse {
    /// Combines many Parquet files into one file (or a partitioned directory), written
    /// atomically: the output appears complete or not at all.
    ///
    /// `engine` picks who reads and writes: DuckDB, or Spark (``mergeOnSpark(_:files:target:options:spark:started:)``)
    /// when asked for or, with `auto`, when Spark is configured and the inputs are larger than
    /// the threshold; the output has the same rows, in the same order, and the same column types.
    public func merge(_ request: ParquetMergeRequest, progress: ProgressHandler? = nil) async throws -> ParquetMergeResult {
        let started = ContinuousClock.now
        let inputs = try await parquetInputs(request.paths, engine: request.engine)
        defer { inputs.release() }
        let files = inputs.files
        let target = try await outputDestination(request.output, overwrite: request.overwrite ?? false)
        if files.contains(target.reportedPath) && request.partitionBy == nil && !(request.overwrite ?? false) {
            throw SwiftLakeError(.conflict, code: "output_is_input", "'output' is one of the inputs; set \"overwrite\": true to replace it.")
        }
        let options = try ParquetWriteOptions(compression: request.compression, rowGroupSize: request.rowGroupSize,
                                              partitionBy: request.partitionBy)
        if case .spark(let spark) = inputs.engine {
            return try await mergeOnSpark(request, files: files, sparkFiles: inputs.sparkFiles, target: target, options: options, spark: spark, started: started)
        }
        let dedupeOn = request.dedupeOn ?? []
        let orderBy = request.orderBy ?? []

        let outcome: (read: Int, written: Int, columns: [ResultColumn])
        let bytesWritten: Int
        do {
            outcome = try await duckdb.withConnection(parquetFiles: files, progress: progress) { connection in
                let (columns, read) = try self.checkMergeInputs(files, request: request, on: connection)
                let select = Self.mergeSelect(files: files, dedupeOn: dedupeOn, orderBy: orderBy)
                let copied = try connection.query("COPY (\(select)) TO \(SQL.literal(target.stagingPath)) \(options.copyOptions)").rows()
                let written = copied.first?.first?.intValue ?? 0
                return (read, written, columns)
            }
            bytesWritten = try await target.commit()
        } catch {
            target.discard()
            throw error
        }
        return ParquetMergeResult(
            output: target.reportedPath, filesMerged: files.count, rowsRead: outcome.read, rowsWritten: outcome.written,
            duplicatesRemoved: dedupeOn.isEmpty ? 0 : outcome.read - outcome.written, columns: outcome.columns,
            bytesWritten: bytesWritten, engine: DuckDBEngine.name, elapsedMs: (ContinuousClock.now - started).milliseconds)
    }

    /// Defines `t` over `files` and checks the request's columns against the inputs' (as
    /// every merge does first, on either engine): `dedupe_on` and `partition_by` name input
    /// columns, `order_by` keys are expressions over `t`. Returns the inputs' columns and rows.
    func checkMergeInputs(_ files: [String], request: ParquetMergeRequest, on connection: Connection) throws -> (columns: [ResultColumn], rows: Int) {
        try defineTable(files, on: connection)
        let columns = try Self.describe("SELECT * FROM t", on: connection)
        let names = Set(columns.map(\.name))
        for key in (request.dedupeOn ?? []) + (request.partitionBy ?? []) where !names.contains(key) {
            throw SwiftLakeError.invalid("unknown_column", "Column '\(key)' is not in the inputs. Their columns: \(columns.map(\.name).joined(separator: ", ")).")
        }
        for key in request.orderBy ?? [] {
            try ReadOnlyStatement.validateExpression(key.replacingOccurrences(of: #"\s+(?i:asc|desc)(\s+nulls\s+(first|last))?\s*$"#, with: "", options: .regularExpression),
                                                     over: "t", on: connection, field: "order_by")
        }
        let rows = try connection.query("SELECT coalesce(sum(num_rows), 0)::BIGINT FROM parquet_file_metadata(\(SQL.list(files)))").rows()[0][0].intValue
        return (columns, rows)
    }

    /// The query producing the merged rows.
    static func mergeSelect(files: [String], dedupeOn: [String], orderBy: [String]) -> String {
        let order = orderBy.isEmpty ? "" : " ORDER BY \(orderBy.joined(separator: ", "))"
        guard !dedupeOn.isEmpty else { return "SELECT * FROM t\(order)" }
        // Rank rows per key: by the requested order, then (for ties, and without an order)
        // later files and later rows first, so the row kept never depends on the scan.
        let source = "read_parquet(\(SQL.list(files)), union_by_name = true, filename = '__swiftlake_file', file_row_number = true)"
        let keys = dedupeOn.map(SQL.identifier).joined(separator: ", ")
        let rank = (orderBy + ["list_position(\(SQL.list(files)), __swiftlake_file) DESC", "file_row_number DESC"]).joined(separator: ", ")
        return """
            SELECT * EXCLUDE (__swiftlake_file, file_row_number) FROM \(source) \
            QUALIFY row_number() OVER (PARTITION BY \(keys) ORDER BY \(rank)) = 1\(order)
            """
    }
}
