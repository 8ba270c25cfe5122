import Foundation
import SwiftLake

/// Printing of a command's result document (metadata, stats, modify and merge metrics):
/// JSON for scripts, and the small formatting helpers the tables share.
enum Report {
    /// Writes `value` to stdout as pretty-printed JSON: the document the REST API returns.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        try StandardOutput.write(Array(data))
    }

    /// Writes `text` to stdout.
    static func print(_ text: String) throws {
        try StandardOutput.write(text)
    }

    /// `"2.4 MiB (2,512,345 bytes)"`, or `"512 bytes"`.
    static func bytes(_ count: Int) -> String {
        guard count >= 1024 else { return count == 1 ? "1 byte" : "\(count) bytes" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(count) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f ", value) + units[unit] + " (" + grouped(count) + " bytes)"
    }

    /// `"1,234,567"`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `"12.3 ms"`, `"4.56 s"`.
    static func duration(milliseconds: Double) -> String {
        milliseconds < 1000 ? String(format: "%.1f ms", milliseconds) : String(format: "%.2f s", milliseconds / 1000)
    }

    /// A two-column table of labelled facts.
    static func facts(_ rows: [(String, String)], maxCellWidth: Int = 100) -> String {
        let table = TextTable(columns: [TextTable.Column("field"), TextTable.Column("value")], maxCellWidth: maxCellWidth)
        return table.render(rows.map { [TextTable.Cell($0.0), TextTable.Cell($0.1)] })
    }

    /// `"id BIGINT, name VARCHAR"`.
    static func columnList(_ columns: [ResultColumn]) -> String {
        columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
    }
}

extension JSONValue {
    /// The value as plain text for a table cell.
    var text: String {
        switch self {
        case .null: "NULL"
        case .bool(let b): b ? "true" : "false"
        case .number(let d): d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .exactNumber(let s): s
        case .string(let s): s
        case .array, .object:
            (try? String(decoding: JSONEncoder().encode(self), as: UTF8.self)) ?? ""
        }
    }

    /// Whether the value is a number (aligned right in tables).
    var isNumber: Bool {
        switch self {
        case .number, .exactNumber: true
        default: false
        }
    }
}
