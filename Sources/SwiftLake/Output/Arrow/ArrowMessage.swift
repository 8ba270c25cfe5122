/// Frames flatbuffer `Message`s (Message.fbs) as the IPC format's encapsulated messages:
/// the 0xFFFFFFFF continuation marker, the int32 length of the metadata (padded so the body
/// starts 8-byte aligned), the metadata, then the body.
enum ArrowMessage {
    /// `MetadataVersion.V5`.
    static let metadataVersion: Int16 = 4

    /// The `MessageHeader` union's member numbers.
    enum HeaderType: UInt8 {
        case schema = 1
        case dictionaryBatch = 2
        case recordBatch = 3
    }

    /// The end-of-stream marker: a continuation marker and a zero metadata length.
    static let endOfStream: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]

    /// Writes the `Message` table around `header`, finishes `builder`, and frames it with `body`
    /// (already padded to a multiple of 8 bytes).
    static func encapsulate(
        header: FlatBufferBuilder.Offset, type: HeaderType, body: [UInt8], builder: inout FlatBufferBuilder
    ) -> [UInt8] {
        precondition(body.count % 8 == 0, "ArrowMessage: the body must be padded to 8 bytes")
        var out = frame(header: header, type: type, bodyLength: body.count, builder: &builder, reserving: body.count)
        out.append(contentsOf: body)
        return out
    }

    /// Writes the `Message` table around `header`, finishes `builder`, and returns what comes
    /// before a body of `bodyLength` bytes (a multiple of 8): the continuation marker, the
    /// metadata length and the metadata, padded so the body starts 8-byte aligned. The array
    /// has room for `reserving` more bytes.
    static func frame(
        header: FlatBufferBuilder.Offset, type: HeaderType, bodyLength: Int, builder: inout FlatBufferBuilder,
        reserving: Int = 0
    ) -> [UInt8] {
        precondition(bodyLength % 8 == 0, "ArrowMessage: the body must be padded to 8 bytes")
        builder.startTable()
        builder.add(slot: 3, Int64(bodyLength))  // bodyLength
        builder.add(slot: 2, header)
        builder.add(slot: 0, metadataVersion)
        builder.add(slot: 1, type.rawValue)  // header_type
        let message = builder.endTable()
        let metadata = builder.finish(root: message)

        let padding = (8 - (8 + metadata.count) % 8) % 8
        var out: [UInt8] = []
        out.reserveCapacity(8 + metadata.count + padding + reserving)
        out.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF])
        ArrowBody.appendLittleEndian(Int32(metadata.count + padding), to: &out)
        out.append(contentsOf: metadata)
        out.append(contentsOf: repeatElement(0, count: padding))
        return out
    }
}
