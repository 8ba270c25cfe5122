/// The body of one record batch, laid out before it is written: the `FieldNode`s and
/// `Buffer`s that the RecordBatch metadata lists (in the pre-order of the schema's field
/// tree), the body's length, and how to fill each buffer.
///
/// Laying out first lets the metadata be written before the body, and the body be written
/// once, straight into the memory it is sent from (``write(into:)``), instead of being
/// built in an array and copied.
struct ArrowBodyPlan {
    /// `(length, null_count)` of each field node.
    private(set) var nodes: [[Int64]] = []
    /// `(offset, length)` of each buffer, relative to the start of the body.
    private(set) var buffers: [[Int64]] = []
    /// The body's length: every buffer padded to 8 bytes.
    private(set) var length = 0
    /// Where each non-empty buffer goes and what writes it.
    private var fills: [(offset: Int, byteCount: Int, fill: (UnsafeMutableRawBufferPointer) -> Void)] = []

    /// Records the node of the next field in pre-order.
    mutating func addNode(length: Int, nullCount: Int) {
        nodes.append([Int64(length), Int64(nullCount)])
    }

    /// Adds a zero-length buffer (e.g. the validity bitmap of a field without nulls).
    mutating func addEmptyBuffer() {
        buffers.append([Int64(length), 0])
    }

    /// Adds a buffer of `byteCount` bytes; `fill` must write every one of them (the memory it
    /// gets is uninitialized).
    mutating func addBuffer(byteCount: Int, _ fill: @escaping (UnsafeMutableRawBufferPointer) -> Void) {
        buffers.append([Int64(length), Int64(byteCount)])
        if byteCount > 0 { fills.append((length, byteCount, fill)) }
        length += (byteCount + 7) & ~7
    }

    /// Adds two buffers, of `first` and `second` bytes, that one pass fills together (such as
    /// a string array's offsets and bytes); `fill` must write every byte of both.
    mutating func addBuffers(_ first: Int, _ second: Int,
                             _ fill: @escaping (UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer) -> Void) {
        let start = length
        let firstPadded = (first + 7) & ~7
        buffers.append([Int64(start), Int64(first)])
        buffers.append([Int64(start + firstPadded), Int64(second)])
        fills.append((start, firstPadded + second, { out in
            UnsafeMutableRawBufferPointer(rebasing: out[first..<firstPadded]).initializeMemory(as: UInt8.self, repeating: 0)
            fill(UnsafeMutableRawBufferPointer(rebasing: out[0..<first]),
                 UnsafeMutableRawBufferPointer(rebasing: out[firstPadded..<(firstPadded + second)]))
        }))
        length += firstPadded + ((second + 7) & ~7)
    }

    /// Adds the nodes and buffers of a body already written (by ``ArrowColumnWriter``).
    mutating func add(_ body: ArrowBody) {
        let start = length
        nodes += body.nodes
        buffers += body.buffers.map { [$0[0] + Int64(start), $0[1]] }
        let bytes = body.bytes
        if !bytes.isEmpty {
            fills.append((start, bytes.count, { out in
                bytes.withUnsafeBytes { out.copyMemory(from: $0) }
            }))
        }
        length += bytes.count
    }

    /// Writes the body into `out`, exactly ``length`` bytes (padding zeroed).
    func write(into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count == length, "ArrowBodyPlan: the body is \(length) bytes, not \(out.count)")
        var position = 0
        for (offset, byteCount, fill) in fills {
            if offset > position { UnsafeMutableRawBufferPointer(rebasing: out[position..<offset]).initializeMemory(as: UInt8.self, repeating: 0) }
            fill(UnsafeMutableRawBufferPointer(rebasing: out[offset..<(offset + byteCount)]))
            position = offset + byteCount
        }
        if length > position { UnsafeMutableRawBufferPointer(rebasing: out[position..<length]).initializeMemory(as: UInt8.self, repeating: 0) }
    }

    /// The body as bytes.
    var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            write(into: UnsafeMutableRawBufferPointer(buffer))
            count = length
        }
    }
}
