extension Value {
    /// The value as DuckDB's `CAST(value AS VARCHAR)` writes it:
    /// dates `"2024-01-31"`, timestamps `"2024-01-31 12:00:00.5"`, `TIMESTAMP WITH TIME ZONE`
    /// in UTC with `"+00"`, intervals `"1 year 2 months 3 days 04:05:06"`, blobs with `"\xAA"`
    /// escapes, lists `"[1, 2, NULL]"`, structs `"{'a': 1, 'b': hello}"`, maps `"{k=v}"`, and
    /// `NULL` as `"NULL"`.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case let .boolean(value): return value ? "true" : "false"
        case let .tinyint(value): return String(value)
        case let .smallint(value): return String(value)
        case let .integer(value): return String(value)
        case let .bigint(value): return String(value)
        case let .hugeint(value): return String(value)
        case let .utinyint(value): return String(value)
        case let .usmallint(value): return String(value)
        case let .uinteger(value): return String(value)
        case let .ubigint(value): return String(value)
        case let .uhugeint(value): return String(value)
        case let .float(value): return FloatFormat.format(value.description, negative: value.sign == .minus)
        case let .double(value): return FloatFormat.format(value.description, negative: value.sign == .minus)
        case let .decimal(value): return value.description
        case let .varchar(text): return text
        case let .blob(bytes): return Value.blobText(bytes)
        case let .date(days): return TemporalFormat.date(days: days)
        case let .time(micros): return TemporalFormat.time(micros: micros)
        case let .timeTZ(micros, offset): return TemporalFormat.timeTZ(micros: micros, offsetSeconds: offset)
        case let .timestamp(micros): return TemporalFormat.timestamp(micros: micros)
        case let .timestampTZ(micros): return TemporalFormat.timestamp(micros: micros, withTimeZone: true)
        case let .timestampS(seconds): return TemporalFormat.timestamp(units: seconds, microsPerUnit: 1_000_000)
        case let .timestampMS(millis): return TemporalFormat.timestamp(units: millis, microsPerUnit: 1000)
        case let .timestampNS(nanos): return TemporalFormat.timestampNS(nanos: nanos)
        case let .interval(months, days, micros):
            return TemporalFormat.interval(months: months, days: days, micros: micros)
        case let .uuid(uuid): return uuid.uuidString.lowercased()
        case let .list(elements), let .array(elements):
            return "[" + elements.map(\.nestedText).joined(separator: ", ") + "]"
        case let .struct(fields):
            if !fields.isEmpty, fields.allSatisfy({ $0.name.isEmpty }) {
                // DuckDB's unnamed TUPLE: "(1, 2)", and "(1,)" for one element.
                let inner = fields.map(\.value.nestedText).joined(separator: ", ")
                return "(" + inner + (fields.count == 1 ? ",)" : ")")
            }
            let inner = fields.map { Value.quoted($0.name) + ": " + $0.value.nestedText }
            return "{" + inner.joined(separator: ", ") + "}"
        case let .map(entries):
            return "{" + entries.map { $0.key.nestedText + "=" + $0.value.nestedText }.joined(separator: ", ") + "}"
        case let .enumeration(label): return label
        case let .union(_, value): return value.description
        case let .bit(bits): return bits
        case let .bignum(digits): return digits
        }
    }

    /// How the value appears inside a list, struct or map: nested values as they are,
    /// scalars quoted and escaped when their text would be ambiguous there.
    var nestedText: String {
        if isNull { return "NULL" }
        if isNested { return description }
        return Value.escapedIfNeeded(description)
    }

    /// Characters that make DuckDB quote a scalar inside a nested value.
    private static let specialCharacters: Set<UInt8> = Set("\"'(),:=[\\]{}".utf8)

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// Quotes `text` in single quotes (escaping `'` and `\` with a backslash) when it is empty,
    /// starts or ends with whitespace, spells `null`, or holds a special character.
    static func escapedIfNeeded(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var needsQuotes = bytes.isEmpty
        if !needsQuotes {
            needsQuotes =
                isSpace(bytes[0])
                || (bytes.count >= 2 && isSpace(bytes[bytes.count - 1]))
                || text.lowercased() == "null"
                || bytes.contains(where: specialCharacters.contains)
        }
        return needsQuotes ? quoted(text) : text
    }

    /// `'text'` with `'` and `\` escaped by a backslash (struct keys are always written so).
    static func quoted(_ text: String) -> String {
        var result = "'"
        for character in text {
            if character == "'" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result + "'"
    }

    /// Printable ASCII as is; other bytes, `\`, `'` and `"` as `\xAB`.
    static func blobText(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte >= 32, byte <= 126, byte != UInt8(ascii: "\\"), byte != UInt8(ascii: "'"), byte != UInt8(ascii: "\"") {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// DuckDB prints floating-point numbers with `fmt`'s `"{}"`: the shortest digits that round-trip,
/// positional notation for decimal exponents -4...15 (`"100.0"`, `"0.0001"`), scientific
/// otherwise (`"1e+16"`, `"1e-05"`). Swift's `description` yields the same shortest digits but
/// switches notation at different points, so the digits are taken from it and laid out again.
enum FloatFormat {
    static func format(_ swiftText: String, negative: Bool) -> String {
        var text = Substring(swiftText)
        if text.first == "-" { text = text.dropFirst() }
        let sign = negative ? "-" : ""
        if text == "inf" || text == "nan" { return sign + text }

        // Split "d.ddde±x" into its digits and the position of the decimal point.
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let integerPart = text.split(separator: ".", omittingEmptySubsequences: false)[0]
        var digits = Array(text.filter { $0 != "." })
        var point = integerPart.count + exponent  // digits before the decimal point
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return sign + "0.0" }

        let decimalExponent = point - 1
        let digitText = String(digits)
        if decimalExponent < -4 || decimalExponent >= 16 {
            var result = String(digits[0])
            if digits.count > 1 { result += "." + String(digits[1...]) }
            let magnitude = abs(decimalExponent)
            result += (decimalExponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
            return sign + result
        }
        if digits.count <= point {
            return sign + digitText + String(repeating: "0", count: point - digits.count) + ".0"
        }
        if point > 0 {
            return sign + String(digits[..<point]) + "." + String(digits[point...])
        }
        return sign + "0." + String(repeating: "0", count: -point) + digitText
    }
}
