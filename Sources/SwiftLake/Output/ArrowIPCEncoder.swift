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
        encodeMessages([batch]).reduce(into: []) { $0 += $1.bytes }
    }

    /// The rows of `batches`, in order, as few `RecordBatch` messages as possible: one for
    /// each run of batches of the same kind (DuckDB chunks, or values), laid out but not yet
    /// written, so that a caller writes each body once, straight into the memory it sends
    /// from (``ArrowEncodedMessage/writeBody(into:)``). The first message is preceded by the
    /// `Schema` message if it was held back.
    ///
    /// Bigger record batches cost less to write and to read: a client handles each message
    /// and each of its buffers on its own.
    public mutating func encodeMessages(_ batches: [RowBatch]) -> [ArrowEncodedMessage] {
        var prefix = fields == nil && !batches.isEmpty ? writeSchema(sample: batches[0]) : []
        let fields = self.fields ?? []
        var messages: [ArrowEncodedMessage] = []
        var start = 0
        while start < batches.count {
            let columnar = batches[start].chunk != nil
            var end = start + 1
            while end < batches.count && (batches[end].chunk != nil) == columnar { end += 1 }
            let run = batches[start..<end]
            let length = run.reduce(0) { $0 + $1.count }
            let plan: ArrowBodyPlan
            if columnar {
                plan = ArrowRecordBatchEncoder.plan(fields: fields, segments: run.map {
                    ArrowChunkWriter.Segment(chunk: $0.chunk!, length: $0.count)
                })
            } else {
                let columnValues = (0..<fields.count).map { index -> [Value] in
                    var values: [Value] = []
                    values.reserveCapacity(length)
                    for batch in run {
                        // Guard against ragged input: every array must be exactly `count` long.
                        let column = index < batch.columns.count ? batch.columns[index] : []
                        if column.count == batch.count {
                            values += column
                        } else {
                            values += Array(column.prefix(batch.count)) + Array(repeating: .null, count: max(0, batch.count - column.count))
                        }
                    }
                    return values
                }
                plan = ArrowRecordBatchEncoder.plan(fields: fields, columns: columnValues, length: length)
            }
            prefix += ArrowRecordBatchEncoder.frame(plan, length: length)
            messages.append(ArrowEncodedMessage(header: prefix, body: plan))
            prefix = []
            start = end
        }
        return messages
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

/// A `RecordBatch` message laid out but whose body is not written yet (see
/// ``ArrowIPCEncoder/encodeMessages(_:)``): ``header`` (the bytes before the body, including
/// a `Schema` message before the first batch) then ``bodyLength`` bytes that
/// ``writeBody(into:)`` writes. It reads the batches' DuckDB chunks, which it keeps alive.
public struct ArrowEncodedMessage: @unchecked Sendable {
    /// The bytes before the body.
    public let header: [UInt8]
    let body: ArrowBodyPlan

    /// The length of the body (a multiple of 8).
    public var bodyLength: Int { body.length }
    /// The message's length: header and body.
    public var byteCount: Int { header.count + body.length }

    /// Writes the body into `out`, which must be exactly ``bodyLength`` bytes.
    public func writeBody(into out: UnsafeMutableRawBufferPointer) {
        body.write(into: out)
    }

    /// The whole message as bytes.
    public var bytes: [UInt8] {
        var out = header
        out.reserveCapacity(byteCount)
        out += body.bytes
        return out
    }
}
