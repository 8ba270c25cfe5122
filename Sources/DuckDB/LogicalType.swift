/// A DuckDB column type.
///
/// ``description`` prints the type the way DuckDB's `typeof()` and `DESCRIBE` do
/// (`"DECIMAL(18,3)"`, `"TIMESTAMP WITH TIME ZONE"`, `"STRUCT(a INTEGER, b VARCHAR)"`).
/// Types this enum has no case for (such as `TIME_NS` or `GEOMETRY`) are ``other(_:)``
/// with DuckDB's name. Type aliases (such as `JSON`) are reported as their base type.
public indirect enum LogicalType: Sendable, Hashable, CustomStringConvertible {
    /// `BOOLEAN`
    case boolean
    /// `TINYINT` (Int8)
    case tinyint
    /// `SMALLINT` (Int16)
    case smallint
    /// `INTEGER` (Int32)
    case integer
    /// `BIGINT` (Int64)
    case bigint
    /// `HUGEINT` (Int128)
    case hugeint
    /// `UTINYINT` (UInt8)
    case utinyint
    /// `USMALLINT` (UInt16)
    case usmallint
    /// `UINTEGER` (UInt32)
    case uinteger
    /// `UBIGINT` (UInt64)
    case ubigint
    /// `UHUGEINT` (UInt128)
    case uhugeint
    /// `FLOAT` (32-bit)
    case float
    /// `DOUBLE` (64-bit)
    case double
    /// `DECIMAL(width,scale)`; width 1...38.
    case decimal(width: Int, scale: Int)
    /// `VARCHAR`
    case varchar
    /// `BLOB`
    case blob
    /// `DATE`
    case date
    /// `TIME` (microseconds)
    case time
    /// `TIME WITH TIME ZONE`
    case timeTZ
    /// `TIMESTAMP` (microseconds)
    case timestamp
    /// `TIMESTAMP WITH TIME ZONE` (microseconds, UTC)
    case timestampTZ
    /// `TIMESTAMP_S` (seconds)
    case timestampS
    /// `TIMESTAMP_MS` (milliseconds)
    case timestampMS
    /// `TIMESTAMP_NS` (nanoseconds)
    case timestampNS
    /// `INTERVAL`
    case interval
    /// `UUID`
    case uuid
    /// `BIT` (bit string)
    case bit
    /// `BIGNUM` (arbitrary precision integer; formerly `VARINT`)
    case varint
    /// The type of an untyped `NULL` literal.
    case sqlNull
    /// `T[]`
    case list(LogicalType)
    /// `T[size]`
    case array(LogicalType, size: Int)
    /// `STRUCT(name T, ...)`, fields in order. A struct whose fields all have empty names is
    /// DuckDB's unnamed `TUPLE`.
    case `struct`([(name: String, type: LogicalType)])
    /// `MAP(K, V)`
    case map(key: LogicalType, value: LogicalType)
    /// `ENUM('a', 'b', ...)`, with its dictionary in order.
    case enumeration([String])
    /// `UNION(name T, ...)`, members in tag order.
    case union([(name: String, type: LogicalType)])
    /// A type without a case of its own, named as DuckDB names it (e.g. `"TIME_NS"`).
    case other(String)
}

extension LogicalType {
    /// `true` for the nested types: list, array, struct, map and union.
    public var isNested: Bool {
        switch self {
        case .list, .array, .struct, .map, .union: return true
        default: return false
        }
    }

    // Tuples are neither Equatable nor Hashable, so the two cases that carry
    // `(name:type:)` lists make us spell the conformance out.

    public static func == (lhs: LogicalType, rhs: LogicalType) -> Bool {
        switch (lhs, rhs) {
        case (.boolean, .boolean), (.tinyint, .tinyint), (.smallint, .smallint), (.integer, .integer),
            (.bigint, .bigint), (.hugeint, .hugeint), (.utinyint, .utinyint), (.usmallint, .usmallint),
            (.uinteger, .uinteger), (.ubigint, .ubigint), (.uhugeint, .uhugeint), (.float, .float),
            (.double, .double), (.varchar, .varchar), (.blob, .blob), (.date, .date), (.time, .time),
            (.timeTZ, .timeTZ), (.timestamp, .timestamp), (.timestampTZ, .timestampTZ),
            (.timestampS, .timestampS), (.timestampMS, .timestampMS), (.timestampNS, .timestampNS),
            (.interval, .interval), (.uuid, .uuid), (.bit, .bit), (.varint, .varint), (.sqlNull, .sqlNull):
            return true
        case let (.decimal(w1, s1), .decimal(w2, s2)):
            return w1 == w2 && s1 == s2
        case let (.list(a), .list(b)):
            return a == b
        case let (.array(a, n1), .array(b, n2)):
            return a == b && n1 == n2
        case let (.struct(a), .struct(b)), let (.union(a), .union(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.type == $1.type }
        case let (.map(k1, v1), .map(k2, v2)):
            return k1 == k2 && v1 == v2
        case let (.enumeration(a), .enumeration(b)):
            return a == b
        case let (.other(a), .other(b)):
            return a == b
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case let .decimal(width, scale):
            hasher.combine("decimal")
            hasher.combine(width)
            hasher.combine(scale)
        case let .list(child):
            hasher.combine("list")
            hasher.combine(child)
        case let .array(child, size):
            hasher.combine("array")
            hasher.combine(child)
            hasher.combine(size)
        case let .struct(fields):
            hasher.combine("struct")
            for field in fields {
                hasher.combine(field.name)
                hasher.combine(field.type)
            }
        case let .union(members):
            hasher.combine("union")
            for member in members {
                hasher.combine(member.name)
                hasher.combine(member.type)
            }
        case let .map(key, value):
            hasher.combine("map")
            hasher.combine(key)
            hasher.combine(value)
        case let .enumeration(values):
            hasher.combine("enum")
            hasher.combine(values)
        default:
            // Every remaining case is fully identified by its SQL name (no keyword lookup needed).
            hasher.combine(description)
        }
    }
}
