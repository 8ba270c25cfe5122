import DuckDB

/// Writes one batch of rows as an encapsulated `RecordBatch` message.
enum ArrowRecordBatchEncoder {
    /// The `RecordBatch` message for `columns` (one value array per field, each `length` long).
    static func message(fields: [ArrowField], columns: [[Value]], length: Int) -> [UInt8] {
        var body = ArrowBody()
        for (field, values) in zip(fields, columns) {
            ArrowColumnWriter.write(values, as: field, into: &body)
        }
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
