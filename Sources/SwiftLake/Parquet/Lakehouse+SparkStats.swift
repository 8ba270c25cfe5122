import DuckDB
import Foundation
import SparkConnect

/// Parquet stats on the Spark engine.
extension Lakehouse {
    /// The stats of `source` (a query over `t`, already checked by the caller's parse) over
    /// `files`, scanned by Spark in one aggregation, with the numbers DuckDB gives:
    ///
    /// - DuckDB checks the SQL and names the columns and their types (binding only); Spark
    ///   must see the same types, else 422 `engine_unsupported` (see ``SparkTypeAgreement``).
    /// - `count`, `null_count`, `min`, `max`: the same aggregates in both engines (strings
    ///   and binary compare byte by byte in both; NaN is the largest double in both).
    /// - `mean`: Spark sums exactly (integers and decimals as `DECIMAL(38)`; floating point
    ///   as `DOUBLE`) and the division is DuckDB's own (``duckDBMean(sum:count:type:)``), so
    ///   integer and decimal means are bit for bit DuckDB's. A `FLOAT`/`DOUBLE` mean is a
    ///   floating-point sum whose rounding depends on the order rows are added in, which
    ///   neither engine fixes; it is the same whenever the sum is exact.
    /// - `distinct_estimate`: Spark's HyperLogLog++ (`approx_count_distinct`, relative
    ///   standard deviation 5 %; nested values counted by their JSON text) instead of
    ///   DuckDB's HyperLogLog (about 1.6 %). The two estimates may differ by a few percent
    ///   (they are exact for small counts in both).
    ///
    /// DuckDB types the columns over `files` (local files, or local copies of S3 objects'
    /// footers); Spark scans `sparkFiles` (the same files, or the objects' `s3a://` URIs).
    func statsOnSpark(source: String, files: [String], sparkFiles: [String], spark: SparkEngine, started: ContinuousClock.Instant) async throws -> ParquetStats {
        let columns = try await duckdb.withConnection(parquetFiles: files) { connection in
            try self.defineTable(files, on: connection)
            _ = try ReadOnlyStatement.prepare(source, on: connection)
            return try connection.query("SELECT * FROM (\(source)) LIMIT 0").columns.map(ResultColumn.init)
        }
        let sources = [Self.sparkParquetSource(sparkFiles)]
        let statement = SparkEngine.trimmed(source)
        let fields = try await Self.sparkCannot("run the query") {
            try await spark.schema(of: "SELECT * FROM (\n\(statement)\n) AS swiftlake_source", sources: sources).fields
        }
        try SparkTypeAgreement.requireSameTypes(columns, fields, role: "column")

        var aggregates = ["count(*)"]
        for (i, column) in columns.enumerated() {
            let c = "c\(i)"
            let type = column.logicalType ?? .sqlNull
            aggregates.append("count(\(c))")
            aggregates.append(type.isSummarisable ? (type.isOrderable ? "approx_count_distinct(\(c))" : "approx_count_distinct(to_json(\(c)))") : "NULL")
            aggregates.append(type.isOrderable ? "min(\(c))" : "NULL")
            aggregates.append(type.isOrderable ? "max(\(c))" : "NULL")
            aggregates.append(Self.sparkExactSum(c, type: type) ?? "NULL")
        }
        let renamed = columns.indices.map { "c\($0)" }.joined(separator: ", ")
        let sql = "SELECT \(aggregates.joined(separator: ", ")) FROM (\n\(statement)\n) AS swiftlake_source(\(renamed))"
        let rows = try await Self.sparkCannot("summarise the columns") { try await spark.collect(sql, sources: sources) }
        guard let row = rows.first, row.count == aggregates.count else {
            throw SwiftLakeError(.internal, code: "spark_error", "Spark answered the stats query with \(rows.first?.count ?? 0) values where \(aggregates.count) were expected.")
        }
        let total = row[0].intValue
        let stats = columns.enumerated().map { i, column -> ParquetStats.ColumnStats in
            let base = 1 + i * 5
            let count = row[base].intValue
            let type = column.logicalType ?? .sqlNull
            let mean: Double? = count == 0 ? nil : Self.exactSum(row[base + 4], type: type).map { Self.duckDBMean(sum: $0, count: count, type: type) }
            let distinct: Int? = if case .null = row[base + 1] { nil } else { row[base + 1].intValue }
            let min: JSONValue? = if case .null = row[base + 2] { nil } else { JSONValue(row[base + 2]) }
            let max: JSONValue? = if case .null = row[base + 3] { nil } else { JSONValue(row[base + 3]) }
            return ParquetStats.ColumnStats(name: column.name, type: column.type, count: count, nullCount: total - count,
                                            distinctEstimate: distinct, min: min, max: max, mean: mean)
        }
        return ParquetStats(rowCount: total, columns: stats, engine: SparkEngine.name,
                            elapsedMs: (ContinuousClock.now - started).milliseconds)
    }

    /// The Spark aggregate summing column `c` of DuckDB type `type` without rounding, for
    /// the mean; `nil` for non-numeric columns.
    static func sparkExactSum(_ c: String, type: LogicalType) -> String? {
        switch type {
        case .tinyint, .smallint, .integer, .bigint, .hugeint: "sum(CAST(\(c) AS DECIMAL(38,0)))"
        case .decimal: "sum(\(c))"
        case .float, .double: "sum(CAST(\(c) AS DOUBLE))"
        default: nil
        }
    }

    /// A sum from ``sparkExactSum(_:type:)``: an integer scaled as the column's decimals are
    /// (the unscaled sum), or a double.
    enum ExactSum {
        case unscaled(Int128)
        case double(Double)
    }

    /// The sum Spark answered, as an ``ExactSum`` at the column's scale.
    static func exactSum(_ value: Value, type: LogicalType) -> ExactSum? {
        switch value {
        case .double(let d): return .double(d)
        case .decimal(let d):
            var scale = 0
            if case .decimal(_, let s) = type { scale = s }
            var unscaled = d.value
            var have = d.scale
            while have < scale { unscaled *= 10; have += 1 }
            while have > scale { unscaled /= 10; have -= 1 }
            return .unscaled(unscaled)
        case .null: return nil
        default: return .unscaled(Int128(value.intValue))
        }
    }

    /// The mean DuckDB's `avg` computes from `sum` and `count` for a column of `type`
    /// (DuckDB 2.0, `avg.cpp`): `SMALLINT`/`TINYINT` and decimals of up to 4 digits divide in
    /// `double`; wider integers and decimals in `long double` (80-bit on x86-64), by `count`
    /// times 10^scale; `FLOAT`/`DOUBLE` divide the double sum by the count.
    static func duckDBMean(sum: ExactSum, count: Int, type: LogicalType) -> Double {
        switch sum {
        case .double(let value):
            return value / Double(count)
        case .unscaled(let value):
            var scale = 0
            var narrow = false
            switch type {
            case .tinyint, .smallint: narrow = true
            case .decimal(let width, let s): scale = s; narrow = width <= 4
            default: break
            }
            var power = 1.0
            for _ in 0..<scale { power *= 10 }
            if narrow { return Double(value) / (Double(count) * power) }
            #if arch(x86_64) || arch(i386)
            return Double(Float80(value) / (Float80(count) * Float80(power)))
            #else
            return Double(value) / (Double(count) * power)
            #endif
        }
    }
}
