import DuckDB

extension ArrowField {
    /// The Arrow field for a DuckDB column of type `logicalType`, mapped as DuckDB's own Arrow
    /// export maps it:
    ///
    /// | DuckDB | Arrow |
    /// | --- | --- |
    /// | `BOOLEAN` | `Bool` |
    /// | `TINYINT` … `BIGINT`, `UTINYINT` … `UBIGINT` | `Int` (8–64 bits, signed/unsigned) |
    /// | `HUGEINT`, `UHUGEINT` | `Decimal128(38, 0)` |
    /// | `FLOAT`, `DOUBLE` | `FloatingPoint(SINGLE/DOUBLE)` |
    /// | `DECIMAL(w,s)` | `Decimal128(w, s)` |
    /// | `VARCHAR`, `ENUM` | `Utf8` |
    /// | `BLOB` | `Binary` |
    /// | `DATE` | `Date32(DAY)` |
    /// | `TIME` | `Time64(MICROSECOND)` |
    /// | `TIMESTAMP`, `_S`, `_MS`, `_NS` | `Timestamp(MICRO/SECOND/MILLI/NANOSECOND)`, no time zone |
    /// | `TIMESTAMP WITH TIME ZONE` | `Timestamp(MICROSECOND, "UTC")` |
    /// | `INTERVAL` | `Interval(MONTH_DAY_NANO)` |
    /// | `UUID` | `FixedSizeBinary(16)` with the canonical `arrow.uuid` extension |
    /// | `T[]` / `T[n]` | `List` / `FixedSizeList(n)`, child `item` |
    /// | `STRUCT` | `Struct_` |
    /// | `MAP(K, V)` | `Map`, child `entries: Struct<key: K not null, value: V>` |
    /// | `NULL` | `Null` |
    /// | `TIME WITH TIME ZONE`, `BIT`, `BIGNUM`, `UNION`, others | `Utf8` of the value's text |
    ///
    /// Every field is nullable except a map's entries and keys.
    ///
    /// Choices where Arrow offers more than one reading:
    /// - `HUGEINT`/`UHUGEINT` are stored bit for bit in `Decimal128(38, 0)`, as DuckDB does; the
    ///   few values with 39 digits exceed the declared precision (pyarrow reads them, its full
    ///   validation flags them), and `UHUGEINT` values of 2¹²⁷ or more, which a 128-bit two's
    ///   complement cannot hold, are written as null.
    /// - `UUID` is the 16 bytes with the `arrow.uuid` extension name, so pyarrow and DuckDB read
    ///   UUIDs back, and readers without the extension still get the bytes (not text).
    /// - `ENUM` is plain `Utf8`, not dictionary-encoded (the stream has no dictionary batches).
    init(name: String, logicalType: LogicalType) {
        self.init(name: name, type: .null)
        switch logicalType {
        case .boolean: type = .bool
        case .tinyint: type = .int(bitWidth: 8, signed: true)
        case .smallint: type = .int(bitWidth: 16, signed: true)
        case .integer: type = .int(bitWidth: 32, signed: true)
        case .bigint: type = .int(bitWidth: 64, signed: true)
        case .utinyint: type = .int(bitWidth: 8, signed: false)
        case .usmallint: type = .int(bitWidth: 16, signed: false)
        case .uinteger: type = .int(bitWidth: 32, signed: false)
        case .ubigint: type = .int(bitWidth: 64, signed: false)
        case .hugeint, .uhugeint: type = .decimal128(precision: 38, scale: 0)
        case .float: type = .floatingPoint(double: false)
        case .double: type = .floatingPoint(double: true)
        case let .decimal(width, scale): type = .decimal128(precision: width, scale: scale)
        case .varchar, .enumeration: type = .utf8
        case .blob: type = .binary
        case .date: type = .date32
        case .time: type = .time64Microseconds
        case .timestamp: type = .timestamp(.microsecond, timeZone: nil)
        case .timestampTZ: type = .timestamp(.microsecond, timeZone: "UTC")
        case .timestampS: type = .timestamp(.second, timeZone: nil)
        case .timestampMS: type = .timestamp(.millisecond, timeZone: nil)
        case .timestampNS: type = .timestamp(.nanosecond, timeZone: nil)
        case .interval: type = .intervalMonthDayNano
        case .uuid:
            type = .fixedSizeBinary(byteWidth: 16)
            extensionName = "arrow.uuid"
        case .sqlNull: type = .null
        case let .list(child): type = .list(ArrowField(name: "item", logicalType: child))
        case let .array(child, size): type = .fixedSizeList(ArrowField(name: "item", logicalType: child), size: size)
        case let .struct(fields): type = .struct(fields.map { ArrowField(name: $0.name, logicalType: $0.type) })
        case let .map(key, value):
            var keyField = ArrowField(name: "key", logicalType: key)
            keyField.nullable = false
            let valueField = ArrowField(name: "value", logicalType: value)
            type = .map(entries: ArrowField(name: "entries", type: .struct([keyField, valueField]), nullable: false))
        case .timeTZ, .bit, .varint, .union, .other: type = .utf8
        }
    }
}
