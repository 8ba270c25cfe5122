import DuckDB

/// Writes one batch of rows as an encapsulated `RecordBatch` message.
enum ArrowRecordBatchEncoder {
    /// The `RecordBatch` message for `columns` (one value array per field, each `length` long).
    static func message(fields: [ArrowField], columns: [[Value]], length: Int) -> [UInt8] {
        var body = ArrowBody()
        for (field, values) in zip(fields, columns) {
            ArrowColumnWriter.write(values, as: field, into: &body)
        }
        return message(body: body, length: length)
    }

    /// The `RecordBatch` message for the first `length` rows of `chunk` (one column per field),
    /// copied column by column from DuckDB's vectors (see ``ArrowChunkWriter``).
    static func message(fields: [ArrowField], chunk: RawChunk, length: Int) -> [UInt8] {
        var body = ArrowBody()
        // Roughly: validity plus 8 bytes a slot, plus string bytes; grows if short.
        body.reserve(fields.count * (length * 9 + 64) + 16 * length)
        for (index, field) in fields.enumerated() {
            if index < chunk.columnCount {
                ArrowChunkWriter.write(chunk, column: index, length: length, as: field, into: &body)
            } else {
                ArrowColumnWriter.write(Array(repeating: .null, count: length), as: field, into: &body)
            }
        }
        return message(body: body, length: length)
    }

    /// Frames a finished body as a `RecordBatch` message of `length` rows.
    private static func message(body: ArrowBody, length: Int) -> [UInt8] {
        var builder = FlatBufferBuilder(capacity: 64 + 16 * (body.nodes.count + body.buffers.count))
        let nodes = builder.createVector(structsOfInt64: body.nodes)
        let buffers = builder.createVector(structsOfInt64: body.buffers)
        builder.startTable()
        builder.add(slot: 0, Int64(length))
        builder.add(slot: 1, nodes)
        builder.add(slot: 2, buffers)
        let header = builder.endTable()
        return ArrowMessage.encapsulate(header: header, type: .recordBatch, body: body.bytes, builder: &builder)
    }
}
