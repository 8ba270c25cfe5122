extension LogicalType {
    /// The type in DuckDB's SQL spelling, the same text `typeof()` and `DESCRIBE` print:
    /// `"INTEGER"`, `"DECIMAL(18,3)"`, `"TIMESTAMP WITH TIME ZONE"`, `"INTEGER[]"`,
    /// `"INTEGER[3]"`, `"STRUCT(a INTEGER, \"select\" VARCHAR)"`, `"MAP(VARCHAR, INTEGER)"`.
    ///
    /// Struct and union field names are quoted where DuckDB quotes them (names that are not
    /// plain identifiers, or are SQL keywords; the keyword list is DuckDB's own, see ``SQLKeywords``).
    public var description: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .tinyint: return "TINYINT"
        case .smallint: return "SMALLINT"
        case .integer: return "INTEGER"
        case .bigint: return "BIGINT"
        case .hugeint: return "HUGEINT"
        case .utinyint: return "UTINYINT"
        case .usmallint: return "USMALLINT"
        case .uinteger: return "UINTEGER"
        case .ubigint: return "UBIGINT"
        case .uhugeint: return "UHUGEINT"
        case .float: return "FLOAT"
        case .double: return "DOUBLE"
        case let .decimal(width, scale): return "DECIMAL(\(width),\(scale))"
        case .varchar: return "VARCHAR"
        case .blob: return "BLOB"
        case .date: return "DATE"
        case .time: return "TIME"
        case .timeTZ: return "TIME WITH TIME ZONE"
        case .timestamp: return "TIMESTAMP"
        case .timestampTZ: return "TIMESTAMP WITH TIME ZONE"
        case .timestampS: return "TIMESTAMP_S"
        case .timestampMS: return "TIMESTAMP_MS"
        case .timestampNS: return "TIMESTAMP_NS"
        case .interval: return "INTERVAL"
        case .uuid: return "UUID"
        case .bit: return "BIT"
        case .varint: return "BIGNUM"
        case .sqlNull: return "\"NULL\""
        case let .list(child): return "\(child)[]"
        case let .array(child, size): return size == 0 ? "\(child)[ANY]" : "\(child)[\(size)]"
        case let .struct(fields):
            if fields.isEmpty { return "STRUCT" }
            if fields.allSatisfy({ $0.name.isEmpty }) {
                return "TUPLE(" + fields.map { $0.type.description }.joined(separator: ", ") + ")"
            }
            return "STRUCT(" + fields.map { "\(SQLKeywords.identifier($0.name)) \($0.type)" }.joined(separator: ", ") + ")"
        case let .map(key, value): return "MAP(\(key), \(value))"
        case let .enumeration(values):
            return "ENUM(" + values.map(SQLKeywords.stringLiteral).joined(separator: ", ") + ")"
        case let .union(members):
            if members.isEmpty { return "UNION" }
            return "UNION(" + members.map { "\(SQLKeywords.identifier($0.name)) \($0.type)" }.joined(separator: ", ") + ")"
        case let .other(name): return name
        }
    }
}
