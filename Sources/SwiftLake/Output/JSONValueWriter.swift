import DuckDB

/// Renders DuckDB values as JSON text, following DuckDB's own `to_json` conventions:
/// numbers (every integer width, decimals exactly) as JSON numbers, lists as arrays, structs
/// and maps as objects, and dates, times, timestamps, intervals, UUIDs and blobs as strings
/// in DuckDB's text form. Non-finite floats become the strings `"NaN"`, `"Infinity"`,
/// `"-Infinity"`, since JSON has no such numbers.
public enum JSONValueWriter {
    /// Appends `value` as JSON to `out`.
    public static func write(_ value: Value, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .boolean(let b): out += b ? "true" : "false"
        case .tinyint(let v): out += String(v)
        case .smallint(let v): out += String(v)
        case .integer(let v): out += String(v)
        case .bigint(let v): out += String(v)
        case .hugeint(let v): out += String(v)
        case .utinyint(let v): out += String(v)
        case .usmallint(let v): out += String(v)
        case .uinteger(let v): out += String(v)
        case .ubigint(let v): out += String(v)
        case .uhugeint(let v): out += String(v)
        case .float(let v): writeFloating(Double(v), text: v.description, into: &out)
        case .double(let v): writeFloating(v, text: v.description, into: &out)
        case .decimal(let d): out += d.description
        case .varchar(let s), .enumeration(let s): writeString(s, into: &out)
        case .list(let items), .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .struct(let fields):
            out += "{"
            for (i, field) in fields.enumerated() {
                if i > 0 { out += "," }
                writeString(field.name, into: &out)
                out += ":"
                write(field.value, into: &out)
            }
            out += "}"
        case .map(let entries):
            out += "{"
            for (i, entry) in entries.enumerated() {
                if i > 0 { out += "," }
                if case .varchar(let key) = entry.key { writeString(key, into: &out) } else { writeString(entry.key.description, into: &out) }
                out += ":"
                write(entry.value, into: &out)
            }
            out += "}"
        case .union(_, let member): write(member, into: &out)
        default: writeString(value.description, into: &out)
        }
    }

    /// `value` as a JSON string.
    public static func json(_ value: Value) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func writeFloating(_ v: Double, text: String, into out: inout String) {
        if v.isNaN { out += "\"NaN\"" } else if v.isInfinite { out += v < 0 ? "\"-Infinity\"" : "\"Infinity\"" } else { out += text }
    }

    /// Appends `s` as a JSON string literal, escaping quotes, backslashes and control characters.
    public static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
