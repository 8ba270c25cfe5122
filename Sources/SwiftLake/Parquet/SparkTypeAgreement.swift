import DuckDB
import SparkConnect

/// The checks that keep a Parquet operation on Spark from giving another answer than DuckDB:
/// Spark must see every column with the type DuckDB sees, produce every output column with
/// the type DuckDB would write, and convert values (the implicit casts of `updates`) only in
/// ways both engines agree on. Anything else is refused with ``unsupported(_:)`` (422
/// `engine_unsupported`) before a byte is written.
enum SparkTypeAgreement {
    /// The refusal of something Spark cannot do as DuckDB does.
    static func unsupported(_ what: String) -> SwiftLakeError {
        SwiftLakeError(.unprocessable, code: "engine_unsupported",
                       "\(what) Send the request with \"engine\": \"duckdb\" or \"auto\" (the embedded engine runs it).")
    }

    /// The DuckDB type of a Spark column, spelt as DuckDB spells it (`DECIMAL(12,3)`,
    /// `TIMESTAMP WITH TIME ZONE`, `STRUCT(a INTEGER, b VARCHAR[])`): the type DuckDB gives the
    /// column when it reads the Parquet Spark writes for it.
    static func duckDBType(_ type: SparkDataType) -> String {
        LogicalType(arrow: SparkConnect.ArrowField(sparkField: SparkStructField(name: "c", dataType: type))).description
    }

    /// Requires `fields` (Spark's columns) to be `columns` (DuckDB's), name for name and type
    /// for type: in the same order when `ordered`, else matched by name (Spark orders the
    /// columns of files with different schemas its own way). `role` names what they are
    /// ("input column", "output column") in the refusal.
    static func requireSame(_ columns: [ResultColumn], _ fields: [SparkStructField], role: String, ordered: Bool) throws {
        let sparkNames = fields.map(\.name)
        guard Set(sparkNames) == Set(columns.map(\.name)), fields.count == columns.count,
              !ordered || sparkNames == columns.map(\.name) else {
            throw unsupported("Spark sees the \(role)s [\(sparkNames.joined(separator: ", "))] where DuckDB sees [\(columns.map(\.name).joined(separator: ", "))].")
        }
        let byName = Dictionary(fields.map { ($0.name, $0.dataType) }, uniquingKeysWith: { first, _ in first })
        for column in columns {
            guard let type = byName[column.name] else { continue }
            let seen = duckDBType(type)
            if seen != column.type {
                throw unsupported("Spark has \(role) '\(column.name)' as \(type) (\(seen) when DuckDB reads it back), DuckDB as \(column.type), so the results would differ.")
            }
        }
    }

    /// Requires `fields` to have `columns`' types, position for position, whatever their names
    /// (a query's unnamed expressions are named differently by the two engines: DuckDB's
    /// `count_star()` is Spark's `count(1)`).
    static func requireSameTypes(_ columns: [ResultColumn], _ fields: [SparkStructField], role: String) throws {
        guard fields.count == columns.count else {
            throw unsupported("Spark's query has \(fields.count) \(role)s where DuckDB's has \(columns.count).")
        }
        for (column, field) in zip(columns, fields) {
            let seen = duckDBType(field.dataType)
            if seen != column.type {
                throw unsupported("Spark has \(role) '\(column.name)' as \(field.dataType) (\(seen) in DuckDB's terms), DuckDB as \(column.type), so the results would differ.")
            }
        }
    }

    /// The output columns (by name, to Spark's DDL for DuckDB's type) that Spark computes as a
    /// decimal of DuckDB's scale but a larger precision (`price * quantity`: `DECIMAL(21,2)`
    /// against `DECIMAL(18,2)`). Cast to DuckDB's type they hold the same values: no digit
    /// after the point changes, and a value too large for it fails (ANSI mode) where DuckDB's
    /// arithmetic overflows too. `columns` and `fields` are in the same order.
    static func exactDecimalNarrowings(_ columns: [ResultColumn], _ fields: [SparkStructField]) -> [String: String] {
        var casts: [String: String] = [:]
        for (column, field) in zip(columns, fields) {
            guard case .decimal(let width, let scale)? = column.logicalType,
                  case .decimal(let precision, let sparkScale) = field.dataType,
                  sparkScale == scale, precision > width else { continue }
            casts[column.name] = "DECIMAL(\(width),\(scale))"
        }
        return casts
    }

    /// Whether `CAST(x AS to)` of a value of type `from` gives the same value in Spark (ANSI
    /// mode) as in DuckDB: identical types; integers to wider or narrower integers, decimals
    /// and floating point (an overflow fails in both); decimals to decimals (both round half
    /// away from zero); decimals of at most 15 digits to `DOUBLE` (one correctly rounded
    /// division in both); `FLOAT` to `DOUBLE`; strings to strings; a NULL literal to anything.
    /// Not: fractions to integers (DuckDB rounds, Spark truncates), strings to numbers or
    /// dates (their parsers differ), floating point to decimals.
    static func castAgrees(from: SparkDataType, to: SparkDataType) -> Bool {
        if from == to { return true }
        switch (from, to) {
        case (.null, _): return true
        case (.byte, _), (.short, _), (.integer, _), (.long, _):
            return to.isIntegral || to.isDecimal || to == .float || to == .double
        case (.decimal, .decimal): return true
        case (.decimal(let precision, _), .double): return precision <= 15
        case (.float, .double): return true
        case (.string, .string), (.char, .string), (.varchar, .string): return true
        default: return false
        }
    }
}

extension SparkDataType {
    /// `TINYINT`, `SMALLINT`, `INT` or `BIGINT`.
    var isIntegral: Bool {
        switch self {
        case .byte, .short, .integer, .long: true
        default: false
        }
    }

    /// Any `DECIMAL(p,s)`.
    var isDecimal: Bool {
        if case .decimal = self { return true }
        return false
    }
}
