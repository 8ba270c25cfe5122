/// The logical type of an Arrow field, as Arrow's `Schema.fbs` defines it (the types a
/// Spark Connect server sends; others are refused by the decoder).
public indirect enum ArrowType: Sendable, Hashable, CustomStringConvertible {
    /// Spark's `NullType` (`VOID`): every value null, no buffers.
    case null
    case boolean
    /// `Int(bitWidth, is_signed)`: Spark sends signed 8/16/32/64.
    case int(bitWidth: Int, signed: Bool)
    case float16
    case float32
    case float64
    /// `Decimal(precision, scale, bitWidth)`: Spark sends 128-bit decimals.
    case decimal(precision: Int, scale: Int, bitWidth: Int)
    case utf8
    case largeUTF8
    case binary
    case largeBinary
    case fixedSizeBinary(byteWidth: Int)
    /// Days (`DAY`, 32-bit) or milliseconds (`MILLISECOND`, 64-bit) since 1970-01-01.
    case date(unit: DateUnit)
    /// Time of day: seconds/milliseconds in 32 bits, microseconds/nanoseconds in 64.
    case time(unit: TimeUnit, bitWidth: Int)
    /// Since the Unix epoch. With a time zone: instants (Spark's `TIMESTAMP`, zone "UTC" or
    /// the session's); without: wall-clock values (Spark's `TIMESTAMP_NTZ`).
    case timestamp(unit: TimeUnit, timeZone: String?)
    /// Spark's `DayTimeIntervalType`.
    case duration(unit: TimeUnit)
    /// `YEAR_MONTH` is Spark's `YearMonthIntervalType` (months, 32-bit).
    case interval(unit: IntervalUnit)
    /// Lists of the one child field (Spark's `ARRAY`).
    case list
    case largeList
    case fixedSizeList(size: Int)
    /// Fields are the children.
    case structure
    /// A list of `entries` structs of a `key` and a `value` field (Spark's `MAP`).
    case map(keysSorted: Bool)

    public enum DateUnit: Sendable, Hashable { case day, millisecond }
    public enum TimeUnit: Int, Sendable, Hashable { case second = 0, millisecond, microsecond, nanosecond }
    public enum IntervalUnit: Int, Sendable, Hashable { case yearMonth = 0, dayTime, monthDayNano }

    public var description: String {
        switch self {
        case .null: return "null"
        case .boolean: return "bool"
        case .int(let bits, let signed): return "\(signed ? "int" : "uint")\(bits)"
        case .float16: return "halffloat"
        case .float32: return "float"
        case .float64: return "double"
        case .decimal(let p, let s, let bits): return "decimal\(bits)(\(p), \(s))"
        case .utf8: return "string"
        case .largeUTF8: return "large_string"
        case .binary: return "binary"
        case .largeBinary: return "large_binary"
        case .fixedSizeBinary(let w): return "fixed_size_binary[\(w)]"
        case .date(let unit): return unit == .day ? "date32[day]" : "date64[ms]"
        case .time(let unit, let bits): return "time\(bits)[\(unit)]"
        case .timestamp(let unit, let zone): return "timestamp[\(unit)\(zone.map { ", tz=\($0)" } ?? "")]"
        case .duration(let unit): return "duration[\(unit)]"
        case .interval(let unit): return "interval[\(unit)]"
        case .list: return "list"
        case .largeList: return "large_list"
        case .fixedSizeList(let n): return "fixed_size_list[\(n)]"
        case .structure: return "struct"
        case .map: return "map"
        }
    }
}

/// A field of an Arrow schema: name, type, nullability and, for nested types, children.
public struct ArrowField: Sendable, Hashable {
    public var name: String
    public var type: ArrowType
    public var nullable: Bool
    /// The element field of a list, the fields of a struct, the `entries` struct of a map.
    public var children: [ArrowField]
    /// The field's `custom_metadata`.
    public var metadata: [String: String]

    public init(name: String, type: ArrowType, nullable: Bool = true, children: [ArrowField] = [],
                metadata: [String: String] = [:]) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.children = children
        self.metadata = metadata
    }
}

/// The schema of an Arrow stream: its top-level fields, one per column.
public struct ArrowSchema: Sendable, Hashable {
    public var fields: [ArrowField]
    public var metadata: [String: String]

    public init(fields: [ArrowField], metadata: [String: String] = [:]) {
        self.fields = fields
        self.metadata = metadata
    }
}
