/// The body of one record batch being built: the buffers laid end to end (each padded to
/// 8 bytes), plus the `FieldNode`s and `Buffer`s that the RecordBatch metadata lists for it,
/// both in the pre-order of the schema's field tree.
struct ArrowBody {
    /// The body bytes; always a multiple of 8 long.
    private(set) var bytes: [UInt8] = []
    /// `(length, null_count)` of each field node.
    private(set) var nodes: [[Int64]] = []
    /// `(offset, length)` of each buffer, relative to the start of the body.
    private(set) var buffers: [[Int64]] = []

    /// Records the node of the next field in pre-order.
    mutating func addNode(length: Int, nullCount: Int) {
        nodes.append([Int64(length), Int64(nullCount)])
    }

    /// Appends a zero-length buffer (e.g. the validity bitmap of a field without nulls).
    mutating func addEmptyBuffer() {
        buffers.append([Int64(bytes.count), 0])
    }

    /// Appends a buffer whose bytes `write` appends, then pads the body to 8 bytes.
    mutating func addBuffer(_ write: (inout [UInt8]) -> Void) {
        let start = bytes.count
        write(&bytes)
        buffers.append([Int64(start), Int64(bytes.count - start)])
        let misalignment = bytes.count % 8
        if misalignment != 0 {
            bytes.append(contentsOf: repeatElement(0, count: 8 - misalignment))
        }
    }

    /// Reserves room for `byteCount` more body bytes.
    mutating func reserve(_ byteCount: Int) {
        bytes.reserveCapacity(bytes.count + byteCount)
    }

    /// Appends a buffer of `byteCount` bytes, zeroed and then filled in place by `fill`, then
    /// pads the body to 8 bytes.
    mutating func addBuffer(byteCount: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        let start = bytes.count
        let padded = (byteCount + 7) & ~7
        bytes.append(contentsOf: repeatElement(0, count: padded))
        bytes.withUnsafeMutableBytes { all in
            fill(UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + byteCount)]))
        }
        buffers.append([Int64(start), Int64(byteCount)])
    }

    /// Appends a validity bitmap for `valid` (bit `i` set when slot `i` holds a value), or an
    /// empty buffer when every slot is valid, as the format allows. Returns the null count.
    @discardableResult
    mutating func addValidity(_ valid: [Bool]) -> Int {
        let nullCount = valid.reduce(0) { $0 + ($1 ? 0 : 1) }
        if nullCount == 0 {
            addEmptyBuffer()
        } else {
            addBitmap(valid)
        }
        return nullCount
    }

    /// Appends `bits` as a least-significant-bit-first bitmap.
    mutating func addBitmap(_ bits: [Bool]) {
        addBuffer { out in
            var byte: UInt8 = 0
            for (index, bit) in bits.enumerated() {
                if bit { byte |= 1 << UInt8(index % 8) }
                if index % 8 == 7 {
                    out.append(byte)
                    byte = 0
                }
            }
            if bits.count % 8 != 0 { out.append(byte) }
        }
    }

    /// Appends `value` to `out` in little-endian byte order.
    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
}
