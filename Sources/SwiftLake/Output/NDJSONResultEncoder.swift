/// One JSON object per row (`{"column": value, …}`), one row per line.
public struct NDJSONResultEncoder: ResultEncoder {
    private var keys: [String] = []

    /// Creates an encoder.
    public init() {}

    public mutating func begin(columns: [ResultColumn]) -> [UInt8] {
        keys = columns.map { column in
            var key = ""
            JSONValueWriter.writeString(column.name, into: &key)
            return key
        }
        return []
    }

    public mutating func encode(_ batch: RowBatch) -> [UInt8] {
        var out = ""
        for r in 0..<batch.count {
            out += "{"
            for c in 0..<batch.columns.count {
                if c > 0 { out += "," }
                out += keys[c] + ":"
                JSONValueWriter.write(batch.columns[c][r], into: &out)
            }
            out += "}\n"
        }
        return Array(out.utf8)
    }

    public mutating func end(summary: ResultSummary) -> [UInt8] { [] }
}
