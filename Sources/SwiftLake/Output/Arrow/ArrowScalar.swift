import Foundation
import DuckDB

/// Reads the Swift value an Arrow buffer stores out of a DuckDB ``Value``.
///
/// Each reader accepts the value kinds that can stand for the Arrow type (any integer kind for
/// an `Int` field, any timestamp kind for a `Timestamp` field, ...) and returns `nil` for
/// `NULL` and for values that do not fit, which are then written as nulls.
enum ArrowScalar {
    /// The integer a value holds, for every integer kind.
    static func integer(_ value: Value) -> Int128? {
        switch value {
        case let .tinyint(v): return Int128(v)
        case let .smallint(v): return Int128(v)
        case let .integer(v): return Int128(v)
        case let .bigint(v): return Int128(v)
        case let .hugeint(v): return v
        case let .utinyint(v): return Int128(v)
        case let .usmallint(v): return Int128(v)
        case let .uinteger(v): return Int128(v)
        case let .ubigint(v): return Int128(v)
        case let .uhugeint(v): return Int128(exactly: v)
        default: return nil
        }
    }

    /// The integer as `bitWidth` bits of two's complement, if it fits the signed or unsigned range.
    static func integer(_ value: Value, bitWidth: Int, signed: Bool) -> UInt64? {
        guard let number = integer(value) else { return nil }
        let fits: Bool
        if signed {
            let limit = Int128(1) << (bitWidth - 1)
            fits = number >= -limit && number < limit
        } else {
            fits = number >= 0 && number < Int128(1) << bitWidth
        }
        return fits ? UInt64(truncatingIfNeeded: number) : nil
    }

    /// A floating-point, integer or decimal value as a `Double`.
    static func double(_ value: Value) -> Double? {
        switch value {
        case let .float(v): return Double(v)
        case let .double(v): return v
        case let .decimal(v): return v.doubleValue
        default: return integer(value).map(Double.init)
        }
    }

    /// The text of a value: strings and enum labels as they are, anything else as DuckDB prints it.
    static func text(_ value: Value) -> String? {
        switch value {
        case .null: return nil
        case let .varchar(text), let .enumeration(text): return text
        default: return value.description
        }
    }

    /// The bytes of a blob (or of a string's UTF-8).
    static func bytes(_ value: Value) -> [UInt8]? {
        switch value {
        case let .blob(bytes): return bytes
        case let .varchar(text): return Array(text.utf8)
        default: return nil
        }
    }

    /// The unscaled 128-bit integer of a decimal (or integer) value at `scale` digits.
    static func decimal(_ value: Value, scale: Int) -> Int128? {
        switch value {
        case let .decimal(decimal): return rescale(decimal.value, from: decimal.scale, to: scale)
        default: return integer(value).flatMap { rescale($0, from: 0, to: scale) }
        }
    }

    /// `unscaled` moved from `from` to `to` fractional digits (truncating when `to` is smaller),
    /// or `nil` on overflow.
    static func rescale(_ unscaled: Int128, from: Int, to: Int) -> Int128? {
        var result = unscaled
        if to > from {
            for _ in from..<to {
                let (product, overflow) = result.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                result = product
            }
        } else {
            for _ in to..<from { result /= 10 }
        }
        return result
    }

    /// Days since the epoch of a `DATE`.
    static func days(_ value: Value) -> Int32? {
        if case let .date(days) = value { return days }
        return nil
    }

    /// Microseconds since midnight of a `TIME`.
    static func timeMicros(_ value: Value) -> Int64? {
        if case let .time(micros) = value { return micros }
        return nil
    }

    /// A timestamp of any precision in `unit`s since the epoch (coarser units round down),
    /// or `nil` when it overflows 64 bits.
    static func timestamp(_ value: Value, unit: ArrowTimeUnit) -> Int64? {
        let count: Int64
        let digits: Int  // decimal digits of sub-second precision of the value
        switch value {
        case let .timestamp(micros), let .timestampTZ(micros): (count, digits) = (micros, 6)
        case let .timestampS(seconds): (count, digits) = (seconds, 0)
        case let .timestampMS(millis): (count, digits) = (millis, 3)
        case let .timestampNS(nanos): (count, digits) = (nanos, 9)
        default: return nil
        }
        let target = 3 * Int(unit.rawValue)
        var result = count
        if target > digits {
            for _ in digits..<target {
                let (product, overflow) = result.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                result = product
            }
        } else if target < digits {
            var divisor: Int64 = 1
            for _ in target..<digits { divisor *= 10 }
            let (quotient, remainder) = result.quotientAndRemainder(dividingBy: divisor)
            result = remainder < 0 ? quotient - 1 : quotient
        }
        return result
    }

    /// An `INTERVAL` as Arrow's month-day-nanosecond triple, or `nil` when the microseconds
    /// overflow 64 bits as nanoseconds (beyond ±292 years).
    static func interval(_ value: Value) -> (months: Int32, days: Int32, nanos: Int64)? {
        guard case let .interval(months, days, micros) = value else { return nil }
        let (nanos, overflow) = micros.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : (months, days, nanos)
    }

    /// Exactly `width` bytes: a UUID's 16 bytes in RFC 4122 order, or a blob of that length.
    static func fixedBytes(_ value: Value, width: Int) -> [UInt8]? {
        switch value {
        case let .uuid(uuid) where width == 16:
            return withUnsafeBytes(of: uuid.uuid) { Array($0) }
        case let .blob(bytes) where bytes.count == width:
            return bytes
        default:
            return nil
        }
    }
}
