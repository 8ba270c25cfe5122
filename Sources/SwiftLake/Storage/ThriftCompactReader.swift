/// Reads Thrift's compact protocol (as Parquet footers are written), written from the
/// Thrift specification: only what reading Parquet's `FileMetaData` needs, and skipping of
/// every other field so newer footers still read.
struct ThriftCompactReader {
    /// Compact protocol type codes.
    enum FieldType: UInt8 {
        case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7,
             binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private let bytes: [UInt8]
    private(set) var position: Int
    /// Nesting depth, bounded so a corrupt footer cannot recurse without end.
    private var depth = 0

    init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Malformed(description: "the footer ends inside a value") }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned LEB128 varint.
    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Malformed(description: "a varint is longer than 64 bits") }
            result |= UInt64(next & 0x7f) << shift
            if next & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// A zigzag-encoded varint (i16, i32, i64).
    mutating func integer() throws -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func binary() throws -> [UInt8] {
        let count = try varint()
        guard count <= UInt64(bytes.count - position) else { throw Malformed(description: "a string runs past the footer") }
        defer { position += Int(count) }
        return Array(bytes[position..<position + Int(count)])
    }

    mutating func string() throws -> String {
        String(decoding: try binary(), as: UTF8.self)
    }

    /// The next field header of a struct: its id and type, or nil at the struct's end.
    /// `last` is the previous field's id (ids are delta-encoded).
    mutating func fieldHeader(last: inout Int16) throws -> (id: Int16, type: FieldType)? {
        let header = try byte()
        guard let type = FieldType(rawValue: header & 0x0f) else {
            throw Malformed(description: "unknown field type \(header & 0x0f)")
        }
        if type == .stop { return nil }
        let delta = header >> 4
        if delta == 0 {
            let id = try integer()
            guard let narrow = Int16(exactly: id) else { throw Malformed(description: "field id \(id) out of range") }
            last = narrow
        } else {
            last &+= Int16(delta)
        }
        return (last, type)
    }

    /// A list or set header: element count and element type.
    mutating func listHeader() throws -> (count: Int, type: FieldType) {
        let header = try byte()
        var count = UInt64(header >> 4)
        if count == 15 { count = try varint() }
        guard let type = FieldType(rawValue: header & 0x0f) else {
            throw Malformed(description: "unknown list element type \(header & 0x0f)")
        }
        // Every element takes at least one byte.
        guard count <= UInt64(bytes.count - position) else { throw Malformed(description: "a list of \(count) runs past the footer") }
        return (Int(count), type)
    }

    /// Reads the fields of a struct, handing each to `field`, which reads the value or
    /// returns false to have it skipped.
    mutating func readStruct(_ field: (inout ThriftCompactReader, Int16, FieldType) throws -> Bool) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw Malformed(description: "structures nested too deep") }
        var last: Int16 = 0
        while let (id, type) = try fieldHeader(last: &last) {
            if try !field(&self, id, type) { try skip(type) }
        }
    }

    /// Reads a list, handing each element to `element`.
    mutating func readList(_ element: (inout ThriftCompactReader, FieldType) throws -> Void) throws {
        let (count, type) = try listHeader()
        for _ in 0..<count { try element(&self, type) }
    }

    /// Skips one value of `type`.
    mutating func skip(_ type: FieldType) throws {
        switch type {
        case .stop: throw Malformed(description: "a stop where a value should be")
        case .boolTrue, .boolFalse: return   // a struct field's boolean is in its header
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double:
            guard bytes.count - position >= 8 else { throw Malformed(description: "a double runs past the footer") }
            position += 8
        case .binary: _ = try binary()
        case .list, .set:
            let (count, element) = try listHeader()
            for _ in 0..<count {
                // Booleans in a list take one byte each.
                if element == .boolTrue || element == .boolFalse { _ = try byte() } else { try skip(element) }
            }
        case .map:
            let count = try varint()
            guard count > 0 else { return }
            let types = try byte()
            guard let key = FieldType(rawValue: types >> 4), let value = FieldType(rawValue: types & 0x0f) else {
                throw Malformed(description: "unknown map types \(types)")
            }
            guard count <= UInt64(bytes.count - position) else { throw Malformed(description: "a map runs past the footer") }
            for _ in 0..<count {
                if key == .boolTrue || key == .boolFalse { _ = try byte() } else { try skip(key) }
                if value == .boolTrue || value == .boolFalse { _ = try byte() } else { try skip(value) }
            }
        case .structure:
            try readStruct { _, _, _ in false }
        }
    }
}
