/// Decodes Arrow IPC streams ("Arrow columnar format", IPC streaming format) into
/// ``ArrowRecordBatch``es, written from the format's specification.
///
/// A stream is a sequence of encapsulated messages: a `0xFFFFFFFF` continuation marker
/// (absent in the pre-1.0 format), an `int32` metadata length, a FlatBuffers `Message`
/// padded to 8 bytes, then the message body (`Message.bodyLength` bytes). The first message
/// is the `Schema`; each `RecordBatch` after it lists its field nodes (length, null count)
/// and body buffers (offset, length) depth-first in schema order. A zero length ends the
/// stream.
///
/// Spark Connect sends each `ArrowBatch` as a complete stream (schema, then batches). The
/// decoder keeps the last schema, so it also reads chunks that carry only record batches.
/// Not read (``ArrowDecodingError/unsupported(_:)``): compressed bodies, dictionaries,
/// unions, view and run-end-encoded types, big-endian data.
public struct ArrowStreamDecoder: Sendable {
    /// The schema of the last stream decoded.
    public private(set) var schema: ArrowSchema?

    public init() {}

    /// Decodes one stream (or a chunk of messages of one) held in `bytes`, returning its
    /// record batches in order.
    public mutating func decode(_ bytes: [UInt8]) throws -> [ArrowRecordBatch] {
        var batches: [ArrowRecordBatch] = []
        var position = 0
        while position < bytes.count {
            guard position + 4 <= bytes.count else {
                throw ArrowDecodingError.malformed("truncated message header at byte \(position)")
            }
            var length = Int(try bytes.littleEndian(Int32.self, at: position))
            position += 4
            if length == -1 {  // continuation marker, then the length
                length = Int(try bytes.littleEndian(Int32.self, at: position))
                position += 4
            }
            if length == 0 { break }  // end of stream
            guard length > 0, position + length <= bytes.count else {
                throw ArrowDecodingError.malformed("message metadata of \(length) bytes at byte \(position) overruns the stream")
            }
            let metadata = Array(bytes[position..<(position + length)])
            position += length
            // Message { version: short = 0; header_type: ubyte = 1; header = 2; bodyLength: long = 3 }
            let message = try FlatBufferTable.root(of: metadata)
            let headerType: UInt8 = try message.scalar(1, default: 0)
            let bodyLength = Int(try message.scalar(3, default: Int64(0)))
            guard bodyLength >= 0, position + bodyLength <= bytes.count else {
                throw ArrowDecodingError.malformed("a message body of \(bodyLength) bytes overruns the stream")
            }
            let bodyStart = position
            position += bodyLength
            guard let header = try message.table(2) else {
                throw ArrowDecodingError.malformed("a message without a header")
            }
            switch headerType {
            case 1:
                schema = try ArrowSchema(flatBuffer: header)
            case 2:
                throw ArrowDecodingError.unsupported("dictionary batches")
            case 3:
                guard let schema else {
                    throw ArrowDecodingError.malformed("a record batch before any schema")
                }
                var reader = try RecordBatchBodyReader(batch: header, bytes: bytes, bodyStart: bodyStart, bodyLength: bodyLength)
                batches.append(try reader.batch(schema: schema))
            default:
                throw ArrowDecodingError.unsupported("message type \(headerType) (tensors)")
            }
        }
        return batches
    }

    /// Decodes a whole stream: its schema and its record batches.
    public static func decodeStream(_ bytes: [UInt8]) throws -> (schema: ArrowSchema, batches: [ArrowRecordBatch]) {
        var decoder = ArrowStreamDecoder()
        let batches = try decoder.decode(bytes)
        guard let schema = decoder.schema else {
            throw ArrowDecodingError.malformed("the stream has no schema")
        }
        return (schema, batches)
    }
}
