import DeltaLake
import DuckDB

/// How values of DuckDB's types become values of a Delta table's columns: the Delta type a
/// query's column gets when a write creates the table (or adds the column), whether a
/// column may be written into an existing one, and the SQL that converts it.
enum DeltaColumnTypes {
    /// The Delta type for a column of DuckDB type `type` (schema inference). Unsigned and
    /// 128-bit integers become decimals wide enough for them; naive timestamps become
    /// `timestamp_ntz`; UUIDs and enums become strings. Types Delta cannot store (TIME,
    /// INTERVAL, unions, …) are refused with a hint to cast them.
    static func deltaType(of type: LogicalType, column: String) throws -> DataType {
        switch type {
        case .boolean: return .primitive(.boolean)
        case .tinyint: return .primitive(.byte)
        case .smallint, .utinyint: return .primitive(.short)
        case .integer, .usmallint: return .primitive(.integer)
        case .bigint, .uinteger: return .primitive(.long)
        case .ubigint: return .primitive(.decimal(precision: 20, scale: 0))
        case .hugeint, .uhugeint: return .primitive(.decimal(precision: 38, scale: 0))
        case .float: return .primitive(.float)
        case .double: return .primitive(.double)
        case .decimal(let width, let scale): return .primitive(.decimal(precision: width, scale: scale))
        case .varchar, .uuid, .enumeration, .sqlNull: return .primitive(.string)
        case .blob: return .primitive(.binary)
        case .date: return .primitive(.date)
        case .timestampTZ: return .primitive(.timestamp)
        case .timestamp, .timestampS, .timestampMS, .timestampNS: return .primitive(.timestampNtz)
        case .list(let element), .array(let element, _):
            return .array(ArrayType(elementType: try deltaType(of: element, column: column + ".element"), containsNull: true))
        case .struct(let members):
            return .struct(StructType(fields: try members.map {
                DeltaLake.StructField(name: $0.name, type: try deltaType(of: $0.type, column: column + "." + $0.name), nullable: true)
            }))
        case .map(let key, let value):
            return .map(MapType(keyType: try deltaType(of: key, column: column + ".key"),
                                valueType: try deltaType(of: value, column: column + ".value"), valueContainsNull: true))
        default:
            throw SwiftLakeError.invalid("unsupported_column_type",
                "Column '\(column)' has the type \(type), which a Delta table cannot store. Cast it in 'sql' (e.g. CAST(\(column) AS VARCHAR)).")
        }
    }

    /// The DuckDB type a Delta column is written as; refuses types DuckDB cannot write.
    static func duckDBType(_ type: DataType, column: String) throws -> String {
        guard let name = DeltaScan.duckDBType(type) else {
            throw SwiftLakeError(.unprocessable, code: "unsupported_column_type",
                                 "Column '\(column)' has the Delta type \(type), which SwiftLake cannot write yet.")
        }
        return name
    }

    /// Why values of `source` cannot go into a column of `target`, or nil when they can
    /// (CAST then converts them, failing on a value that does not fit, e.g. 300 into `byte`).
    /// Allowed: integers into integers and decimals of scale 0; any number into `float`,
    /// `double` and decimals; text into decimals, dates and timestamps (parsed);
    /// timestamps and dates into timestamps; like nested types field by field.
    static func mismatch(source: LogicalType, target: DataType) -> String? {
        if case .sqlNull = source { return nil }
        func refuse() -> String { "\(source) cannot be written to \(target)" }
        let integer: Bool = switch source {
        case .tinyint, .smallint, .integer, .bigint, .hugeint, .utinyint, .usmallint, .uinteger, .ubigint, .uhugeint: true
        case .decimal(_, let scale): scale == 0
        default: false
        }
        let numeric: Bool = switch source {
        case .float, .double, .decimal: true
        default: integer
        }
        let text: Bool = switch source {
        case .varchar, .enumeration, .uuid: true
        default: false
        }
        let timestamp: Bool = switch source {
        case .timestamp, .timestampS, .timestampMS, .timestampNS, .date: true
        default: false
        }
        switch target {
        case .primitive(let p):
            switch p {
            case .byte, .short, .integer, .long: return integer ? nil : refuse()
            case .float, .double: return numeric ? nil : refuse()
            case .decimal: return numeric || text ? nil : refuse()
            case .string: return text ? nil : refuse()
            case .boolean: return source == .boolean ? nil : refuse()
            case .binary: return source == .blob || text ? nil : refuse()
            case .date: return source == .date || text ? nil : refuse()
            case .timestamp: return timestamp || source == .timestampTZ || text ? nil : refuse()
            case .timestampNtz: return timestamp || text ? nil : refuse()
            case .variant, .other: return "SwiftLake cannot write \(target) columns"
            }
        case .struct(let s):
            guard case .struct(let members) = source else { return refuse() }
            for member in members {
                guard let field = s.fields.first(where: { $0.name == member.name }) else {
                    return "the struct field '\(member.name)' is not in \(target)"
                }
                if let why = mismatch(source: member.type, target: field.type) { return "field '\(member.name)': \(why)" }
            }
            return nil
        case .array(let a):
            switch source {
            case .list(let element), .array(let element, _): return mismatch(source: element, target: a.elementType)
            default: return refuse()
            }
        case .map(let m):
            guard case .map(let key, let value) = source else { return refuse() }
            return mismatch(source: key, target: m.keyType) ?? mismatch(source: value, target: m.valueType)
        }
    }

    /// SQL converting `expression` (of DuckDB type `source`) to the Delta type `target`.
    /// Naive timestamps and offset-less text become UTC instants for `timestamp` columns
    /// (not the session's time zone); text written to `binary` is its UTF-8 bytes.
    static func convert(_ expression: String, from source: LogicalType, to target: DataType, column: String) throws -> String {
        let duck = try duckDBType(target, column: column)
        if case .primitive(.timestamp) = target {
            switch source {
            case .timestampTZ: return expression
            case .varchar:
                return "(CASE WHEN regexp_matches(\(expression), '(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$') THEN CAST(\(expression) AS TIMESTAMPTZ) "
                    + "ELSE timezone('UTC', CAST(\(expression) AS TIMESTAMP)) END)"
            case .sqlNull: return "CAST(NULL AS TIMESTAMPTZ)"
            default: return "timezone('UTC', CAST(\(expression) AS TIMESTAMP))"
            }
        }
        if case .primitive(.binary) = target, source != .blob, source != .sqlNull {
            return "encode(CAST(\(expression) AS VARCHAR))"
        }
        return "CAST(\(expression) AS \(duck))"
    }

    /// Whether `type` (or a type nested in it) is `timestamp_ntz`, which needs the
    /// `timestampNtz` table feature.
    static func containsTimestampNtz(_ type: DataType) -> Bool {
        switch type {
        case .primitive(let p): return p == .timestampNtz
        case .struct(let s): return s.fields.contains { containsTimestampNtz($0.type) }
        case .array(let a): return containsTimestampNtz(a.elementType)
        case .map(let m): return containsTimestampNtz(m.keyType) || containsTimestampNtz(m.valueType)
        }
    }

    /// The protocol a new table with `schema` needs: (1, 2), or (3, 7) with the
    /// `timestampNtz` feature when a column is `timestamp_ntz`.
    static func newTableProtocol(for schema: DeltaSchema) -> DeltaProtocol {
        if schema.fields.contains(where: { containsTimestampNtz($0.type) }) {
            return DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"], writerFeatures: ["timestampNtz"])
        }
        return .newTableDefault
    }
}
