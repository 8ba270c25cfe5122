import DuckDB

/// Spark's answer to a query in DuckDB's column types, so that the same query answers the
/// same on both engines, type for type.
///
/// The two engines type some expressions differently: `sum` of a `DECIMAL(10,2)` is
/// `DECIMAL(20,2)` in Spark and `DECIMAL(38,2)` in DuckDB, `sum` of an `INTEGER` is `BIGINT`
/// in Spark and `HUGEINT` in DuckDB, and unnamed expressions get other names (`count(1)`
/// against `count_star()`). Given DuckDB's columns for the same statement (bound, not run),
/// a Spark column whose values fit DuckDB's type exactly is reported under DuckDB's name and
/// type and its values are widened (integers to wider integers, decimals to a larger
/// precision with the same scale). Any other difference would give another answer (an
/// `avg` of decimals is a `DOUBLE` in DuckDB and a rounded `DECIMAL` in Spark) and is refused
/// with 422 `engine_unsupported`, naming the column and both types.
struct SparkResultTypes: Sendable {
    /// The columns to report.
    let columns: [ResultColumn]
    /// The DuckDB type to widen each column's values to, by position (absent: unchanged).
    let widening: [Int: LogicalType]

    /// Reconciles Spark's columns with DuckDB's for the same statement.
    init(spark: [ResultColumn], duckdb: [ResultColumn]) throws {
        guard spark.count == duckdb.count else {
            throw Self.unsupported("Spark's answer has \(spark.count) columns where DuckDB's has \(duckdb.count).")
        }
        var columns: [ResultColumn] = []
        var widening: [Int: LogicalType] = [:]
        for (index, (mine, theirs)) in zip(spark, duckdb).enumerated() {
            if mine.type == theirs.type {
                columns.append(theirs)
                continue
            }
            guard let from = mine.logicalType, let to = theirs.logicalType, Self.widens(from, to) else {
                throw Self.unsupported("Spark computes column '\(theirs.name)' as \(mine.type), DuckDB as \(theirs.type), so the answers would differ. Make the types agree in the query: CAST the expression's inputs (e.g. avg(CAST(x AS DOUBLE))) or its result to \(theirs.type).")
            }
            columns.append(theirs)
            widening[index] = to
        }
        self.columns = columns
        self.widening = widening
    }

    /// Whether every value of `from` is a value of `to` (same kind, no digits lost).
    static func widens(_ from: LogicalType, _ to: LogicalType) -> Bool {
        let integers: [LogicalType] = [.tinyint, .smallint, .integer, .bigint, .hugeint]
        if let i = integers.firstIndex(of: from), let j = integers.firstIndex(of: to) { return i <= j }
        if case .decimal(let p1, let s1) = from, case .decimal(let p2, let s2) = to { return s1 == s2 && p2 >= p1 }
        return false
    }

    /// `batch` with the widened columns' values in DuckDB's types.
    func apply(_ batch: RowBatch) -> RowBatch {
        guard !widening.isEmpty else { return batch }
        var columns = batch.columns
        for (index, type) in widening where index < columns.count {
            columns[index] = columns[index].map { Self.widen($0, to: type) }
        }
        return RowBatch(columns: columns, count: batch.count)
    }

    /// `value` as a value of `type` (one that ``widens(_:_:)`` allows).
    static func widen(_ value: Value, to type: LogicalType) -> Value {
        switch (value, type) {
        case (.null, _): return .null
        case (.decimal(let d), .decimal(let width, _)): return .decimal(DecimalValue(value: d.value, width: width, scale: d.scale))
        default: break
        }
        let integer: Int64
        switch value {
        case .tinyint(let v): integer = Int64(v)
        case .smallint(let v): integer = Int64(v)
        case .integer(let v): integer = Int64(v)
        case .bigint(let v): integer = v
        default: return value
        }
        switch type {
        case .smallint: return .smallint(Int16(integer))
        case .integer: return .integer(Int32(integer))
        case .bigint: return .bigint(integer)
        case .hugeint: return .hugeint(Int128(integer))
        default: return value
        }
    }

    /// The select list that gives Spark's columns (named `c0`, `c1`, … by position) DuckDB's
    /// names and types, for a file Spark writes: columns of the same type as they are,
    /// narrower decimals and integers cast up. A type Spark cannot write as DuckDB's (a
    /// `HUGEINT`, another kind) is refused as ``init(spark:duckdb:)`` refuses it.
    static func castList(spark: [ResultColumn], duckdb: [ResultColumn]) throws -> String {
        let types = try SparkResultTypes(spark: spark, duckdb: duckdb)
        return try duckdb.enumerated().map { index, column -> String in
            let name = "`" + column.name.replacingOccurrences(of: "`", with: "``") + "`"
            guard let type = types.widening[index] else { return "c\(index) AS \(name)" }
            let sparkType: String
            switch type {
            case .decimal(let width, let scale): sparkType = "DECIMAL(\(width),\(scale))"
            case .smallint: sparkType = "SMALLINT"
            case .integer: sparkType = "INT"
            case .bigint: sparkType = "BIGINT"
            default:
                throw unsupported("Spark cannot write column '\(column.name)' as DuckDB's \(column.type) (it computes \(spark[index].type)).")
            }
            return "CAST(c\(index) AS \(sparkType)) AS \(name)"
        }.joined(separator: ", ")
    }

    private static func unsupported(_ what: String) -> SwiftLakeError {
        SwiftLakeError(.unprocessable, code: "engine_unsupported",
                       "\(what) Or send the request with \"engine\": \"duckdb\".")
    }
}
