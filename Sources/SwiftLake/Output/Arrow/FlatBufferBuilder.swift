/// A minimal FlatBuffers writer: just what Arrow's `Schema.fbs` and `Message.fbs` need
/// (tables with scalar, offset and union fields; strings; vectors of offsets, of scalars
/// and of fixed-size structs).
///
/// FlatBuffers are written back to front: an object's children are written before the
/// object, so that every `uoffset` points forward. The bytes are kept in `reversed`, last
/// byte of the final buffer first; an ``Offset`` is a position counted from the end of the
/// finished buffer, which never changes as more is written in front.
struct FlatBufferBuilder {
    /// A written object, as its distance from the end of the buffer.
    struct Offset: Equatable {
        let fromEnd: Int
    }

    /// The buffer so far, in reverse byte order.
    private var reversed: [UInt8] = []
    /// The largest alignment any written value asked for.
    private var minAlignment = 1
    /// Fields of the table being built: slot and the position of the field's end.
    private var tableFields: [(slot: Int, fromEnd: Int)] = []
    /// `size` when the current table was started, or `nil` outside a table.
    private var tableStart: Int?

    /// Bytes written so far.
    var size: Int { reversed.count }

    init(capacity: Int = 1024) {
        reversed.reserveCapacity(capacity)
    }

    // MARK: Raw writing

    /// Pads so that after `additional` more bytes the size is a multiple of `alignment`.
    private mutating func prepare(alignment: Int, additional: Int) {
        minAlignment = max(minAlignment, alignment)
        let misalignment = (size + additional) % alignment
        if misalignment != 0 {
            reversed.append(contentsOf: repeatElement(0, count: alignment - misalignment))
        }
    }

    /// Writes a little-endian integer, aligned to its own size.
    private mutating func push<T: FixedWidthInteger>(_ value: T) {
        prepare(alignment: MemoryLayout<T>.size, additional: 0)
        pushUnaligned(value)
    }

    /// Writes a little-endian integer where it stands (the caller has aligned).
    private mutating func pushUnaligned<T: FixedWidthInteger>(_ value: T) {
        // The reversed buffer takes the most significant byte first.
        var bits = value.littleEndian
        withUnsafeBytes(of: &bits) { raw in
            for byte in raw.reversed() { reversed.append(byte) }
        }
    }

    /// Writes a `uoffset` to `target`, measured from the offset's own position.
    private mutating func pushOffset(_ target: Offset) {
        prepare(alignment: 4, additional: 0)
        precondition(target.fromEnd <= size, "FlatBufferBuilder: an offset must point to something already written")
        pushUnaligned(UInt32(size + 4 - target.fromEnd))
    }

    // MARK: Strings and vectors

    /// Writes a string (UTF-8, zero-terminated, length-prefixed).
    mutating func createString(_ text: String) -> Offset {
        let bytes = Array(text.utf8)
        prepare(alignment: 4, additional: bytes.count + 1)
        reversed.append(0)
        reversed.append(contentsOf: bytes.reversed())
        pushUnaligned(UInt32(bytes.count))
        return Offset(fromEnd: size)
    }

    /// Writes a vector of offsets to already written objects.
    mutating func createVector(offsets: [Offset]) -> Offset {
        prepare(alignment: 4, additional: 4 * offsets.count)
        for offset in offsets.reversed() { pushOffset(offset) }
        pushUnaligned(UInt32(offsets.count))
        return Offset(fromEnd: size)
    }

    /// Writes a vector of structs made of 64-bit integers (Arrow's `FieldNode` and `Buffer`:
    /// two `long`s each); `structs[i]` lists the struct's fields in declaration order.
    mutating func createVector(structsOfInt64 structs: [[Int64]]) -> Offset {
        let fieldCount = structs.first?.count ?? 0
        prepare(alignment: 4, additional: 8 * fieldCount * structs.count)
        prepare(alignment: 8, additional: 8 * fieldCount * structs.count)
        for element in structs.reversed() {
            for field in element.reversed() { pushUnaligned(field) }
        }
        pushUnaligned(UInt32(structs.count))
        return Offset(fromEnd: size)
    }

    // MARK: Tables

    /// Starts a table; add its fields, then call ``endTable()``.
    mutating func startTable() {
        precondition(tableStart == nil, "FlatBufferBuilder: tables cannot be nested while being built")
        tableStart = size
        tableFields = []
    }

    /// Adds a scalar field.
    mutating func add<T: FixedWidthInteger>(slot: Int, _ value: T) {
        push(value)
        tableFields.append((slot, size))
    }

    /// Adds a `bool` field.
    mutating func add(slot: Int, _ value: Bool) {
        add(slot: slot, UInt8(value ? 1 : 0))
    }

    /// Adds a field holding an offset to a string, vector or table.
    mutating func add(slot: Int, _ offset: Offset) {
        pushOffset(offset)
        tableFields.append((slot, size))
    }

    /// Finishes the table and writes its vtable in front of it.
    mutating func endTable() -> Offset {
        guard let start = tableStart else { preconditionFailure("FlatBufferBuilder: endTable without startTable") }
        // The table begins with an soffset to its vtable, patched below.
        push(Int32(0))
        let tableEnd = size
        let slotCount = (tableFields.map(\.slot).max() ?? -1) + 1
        var slots = [UInt16](repeating: 0, count: slotCount)
        for field in tableFields {
            // Field position inside the table, counted from the table's first byte.
            slots[field.slot] = UInt16(tableEnd - field.fromEnd)
        }
        // The vtable: its own size, the table's size, then one entry per slot (back to front).
        for entry in slots.reversed() { push(entry) }
        push(UInt16(tableEnd - start))
        push(UInt16(4 + 2 * slotCount))
        let vtableEnd = size
        // soffset = table position - vtable position, positive because the vtable is in front.
        patchInt32(atFromEnd: tableEnd, Int32(vtableEnd - tableEnd))
        tableStart = nil
        tableFields = []
        return Offset(fromEnd: tableEnd)
    }

    /// Overwrites the 4-byte integer whose first byte lies `fromEnd` bytes before the end.
    private mutating func patchInt32(atFromEnd fromEnd: Int, _ value: Int32) {
        let bits = UInt32(bitPattern: value)
        for byteIndex in 0..<4 {
            // The least significant byte has the lowest address, i.e. the largest reversed index.
            reversed[fromEnd - 1 - byteIndex] = UInt8(truncatingIfNeeded: bits >> (8 * UInt32(byteIndex)))
        }
    }

    // MARK: Finishing

    /// Writes the root offset and returns the finished buffer.
    mutating func finish(root: Offset) -> [UInt8] {
        prepare(alignment: max(minAlignment, 4), additional: 4)
        pushOffset(root)
        return reversed.reversed()
    }
}
