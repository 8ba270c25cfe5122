import DuckDB

/// The schema, in Spark SQL's DDL, that makes Spark read Parquet files as DuckDB reads them
/// together (`union_by_name`): every column under the type DuckDB widened it to across the
/// files (`INTEGER` in one file and `BIGINT` in another read as `BIGINT`), a column a file
/// lacks as NULLs there. Spark's Parquet reader widens integers, floats and decimals to a
/// requested type itself; a conversion it cannot make fails the read (a 422 on Spark), never
/// gives other values.
enum SparkReadSchema {
    /// `columns` (DuckDB's) as a Spark DDL schema, or `nil` when one of their types has no
    /// Spark type that reads back as the same DuckDB type.
    static func ddl(_ columns: [ResultColumn]) -> String? {
        var fields: [String] = []
        for column in columns {
            guard let logical = column.logicalType, let type = sparkType(logical) else { return nil }
            fields.append("\(SparkSQL.identifier(column.name)) \(type)")
        }
        return fields.joined(separator: ", ")
    }

    /// Spark's name for `type`, or `nil` when Spark has none that DuckDB reads back as `type`.
    static func sparkType(_ type: LogicalType) -> String? {
        switch type {
        case .boolean: return "BOOLEAN"
        case .tinyint: return "TINYINT"
        case .smallint: return "SMALLINT"
        case .integer: return "INT"
        case .bigint: return "BIGINT"
        case .float: return "FLOAT"
        case .double: return "DOUBLE"
        case .decimal(let width, let scale): return "DECIMAL(\(width),\(scale))"
        case .varchar: return "STRING"
        case .blob: return "BINARY"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP_NTZ"
        case .timestampTZ: return "TIMESTAMP"
        case .list(let element): return sparkType(element).map { "ARRAY<\($0)>" }
        case .map(let key, let value):
            guard let key = sparkType(key), let value = sparkType(value) else { return nil }
            return "MAP<\(key), \(value)>"
        case .struct(let fields):
            guard !fields.isEmpty, fields.allSatisfy({ !$0.name.isEmpty }) else { return nil }
            var parts: [String] = []
            for field in fields {
                guard let inner = sparkType(field.type) else { return nil }
                parts.append("\(SparkSQL.identifier(field.name)): \(inner)")
            }
            return "STRUCT<\(parts.joined(separator: ", "))>"
        default: return nil
        }
    }
}
