import Foundation

/// A typed partition value, parsed from the string a Delta log stores in `partitionValues`
/// (PROTOCOL.md, "Partition Value Serialization").
public enum PartitionValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case string(String)
    case long(Int64)
    case integer(Int32)
    case short(Int16)
    case byte(Int8)
    case boolean(Bool)
    case float(Float)
    case double(Double)
    /// The decimal's digits as text, normalised to the column's scale (e.g. `"12.30"`).
    case decimal(String, precision: Int, scale: Int)
    /// Days since 1970-01-01.
    case date(days: Int32)
    /// Microseconds since the epoch, UTC.
    case timestamp(micros: Int64)
    /// Microseconds since the epoch, no time zone.
    case timestampNtz(micros: Int64)
    case binary([UInt8])

    public var description: String {
        switch self {
        case .null: return "NULL"
        case .string(let s): return s
        case .long(let v): return String(v)
        case .integer(let v): return String(v)
        case .short(let v): return String(v)
        case .byte(let v): return String(v)
        case .boolean(let v): return v ? "true" : "false"
        case .float(let v): return "\(v)"
        case .double(let v): return "\(v)"
        case .decimal(let s, _, _): return s
        case .date(let days): return PartitionValues.formatDate(days: days)
        case .timestamp(let micros), .timestampNtz(let micros): return PartitionValues.formatTimestamp(micros: micros)
        case .binary(let bytes): return bytes.map { String(format: "%02x", $0) }.joined()
        }
    }
}

/// Parsing and formatting of partition values.
public enum PartitionValues {
    /// Parses `raw` (the log's string, `nil` for null) as a value of `type`.
    ///
    /// An empty string is null for every type but `string` (where Spark never writes it
    /// either: it writes null). Numbers accept Spark's spellings (`2021.0` for a double).
    public static func parse(_ raw: String?, as type: DataType, column: String = "") throws -> PartitionValue {
        guard let raw else { return .null }
        guard case .primitive(let primitive) = type else {
            throw DeltaError(.invalidTable, "partition column '\(column)' has the nested type \(type); partition columns must be primitive")
        }
        if raw.isEmpty && primitive != .string { return .null }
        func bad(_ what: String) -> DeltaError {
            DeltaError(.corruptLog, "partition value '\(raw)' of column '\(column)' is not a valid \(what)")
        }
        switch primitive {
        case .string, .other, .variant: return .string(raw)
        case .long: guard let v = Int64(raw) else { throw bad("long") }; return .long(v)
        case .integer: guard let v = Int32(raw) else { throw bad("integer") }; return .integer(v)
        case .short: guard let v = Int16(raw) else { throw bad("short") }; return .short(v)
        case .byte: guard let v = Int8(raw) else { throw bad("byte") }; return .byte(v)
        case .boolean:
            switch raw.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: throw bad("boolean")
            }
        case .float: guard let v = Float(raw) else { throw bad("float") }; return .float(v)
        case .double: guard let v = Double(raw) else { throw bad("double") }; return .double(v)
        case .decimal(let p, let s):
            guard let text = normaliseDecimal(raw, scale: s) else { throw bad("decimal(\(p),\(s))") }
            return .decimal(text, precision: p, scale: s)
        case .date:
            guard let days = parseDate(Substring(raw)) else { throw bad("date (yyyy-MM-dd)") }
            return .date(days: days)
        case .timestamp:
            guard let micros = parseTimestamp(raw) else { throw bad("timestamp") }
            return .timestamp(micros: micros)
        case .timestampNtz:
            guard let micros = parseTimestamp(raw) else { throw bad("timestamp_ntz") }
            return .timestampNtz(micros: micros)
        case .binary:
            return .binary(Array(raw.utf8))
        }
    }

    /// Typed partition values of one file, by logical column name. `partitionValues` is
    /// keyed by physical name when the table uses column mapping; both are accepted.
    public static func typed(_ partitionValues: [String: String?], schema: DeltaSchema,
                             partitionColumns: [String]) throws -> [String: PartitionValue] {
        var out: [String: PartitionValue] = [:]
        for column in partitionColumns {
            guard let field = schema.field(named: column) else {
                throw DeltaError(.invalidTable, "partition column '\(column)' is not in the table schema")
            }
            let raw: String?? = partitionValues[field.physicalName] ?? partitionValues[column]
            out[column] = try parse(raw ?? nil, as: field.type, column: column)
        }
        return out
    }

    /// Decodes Hive-style escaping of a partition directory name (`A%2FA` → `A/A`),
    /// as Spark writes it in data file paths.
    public static func unescapePathComponent(_ text: String) -> String {
        text.removingPercentEncoding ?? text
    }

    // MARK: - Formats

    static func normaliseDecimal(_ raw: String, scale: Int) -> String? {
        var text = Substring(raw)
        var negative = false
        if text.first == "-" { negative = true; text = text.dropFirst() } else if text.first == "+" { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(text[text.index(after: e)...]) else { return nil }
            exponent = x
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !text.isEmpty else { return nil }
        var intPart = String(parts[0])
        var fracPart = parts.count == 2 ? String(parts[1]) : ""
        guard (intPart + fracPart).allSatisfy(\.isASCII), (intPart + fracPart).allSatisfy(\.isNumber), !(intPart + fracPart).isEmpty else { return nil }
        // Apply the exponent by moving the point.
        if exponent > 0 {
            let moved = String(fracPart.prefix(exponent)).padding(toLength: exponent, withPad: "0", startingAt: 0)
            intPart += moved
            fracPart = String(fracPart.dropFirst(exponent))
        } else if exponent < 0 {
            let n = -exponent
            let padded = String(repeating: "0", count: max(0, n - intPart.count)) + intPart
            fracPart = String(padded.suffix(n)) + fracPart
            intPart = String(padded.dropLast(n))
        }
        while intPart.count > 1 && intPart.first == "0" { intPart.removeFirst() }
        if intPart.isEmpty { intPart = "0" }
        if fracPart.count > scale {
            // More digits than the scale: only zeros may be dropped.
            guard fracPart.dropFirst(scale).allSatisfy({ $0 == "0" }) else { return nil }
            fracPart = String(fracPart.prefix(scale))
        } else {
            fracPart += String(repeating: "0", count: scale - fracPart.count)
        }
        let isZero = intPart == "0" && fracPart.allSatisfy { $0 == "0" }
        return (negative && !isZero ? "-" : "") + intPart + (scale > 0 ? "." + fracPart : "")
    }

    /// Days since the epoch of a `yyyy-MM-dd` date (proleptic Gregorian).
    static func parseDate(_ text: Substring) -> Int32? {
        var t = text
        var sign = 1
        if t.first == "-" { sign = -1; t = t.dropFirst() } else if t.first == "+" { t = t.dropFirst() }
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        return Int32(exactly: daysFromCivil(year: sign * y, month: m, day: d))
    }

    /// Microseconds since the epoch of `yyyy-MM-dd[ T]HH:mm:ss[.ffffff][Z|±HH:mm]`.
    static func parseTimestamp(_ text: String) -> Int64? {
        var s = Substring(text)
        var offsetSeconds = 0
        if s.hasSuffix("Z") || s.hasSuffix("z") {
            s = s.dropLast()
        } else if s.count > 6 {
            let tail = s.suffix(6)
            if (tail.first == "+" || tail.first == "-"), tail.dropFirst().count == 5, tail.dropFirst().dropFirst(2).first == ":",
               let h = Int(tail.dropFirst().prefix(2)), let m = Int(tail.suffix(2)) {
                offsetSeconds = (h * 3600 + m * 60) * (tail.first == "-" ? -1 : 1)
                s = s.dropLast(6)
            }
        }
        let splitIndex = s.firstIndex(where: { $0 == " " || $0 == "T" })
        let datePart = splitIndex.map { s[..<$0] } ?? s
        guard let days = parseDate(datePart) else { return nil }
        var micros: Int64 = 0
        if let splitIndex {
            let timePart = s[s.index(after: splitIndex)...]
            let secondsAndFraction = timePart.split(separator: ".", omittingEmptySubsequences: false)
            guard secondsAndFraction.count <= 2 else { return nil }
            let hms = secondsAndFraction[0].split(separator: ":", omittingEmptySubsequences: false)
            guard hms.count == 3 || hms.count == 2, let h = Int(hms[0]), let mi = Int(hms[1]) else { return nil }
            let sec = hms.count == 3 ? Int(hms[2]) : 0
            guard let sec, (0...23).contains(h), (0...59).contains(mi), (0...60).contains(sec) else { return nil }
            micros = Int64(h * 3600 + mi * 60 + sec) * 1_000_000
            if secondsAndFraction.count == 2 {
                let digits = secondsAndFraction[1]
                guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                let six = String(digits.prefix(6)).padding(toLength: 6, withPad: "0", startingAt: 0)
                micros += Int64(six)!
            }
        }
        return Int64(days) * 86_400_000_000 + micros - Int64(offsetSeconds) * 1_000_000
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// `yyyy-MM-dd`.
    public static func formatDate(days: Int32) -> String {
        let (y, m, d) = civilFromDays(Int(days))
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// `yyyy-MM-ddTHH:mm:ss.ffffff` (UTC).
    public static func formatTimestamp(micros: Int64) -> String {
        var days = micros / 86_400_000_000
        var rest = micros % 86_400_000_000
        if rest < 0 { rest += 86_400_000_000; days -= 1 }
        let (y, m, d) = civilFromDays(Int(days))
        let secs = rest / 1_000_000
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d", y, m, d,
                      Int(secs / 3600), Int(secs / 60 % 60), Int(secs % 60), Int(rest % 1_000_000))
    }
}
