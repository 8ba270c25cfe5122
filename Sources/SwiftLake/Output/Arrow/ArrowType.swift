/// The Arrow types the IPC writer produces, with what their flatbuffer `Type` tables need.
indirect enum ArrowType: Equatable, Sendable {
    /// `Null`: no buffers at all.
    case null
    /// `Bool`: a bitmap.
    case bool
    /// `Int` of 8, 16, 32 or 64 bits.
    case int(bitWidth: Int, signed: Bool)
    /// `FloatingPoint`, single (32-bit) or double (64-bit) precision.
    case floatingPoint(double: Bool)
    /// `Utf8`: 32-bit offsets and UTF-8 bytes.
    case utf8
    /// `Binary`: 32-bit offsets and bytes.
    case binary
    /// `Decimal` with 128-bit little-endian two's complement values.
    case decimal128(precision: Int, scale: Int)
    /// `Date` in days, 32 bits.
    case date32
    /// `Time` in microseconds, 64 bits.
    case time64Microseconds
    /// `Timestamp`, 64 bits, naive when `timeZone` is `nil`.
    case timestamp(ArrowTimeUnit, timeZone: String?)
    /// `Interval(MONTH_DAY_NANO)`: int32 months, int32 days, int64 nanoseconds.
    case intervalMonthDayNano
    /// `FixedSizeBinary` of `byteWidth` bytes.
    case fixedSizeBinary(byteWidth: Int)
    /// `List` with 32-bit offsets.
    case list(ArrowField)
    /// `FixedSizeList` of `size` items.
    case fixedSizeList(ArrowField, size: Int)
    /// `Struct_`.
    case `struct`([ArrowField])
    /// `Map`: its single child is the non-null `entries` struct of `key` and `value`.
    case map(entries: ArrowField)
}

/// `TimeUnit` of `Schema.fbs`; the raw values are the flatbuffer enum's.
enum ArrowTimeUnit: Int16, Sendable {
    case second = 0
    case millisecond = 1
    case microsecond = 2
    case nanosecond = 3
}
