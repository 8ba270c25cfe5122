import DuckDB

/// Lays out record batches: the body (``ArrowBodyPlan``) and the `RecordBatch` message
/// framing it.
enum ArrowRecordBatchEncoder {
    /// The body for `columns` (one value array per field, each `length` long).
    static func plan(fields: [ArrowField], columns: [[Value]], length: Int) -> ArrowBodyPlan {
        var body = ArrowBody()
        for (field, values) in zip(fields, columns) {
            ArrowColumnWriter.write(values, as: field, into: &body)
        }
        var plan = ArrowBodyPlan()
        plan.add(body)
        return plan
    }

    /// The body for the rows of `segments` (DuckDB chunks, one column per field, their rows
    /// one after the other), copied column by column from DuckDB's vectors when it is
    /// written (see ``ArrowChunkWriter``).
    static func plan(fields: [ArrowField], segments: [ArrowChunkWriter.Segment]) -> ArrowBodyPlan {
        var plan = ArrowBodyPlan()
        let length = segments.reduce(0) { $0 + $1.length }
        for (index, field) in fields.enumerated() {
            if segments.allSatisfy({ index < $0.chunk.columnCount }) {
                ArrowChunkWriter.write(segments, column: index, as: field, into: &plan)
            } else {
                var body = ArrowBody()
                ArrowColumnWriter.write(Array(repeating: .null, count: length), as: field, into: &body)
                plan.add(body)
            }
        }
        return plan
    }

    /// What precedes `plan`'s body in the `RecordBatch` message of `length` rows.
    static func frame(_ plan: ArrowBodyPlan, length: Int) -> [UInt8] {
        var builder = FlatBufferBuilder(capacity: 64 + 16 * (plan.nodes.count + plan.buffers.count))
        let nodes = builder.createVector(structsOfInt64: plan.nodes)
        let buffers = builder.createVector(structsOfInt64: plan.buffers)
        builder.startTable()
        builder.add(slot: 0, Int64(length))
        builder.add(slot: 1, nodes)
        builder.add(slot: 2, buffers)
        let header = builder.endTable()
        return ArrowMessage.frame(header: header, type: .recordBatch, bodyLength: plan.length, builder: &builder)
    }
}
