import DuckDB

/// RFC 4180 CSV: a header line with the column names, then one line per row. NULL is an
/// empty field; nested values are written in DuckDB's text form.
public struct CSVResultEncoder: ResultEncoder {
    /// Creates an encoder.
    public init() {}

    public mutating func begin(columns: [ResultColumn]) -> [UInt8] {
        Array((columns.map { Self.field($0.name) }.joined(separator: ",") + "\r\n").utf8)
    }

    public mutating func encode(_ batch: RowBatch) -> [UInt8] {
        var out = ""
        for r in 0..<batch.count {
            for c in 0..<batch.columns.count {
                if c > 0 { out += "," }
                switch batch.columns[c][r] {
                case .null: continue
                case .varchar(let s): out += Self.field(s)
                // Fast paths for the commonest scalars; same text as DuckDB's for finite values.
                case .integer(let v): out += String(v)
                case .bigint(let v): out += String(v)
                case .double(let v) where v.isFinite: out += v.description
                case .float(let v) where v.isFinite: out += v.description
                case let value: out += Self.field(value.description)
                }
            }
            out += "\r\n"
        }
        return Array(out.utf8)
    }

    public mutating func end(summary: ResultSummary) -> [UInt8] { [] }

    /// `text`, quoted when it holds a comma, quote, line break, or edge whitespace, or is empty
    /// (so that an empty string differs from NULL).
    static func field(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
