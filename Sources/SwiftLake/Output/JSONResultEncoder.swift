import Foundation

/// `{"columns":[{"name","type"}],"rows":[[…]],"row_count","truncated","engine","elapsed_ms"}`,
/// written as the rows arrive.
public struct JSONResultEncoder: ResultEncoder {
    private var wroteRow = false

    /// Creates an encoder.
    public init() {}

    public mutating func begin(columns: [ResultColumn]) -> [UInt8] {
        var out = "{\"columns\":["
        for (i, column) in columns.enumerated() {
            if i > 0 { out += "," }
            out += "{\"name\":"
            JSONValueWriter.writeString(column.name, into: &out)
            out += ",\"type\":"
            JSONValueWriter.writeString(column.type, into: &out)
            out += "}"
        }
        out += "],\"rows\":["
        return Array(out.utf8)
    }

    public mutating func encode(_ batch: RowBatch) -> [UInt8] {
        var out = ""
        out.reserveCapacity(batch.count * batch.columns.count * 8)
        for r in 0..<batch.count {
            out += wroteRow ? ",[" : "["
            wroteRow = true
            for c in 0..<batch.columns.count {
                if c > 0 { out += "," }
                JSONValueWriter.write(batch.columns[c][r], into: &out)
            }
            out += "]"
        }
        return Array(out.utf8)
    }

    public mutating func end(summary: ResultSummary) -> [UInt8] {
        var out = "],\"row_count\":\(summary.rowCount),\"truncated\":\(summary.truncated),\"engine\":"
        JSONValueWriter.writeString(summary.engine, into: &out)
        out += ",\"elapsed_ms\":" + String(format: "%.3f", summary.elapsedMilliseconds)
        for (key, json) in summary.extraFields {
            out += ","
            JSONValueWriter.writeString(key, into: &out)
            out += ":" + json
        }
        out += "}"
        return Array(out.utf8)
    }
}
