import DuckDB
import Foundation

extension Lakehouse {
    /// Summarises every column of the files (or of a query over them as `t`): count, NULLs,
    /// an approximate distinct count, min, max and mean, in one scan.
    ///
    /// `engine` picks who scans: DuckDB, or Spark (``statsOnSpark(source:files:spark:started:)``)
    /// when asked for or, with `auto`, when Spark is configured and the files are larger than
    /// the threshold. Both give the same count, NULL count, min, max and integer or decimal
    /// mean (a floating-point mean up to the order the rows are summed in); the distinct
    /// estimates are each engine's own HyperLogLog and may differ within their errors.
    public func stats(_ request: ParquetStatsRequest) async throws -> ParquetStats {
        let started = ContinuousClock.now
        let inputs = try await parquetInputs(request.paths, engine: request.engine)
        defer { inputs.release() }
        let files = inputs.files
        let source = try request.sql.map { sql -> String in
            let query = ParquetQueryRequest(paths: request.paths, sql: sql)
            return try query.statement()
        } ?? "SELECT * FROM t"
        if case .spark(let spark) = inputs.engine {
            return try await statsOnSpark(source: source, files: files, sparkFiles: inputs.sparkFiles, spark: spark, started: started)
        }
        return try await duckdb.withConnection(parquetFiles: files) { connection in
            try self.defineTable(files, on: connection)
            _ = try ReadOnlyStatement.prepare(source, on: connection)
            let columns = try connection.query("SELECT * FROM (\(source)) LIMIT 0").columns
            var aggregates = ["count(*)"]
            for (i, column) in columns.enumerated() {
                let c = "c\(i)"
                aggregates.append("count(\(c))")
                aggregates.append(column.type.isSummarisable ? "approx_count_distinct(\(c))" : "NULL")
                aggregates.append(column.type.isOrderable ? "min(\(c))" : "NULL")
                aggregates.append(column.type.isOrderable ? "max(\(c))" : "NULL")
                aggregates.append(column.type.isNumeric ? "avg(\(c))::DOUBLE" : "NULL")
            }
            let renamed = columns.indices.map { "c\($0)" }.joined(separator: ", ")
            let sql = "SELECT \(aggregates.joined(separator: ", ")) FROM (\(source)) AS s(\(renamed))"
            let row = try connection.query(sql).rows()[0]
            let total = row[0].intValue
            let stats = columns.enumerated().map { i, column -> ParquetStats.ColumnStats in
                let base = 1 + i * 5
                let count = row[base].intValue
                var mean: Double?
                if case .double(let m) = row[base + 4] { mean = m }
                let distinct: Int? = if case .null = row[base + 1] { nil } else { row[base + 1].intValue }
                let min: JSONValue? = if case .null = row[base + 2] { nil } else { JSONValue(row[base + 2]) }
                let max: JSONValue? = if case .null = row[base + 3] { nil } else { JSONValue(row[base + 3]) }
                return ParquetStats.ColumnStats(name: column.name, type: column.type.description, count: count, nullCount: total - count,
                                                distinctEstimate: distinct, min: min, max: max, mean: mean)
            }
            return ParquetStats(rowCount: total, columns: stats, engine: DuckDBEngine.name,
                                elapsedMs: (ContinuousClock.now - started).milliseconds)
        }
    }
}

extension LogicalType {
    var isNumeric: Bool {
        switch self {
        case .tinyint, .smallint, .integer, .bigint, .hugeint, .utinyint, .usmallint, .uinteger, .ubigint, .uhugeint,
             .float, .double, .decimal: true
        default: false
        }
    }

    var isOrderable: Bool {
        switch self {
        case .list, .array, .struct, .map, .union, .sqlNull, .other: false
        default: true
        }
    }

    var isSummarisable: Bool {
        switch self {
        case .sqlNull: false
        default: true
        }
    }
}
