/// One column of a record batch: its field, its values in a typed array, and which are null.
///
/// Read the typed storage through ``values`` (e.g. `.int64([Int64])`) for speed, or one value
/// at a time as a ``SparkValue`` with ``subscript(_:)``. Values at null positions hold
/// whatever the sender left there (usually zero): check ``isNull(_:)``.
public struct ArrowColumn: Sendable {
    public let field: ArrowField
    /// Number of values (rows).
    public let count: Int
    public let nullCount: Int
    /// The validity bitmap (bit `i` set: value `i` is valid); nil when nothing is null.
    let validity: [UInt8]?
    public let values: Values

    /// The typed values. Fixed-width types hold one element per row; variable-width and
    /// nested types hold offsets (`count + 1` of them) into their data or child.
    public indirect enum Values: Sendable {
        /// The null type: no storage.
        case null
        case boolean([Bool])
        case int8([Int8])
        case int16([Int16])
        case int32([Int32])
        case int64([Int64])
        case uint8([UInt8])
        case uint16([UInt16])
        case uint32([UInt32])
        case uint64([UInt64])
        /// IEEE half floats, as their bits.
        case float16([UInt16])
        case float32([Float])
        case float64([Double])
        /// Unscaled 128-bit values; precision and scale are in the field's type.
        case decimal128([Int128])
        /// UTF-8 strings (`utf8` and `large_utf8`): value `i` is `bytes[offsets[i]..<offsets[i+1]]`.
        case string(offsets: [Int], bytes: [UInt8])
        /// Binary (`binary`, `large_binary`, `fixed_size_binary`), laid out like ``string(offsets:bytes:)``.
        case binary(offsets: [Int], bytes: [UInt8])
        /// 32-bit values: days (`date32`), seconds/milliseconds (`time32`), months (`interval[yearMonth]`).
        case days([Int32])
        /// 64-bit values in the field type's unit: `date64`, `time64`, `timestamp`, `duration`.
        case ticks([Int64])
        /// Value `i` is `child[offsets[i]..<offsets[i+1]]` (`list`, `large_list`, `fixed_size_list`).
        case list(offsets: [Int], child: ArrowColumn)
        /// One child column per struct field, each of ``ArrowColumn/count`` rows.
        case structure([ArrowColumn])
        /// Entry `j` of value `i`, for `j` in `offsets[i]..<offsets[i+1]`, is `keys[j]` → `values[j]`.
        case map(offsets: [Int], keys: ArrowColumn, values: ArrowColumn)
    }

    public init(field: ArrowField, count: Int, nullCount: Int, validity: [UInt8]?, values: Values) {
        self.field = field
        self.count = count
        self.nullCount = nullCount
        self.validity = nullCount == 0 ? nil : validity
        self.values = values
    }

    /// Whether row `row` is null.
    @inline(__always)
    public func isNull(_ row: Int) -> Bool {
        if case .null = values { return true }
        guard let validity else { return false }
        return validity[row >> 3] & (1 << UInt8(row & 7)) == 0
    }

    /// Row `row`'s value as a Swift value (``SparkValue/null`` when null).
    public subscript(row: Int) -> SparkValue {
        if isNull(row) { return .null }
        switch values {
        case .null: return .null
        case .boolean(let v): return .boolean(v[row])
        case .int8(let v): return .byte(v[row])
        case .int16(let v): return .short(v[row])
        case .int32(let v): return .int(v[row])
        case .int64(let v): return .long(v[row])
        case .uint8(let v): return .short(Int16(v[row]))
        case .uint16(let v): return .int(Int32(v[row]))
        case .uint32(let v): return .long(Int64(v[row]))
        case .uint64(let v): return .decimal(SparkDecimal(unscaled: Int128(v[row]), precision: 20, scale: 0))
        case .float16(let v): return .float(Float(halfFloatValue(v[row])))
        case .float32(let v): return .float(v[row])
        case .float64(let v): return .double(v[row])
        case .decimal128(let v):
            guard case .decimal(let precision, let scale, _) = field.type else { return .null }
            return .decimal(SparkDecimal(unscaled: v[row], precision: precision, scale: scale))
        case .string(let offsets, let bytes):
            return .string(String(decoding: bytes[offsets[row]..<offsets[row + 1]], as: UTF8.self))
        case .binary(let offsets, let bytes):
            return .binary(Array(bytes[offsets[row]..<offsets[row + 1]]))
        case .days(let v):
            switch field.type {
            case .date: return .date(daysSinceEpoch: v[row])
            case .interval: return .yearMonthInterval(months: v[row])
            case .time(let unit, _): return .time(nanosecondsSinceMidnight: Int64(v[row]) * unit.nanoseconds)
            default: return .int(v[row])
            }
        case .ticks(let v):
            switch field.type {
            case .date: return .date(daysSinceEpoch: Int32(v[row].floorDivided(by: 86_400_000)))
            case .time(let unit, _): return .time(nanosecondsSinceMidnight: v[row] * unit.nanoseconds)
            case .timestamp(let unit, let zone):
                return .timestamp(microsecondsSinceEpoch: unit.microseconds(v[row]), timeZone: zone)
            case .duration(let unit): return .dayTimeInterval(microseconds: unit.microseconds(v[row]))
            default: return .long(v[row])
            }
        case .list(let offsets, let child):
            return .array((offsets[row]..<offsets[row + 1]).map { child[$0] })
        case .structure(let children):
            return .structure(names: children.map(\.field.name), values: children.map { $0[row] })
        case .map(let offsets, let keys, let values):
            let range = offsets[row]..<offsets[row + 1]
            return .map(keys: range.map { keys[$0] }, values: range.map { values[$0] })
        }
    }

    /// Every row's value, in order.
    public var sparkValues: [SparkValue] { (0..<count).map { self[$0] } }
}

extension ArrowType.TimeUnit {
    var nanoseconds: Int64 {
        switch self {
        case .second: return 1_000_000_000
        case .millisecond: return 1_000_000
        case .microsecond: return 1_000
        case .nanosecond: return 1
        }
    }

    /// `value` in this unit as microseconds (nanoseconds rounded toward negative infinity).
    func microseconds(_ value: Int64) -> Int64 {
        switch self {
        case .second: return value * 1_000_000
        case .millisecond: return value * 1_000
        case .microsecond: return value
        case .nanosecond: return value.floorDivided(by: 1_000)
        }
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}

/// An IEEE 754 half float's value, without relying on `Float16` (unavailable on some platforms).
private func halfFloatValue(_ bits: UInt16) -> Float {
    let sign: Float = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = Float(bits & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * Float(sign: .plus, exponent: -24, significand: 1)
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
}
