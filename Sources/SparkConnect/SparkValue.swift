/// One value of a Spark SQL result, as a Swift value. The case says the Spark SQL type.
public indirect enum SparkValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case boolean(Bool)
    /// `TINYINT`
    case byte(Int8)
    /// `SMALLINT`
    case short(Int16)
    /// `INT`
    case int(Int32)
    /// `BIGINT`
    case long(Int64)
    /// `FLOAT`
    case float(Float)
    /// `DOUBLE`
    case double(Double)
    /// `DECIMAL(p, s)`
    case decimal(SparkDecimal)
    case string(String)
    case binary([UInt8])
    /// `DATE`: days since 1970-01-01.
    case date(daysSinceEpoch: Int32)
    /// `TIMESTAMP` (an instant; `timeZone` is the zone Spark sent, its session zone) or
    /// `TIMESTAMP_NTZ` (a wall-clock value read as if in UTC; `timeZone` nil):
    /// microseconds since 1970-01-01 00:00:00.
    case timestamp(microsecondsSinceEpoch: Int64, timeZone: String?)
    /// `TIME`: nanoseconds since midnight.
    case time(nanosecondsSinceMidnight: Int64)
    /// `INTERVAL YEAR TO MONTH` (and its narrower forms): months.
    case yearMonthInterval(months: Int32)
    /// `INTERVAL DAY TO SECOND` (and its narrower forms): microseconds.
    case dayTimeInterval(microseconds: Int64)
    /// `ARRAY<…>`
    case array([SparkValue])
    /// `STRUCT<…>`: field names and values, in order.
    case structure(names: [String], values: [SparkValue])
    /// `MAP<…>`: keys and values, entry by entry, in the order Spark sent them.
    case map(keys: [SparkValue], values: [SparkValue])

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// A compact text form: `NULL`, numbers, `'text'`, `X'0A0B'`, `DATE 19723`,
    /// `TIMESTAMP 1704164645123456[UTC]`, `[1, NULL]`, `{a: 1}`, `{k -> v}`.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .boolean(let v): return v ? "true" : "false"
        case .byte(let v): return "\(v)"
        case .short(let v): return "\(v)"
        case .int(let v): return "\(v)"
        case .long(let v): return "\(v)"
        case .float(let v): return "\(v)"
        case .double(let v): return "\(v)"
        case .decimal(let v): return v.description
        case .string(let v): return "'\(v)'"
        case .binary(let v): return "X'" + v.map { byteHex($0) }.joined() + "'"
        case .date(let days): return "DATE \(days)"
        case .timestamp(let micros, let zone): return "TIMESTAMP \(micros)" + (zone.map { "[\($0)]" } ?? "")
        case .time(let nanos): return "TIME \(nanos)"
        case .yearMonthInterval(let months): return "INTERVAL \(months) MONTHS"
        case .dayTimeInterval(let micros): return "INTERVAL \(micros) MICROSECONDS"
        case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .structure(let names, let values):
            return "{" + zip(names, values).map { "\($0): \($1)" }.joined(separator: ", ") + "}"
        case .map(let keys, let values):
            return "{" + zip(keys, values).map { "\($0) -> \($1)" }.joined(separator: ", ") + "}"
        }
    }
}

private func byteHex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}
