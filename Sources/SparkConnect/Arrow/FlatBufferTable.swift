/// A read-only view of one table of a FlatBuffers buffer, enough to read Arrow's IPC
/// metadata (`Message.fbs`, `Schema.fbs`) by hand.
///
/// FlatBuffers layout (all little-endian): the buffer starts with a `uint32` offset to
/// the root table. A table starts with an `int32` that, subtracted from the table's
/// position, gives its vtable: `uint16` vtable size, `uint16` table size, then one
/// `uint16` per field, the field's offset from the table's start (0: absent, use the
/// default). Scalars are stored inline; tables, strings and vectors through a `uint32`
/// offset relative to where that offset is stored. A vector or string is a `uint32`
/// count followed by its elements (strings: UTF-8 bytes and a NUL). A union is two
/// fields: the type (`uint8`) then the value (a table offset).
struct FlatBufferTable {
    let bytes: [UInt8]
    let position: Int
    private let vtable: Int
    private let vtableSize: Int

    /// The root table of `bytes`.
    static func root(of bytes: [UInt8]) throws -> FlatBufferTable {
        let offset = Int(try bytes.littleEndian(UInt32.self, at: 0))
        return try FlatBufferTable(bytes: bytes, position: offset)
    }

    init(bytes: [UInt8], position: Int) throws {
        self.bytes = bytes
        self.position = position
        let back = Int(try bytes.littleEndian(Int32.self, at: position))
        vtable = position - back
        vtableSize = Int(try bytes.littleEndian(UInt16.self, at: vtable))
        guard vtableSize >= 4, vtable + vtableSize <= bytes.count else {
            throw ArrowDecodingError.malformed("a FlatBuffers vtable is out of bounds")
        }
    }

    /// The absolute position of field `index`, or nil when it is absent.
    private func fieldPosition(_ index: Int) throws -> Int? {
        let entry = 4 + 2 * index
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(try bytes.littleEndian(UInt16.self, at: vtable + entry))
        return offset == 0 ? nil : position + offset
    }

    func has(_ index: Int) throws -> Bool { try fieldPosition(index) != nil }

    func scalar<T: FixedWidthInteger>(_ index: Int, default value: T) throws -> T {
        guard let at = try fieldPosition(index) else { return value }
        return try bytes.littleEndian(T.self, at: at)
    }

    func bool(_ index: Int, default value: Bool = false) throws -> Bool {
        try scalar(index, default: UInt8(value ? 1 : 0)) != 0
    }

    /// Where the offset stored at `at` points.
    private func target(_ at: Int) throws -> Int {
        at + Int(try bytes.littleEndian(UInt32.self, at: at))
    }

    func table(_ index: Int) throws -> FlatBufferTable? {
        guard let at = try fieldPosition(index) else { return nil }
        return try FlatBufferTable(bytes: bytes, position: try target(at))
    }

    func string(_ index: Int) throws -> String? {
        guard let at = try fieldPosition(index) else { return nil }
        let start = try target(at)
        let count = Int(try bytes.littleEndian(UInt32.self, at: start))
        guard start + 4 + count <= bytes.count else {
            throw ArrowDecodingError.malformed("a FlatBuffers string is out of bounds")
        }
        return String(decoding: bytes[(start + 4)..<(start + 4 + count)], as: UTF8.self)
    }

    /// The tables of a vector of tables (empty when absent).
    func tables(_ index: Int) throws -> [FlatBufferTable] {
        guard let at = try fieldPosition(index) else { return [] }
        let start = try target(at)
        let count = Int(try bytes.littleEndian(UInt32.self, at: start))
        guard count >= 0, start + 4 + 4 * count <= bytes.count else {
            throw ArrowDecodingError.malformed("a FlatBuffers vector is out of bounds")
        }
        return try (0..<count).map { i in
            try FlatBufferTable(bytes: bytes, position: try target(start + 4 + 4 * i))
        }
    }

    /// A vector of structs of `Int64` fields (`FieldNode`, `Buffer`: `fieldsPerStruct` longs each).
    func int64Structs(_ index: Int, fieldsPerStruct: Int) throws -> [[Int64]] {
        guard let at = try fieldPosition(index) else { return [] }
        let start = try target(at)
        let count = Int(try bytes.littleEndian(UInt32.self, at: start))
        let size = 8 * fieldsPerStruct
        guard count >= 0, start + 4 + size * count <= bytes.count else {
            throw ArrowDecodingError.malformed("a FlatBuffers vector of structs is out of bounds")
        }
        // Structs in a vector are aligned to their size: the elements start 8-aligned.
        return try (0..<count).map { i in
            try (0..<fieldsPerStruct).map { f in
                try bytes.littleEndian(Int64.self, at: start + 4 + size * i + 8 * f)
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// The little-endian `T` at byte `offset`, bounds-checked.
    func littleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) throws -> T {
        guard offset >= 0, offset + MemoryLayout<T>.size <= count else {
            throw ArrowDecodingError.malformed("a read at byte \(offset) is out of bounds (\(count) bytes)")
        }
        return withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
