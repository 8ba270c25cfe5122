import Foundation

/// One DuckDB value, decoded into Swift.
///
/// Each case mirrors a DuckDB type and keeps DuckDB's own representation (days since the
/// epoch, microseconds since midnight, ...), so a value read from DuckDB and bound back
/// into a statement round-trips exactly. ``description`` renders the value as
/// `CAST(value AS VARCHAR)` does in DuckDB.
public indirect enum Value: Sendable, Hashable, CustomStringConvertible {
    /// SQL `NULL` (of any type).
    case null
    /// `BOOLEAN`
    case boolean(Bool)
    /// `TINYINT`
    case tinyint(Int8)
    /// `SMALLINT`
    case smallint(Int16)
    /// `INTEGER`
    case integer(Int32)
    /// `BIGINT`
    case bigint(Int64)
    /// `HUGEINT`
    case hugeint(Int128)
    /// `UTINYINT`
    case utinyint(UInt8)
    /// `USMALLINT`
    case usmallint(UInt16)
    /// `UINTEGER`
    case uinteger(UInt32)
    /// `UBIGINT`
    case ubigint(UInt64)
    /// `UHUGEINT`
    case uhugeint(UInt128)
    /// `FLOAT`
    case float(Float)
    /// `DOUBLE`
    case double(Double)
    /// `DECIMAL(width,scale)`
    case decimal(DecimalValue)
    /// `VARCHAR` (also used for types this module renders as text, such as `TIME_NS`).
    case varchar(String)
    /// `BLOB` (also `GEOMETRY`, as its WKB bytes).
    case blob([UInt8])
    /// `DATE`: days since 1970-01-01 (`Int32.max` / `-Int32.max` are `infinity` / `-infinity`).
    case date(days: Int32)
    /// `TIME`: microseconds since midnight.
    case time(micros: Int64)
    /// `TIME WITH TIME ZONE`: local microseconds since midnight and the UTC offset in seconds.
    case timeTZ(micros: Int64, offsetSeconds: Int32)
    /// `TIMESTAMP`: microseconds since 1970-01-01 00:00:00.
    case timestamp(micros: Int64)
    /// `TIMESTAMP WITH TIME ZONE`: microseconds since 1970-01-01 00:00:00 UTC.
    case timestampTZ(micros: Int64)
    /// `TIMESTAMP_S`: seconds since the epoch.
    case timestampS(seconds: Int64)
    /// `TIMESTAMP_MS`: milliseconds since the epoch.
    case timestampMS(millis: Int64)
    /// `TIMESTAMP_NS`: nanoseconds since the epoch.
    case timestampNS(nanos: Int64)
    /// `INTERVAL`: months, days and microseconds, kept apart as DuckDB keeps them.
    case interval(months: Int32, days: Int32, micros: Int64)
    /// `UUID`
    case uuid(UUID)
    /// `T[]`
    case list([Value])
    /// `T[n]`
    case array([Value])
    /// `STRUCT(...)`: fields in order.
    case `struct`([StructField])
    /// `MAP(K, V)`: entries in order.
    case map([MapEntry])
    /// `ENUM(...)`: the value's label.
    case enumeration(String)
    /// `UNION(...)`: the active member's name and value.
    case union(tag: String, value: Value)
    /// `BIT`: the bits as `"0"`/`"1"` characters, e.g. `"0101"`.
    case bit(String)
    /// `BIGNUM` (formerly `VARINT`): the integer in decimal digits, e.g. `"-123456789012345678901234567890"`.
    case bignum(String)
}

/// A `DECIMAL` value: `value / 10^scale`, declared as `DECIMAL(width,scale)`.
public struct DecimalValue: Sendable, Hashable, CustomStringConvertible {
    /// The unscaled integer (`123.45` as `DECIMAL(5,2)` is `12345`).
    public var value: Int128
    /// The total number of digits, 1...38.
    public var width: Int
    /// The number of digits after the decimal point, 0...width.
    public var scale: Int

    /// Creates a decimal from its unscaled integer, width and scale.
    public init(value: Int128, width: Int, scale: Int) {
        self.value = value
        self.width = width
        self.scale = scale
    }

    /// The decimal as DuckDB prints it, with exactly `scale` fractional digits: `"123.45"`, `"-0.50"`.
    public var description: String {
        let negative = value < 0
        let magnitude = value.magnitude
        guard scale > 0 else { return (negative ? "-" : "") + String(magnitude) }
        var divisor: UInt128 = 1
        for _ in 0..<scale { divisor *= 10 }
        let major = magnitude / divisor
        let minor = String(magnitude % divisor)
        let fraction = String(repeating: "0", count: max(0, scale - minor.count)) + minor
        // DuckDB leaves out the integer part when the type has no integer digits (width == scale).
        let integerPart = width > scale ? String(major) : ""
        return (negative ? "-" : "") + integerPart + "." + fraction
    }

    /// The value as a `Double` (may lose precision).
    public var doubleValue: Double {
        var result = Double(value)
        for _ in 0..<scale { result /= 10 }
        return result
    }
}

/// One field of a ``Value/struct(_:)``.
public struct StructField: Sendable, Hashable {
    /// The field name (empty for DuckDB's unnamed tuples).
    public var name: String
    /// The field value.
    public var value: Value

    /// Creates a field.
    public init(name: String, value: Value) {
        self.name = name
        self.value = value
    }
}

/// One entry of a ``Value/map(_:)``.
public struct MapEntry: Sendable, Hashable {
    /// The key (never `NULL` in DuckDB maps).
    public var key: Value
    /// The value.
    public var value: Value

    /// Creates an entry.
    public init(key: Value, value: Value) {
        self.key = key
        self.value = value
    }
}

extension Value {
    /// `true` for ``null``.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// `true` for the nested kinds: list, array, struct, map and union.
    public var isNested: Bool {
        switch self {
        case .list, .array, .struct, .map, .union: return true
        default: return false
        }
    }
}
