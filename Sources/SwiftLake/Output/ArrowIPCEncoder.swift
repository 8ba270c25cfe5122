import DuckDB

/// Apache Arrow IPC *stream* output (`application/vnd.apache.arrow.stream`), written from the
/// Arrow columnar format specification: a `Schema` message, one `RecordBatch` message per
/// ``RowBatch``, and the end-of-stream marker, each in the encapsulated message format
/// (continuation marker, int32 metadata length, flatbuffer `Message` padded to 8 bytes,
/// 8-byte aligned body), metadata version V5, little endian, no dictionaries or compression.
///
/// Column types follow DuckDB's own Arrow export (see `ArrowField.init(name:logicalType:)` for
/// the table). When a column has no ``ResultColumn/logicalType``, its type is read from
/// ``ResultColumn/type`` when that is a simple DuckDB type name, else inferred from the values
/// of the first batch (the schema is then written just before that batch), else it is `Utf8`
/// holding each value's text.
public struct ArrowIPCEncoder: ResultEncoder {
    private var columns: [ResultColumn] = []
    /// The schema's fields, once the `Schema` message has been written.
    private var fields: [ArrowField]?

    /// Creates an encoder.
    public init() {}

    /// The `Schema` message, or nothing when some column's type must wait for the first batch.
    public mutating func begin(columns: [ResultColumn]) -> [UInt8] {
        self.columns = columns
        fields = nil
        let known = columns.allSatisfy { $0.logicalType != nil || ArrowTypeInference.logicalType(named: $0.type) != nil }
        return known ? writeSchema(sample: nil) : []
    }

    /// One `RecordBatch` message (preceded by the `Schema` message if it was held back).
    public mutating func encode(_ batch: RowBatch) -> [UInt8] {
        var out = fields == nil ? writeSchema(sample: batch) : []
        if let chunk = batch.chunk {
            out += ArrowRecordBatchEncoder.message(fields: fields ?? [], chunk: chunk, length: batch.count)
            return out
        }
        let columnValues = (0..<(fields ?? []).count).map { index -> [Value] in
            // Guard against ragged input: every array must be exactly `count` long.
            let values = index < batch.columns.count ? batch.columns[index] : []
            if values.count == batch.count { return values }
            return Array(values.prefix(batch.count)) + Array(repeating: .null, count: max(0, batch.count - values.count))
        }
        out += ArrowRecordBatchEncoder.message(fields: fields ?? [], columns: columnValues, length: batch.count)
        return out
    }

    /// The end-of-stream marker (preceded by the `Schema` message if no batch came).
    public mutating func end(summary: ResultSummary) -> [UInt8] {
        (fields == nil ? writeSchema(sample: nil) : []) + ArrowMessage.endOfStream
    }

    /// Fixes the schema, from the columns and, for columns without a known type, `sample`'s
    /// values, and returns its message.
    private mutating func writeSchema(sample: RowBatch?) -> [UInt8] {
        let resolved = columns.enumerated().map { index, column -> ArrowField in
            let type = column.logicalType
                ?? ArrowTypeInference.logicalType(named: column.type)
                ?? sample.flatMap { batch in
                    index < batch.columns.count ? ArrowTypeInference.logicalType(of: batch.columns[index]) : nil
                }
                ?? .varchar
            return ArrowField(name: column.name, logicalType: type)
        }
        fields = resolved
        var builder = FlatBufferBuilder()
        let schema = ArrowSchemaEncoder.writeSchema(resolved, into: &builder)
        return ArrowMessage.encapsulate(header: schema, type: .schema, body: [], builder: &builder)
    }
}
