/// Reads one `RecordBatch` message's body into columns.
///
/// `RecordBatch { length: long = 0; nodes: [FieldNode] = 1; buffers: [Buffer] = 2;
/// compression: BodyCompression = 3 }`, `FieldNode { length: long; null_count: long }`,
/// `Buffer { offset: long; length: long }` (offsets relative to the body). Fields are
/// visited depth-first; each takes one node and its type's buffers: none for `null`;
/// validity then values for fixed-width types and booleans (bit-packed); validity, offsets,
/// data for (large) binary and strings; validity and offsets for (large) lists and maps,
/// then the child; validity only for structs and fixed-size lists, then the children.
struct RecordBatchBodyReader {
    private let bytes: [UInt8]
    private let bodyStart: Int
    private let bodyLength: Int
    private let length: Int
    private let nodes: [[Int64]]
    private let buffers: [[Int64]]
    private var nodeIndex = 0
    private var bufferIndex = 0

    init(batch: FlatBufferTable, bytes: [UInt8], bodyStart: Int, bodyLength: Int) throws {
        if try batch.has(3) {
            throw ArrowDecodingError.unsupported("compressed record batch bodies (LZ4/ZSTD); "
                + "turn Arrow compression off on the server")
        }
        self.bytes = bytes
        self.bodyStart = bodyStart
        self.bodyLength = bodyLength
        length = Int(try batch.scalar(0, default: Int64(0)))
        nodes = try batch.int64Structs(1, fieldsPerStruct: 2)
        buffers = try batch.int64Structs(2, fieldsPerStruct: 2)
    }

    mutating func batch(schema: ArrowSchema) throws -> ArrowRecordBatch {
        let columns = try schema.fields.map { try column($0) }
        for column in columns where column.count != length {
            throw ArrowDecodingError.malformed("column '\(column.field.name)' has \(column.count) rows, the batch \(length)")
        }
        return ArrowRecordBatch(schema: schema, rowCount: length, columns: columns)
    }

    private mutating func nextNode(_ field: ArrowField) throws -> (length: Int, nullCount: Int) {
        guard nodeIndex < nodes.count else {
            throw ArrowDecodingError.malformed("no field node left for '\(field.name)'")
        }
        let node = nodes[nodeIndex]
        nodeIndex += 1
        guard node[0] >= 0, node[1] >= 0, node[1] <= node[0] else {
            throw ArrowDecodingError.malformed("field '\(field.name)' has length \(node[0]) and null count \(node[1])")
        }
        return (Int(node[0]), Int(node[1]))
    }

    /// The next buffer as an absolute byte range of `bytes`.
    private mutating func nextBuffer(_ field: ArrowField) throws -> Range<Int> {
        guard bufferIndex < buffers.count else {
            throw ArrowDecodingError.malformed("no buffer left for '\(field.name)'")
        }
        let buffer = buffers[bufferIndex]
        bufferIndex += 1
        guard buffer[0] >= 0, buffer[1] >= 0, buffer[0] + buffer[1] <= Int64(bodyLength) else {
            throw ArrowDecodingError.malformed("a buffer of '\(field.name)' lies outside the body")
        }
        return (bodyStart + Int(buffer[0]))..<(bodyStart + Int(buffer[0] + buffer[1]))
    }

    /// `count` values of `T` from the start of `range`.
    private func copy<T>(_ range: Range<Int>, count: Int, as _: T.Type, field: ArrowField) throws -> [T] {
        let size = count * MemoryLayout<T>.stride
        guard size <= range.count else {
            throw ArrowDecodingError.malformed("field '\(field.name)' needs \(size) bytes, its buffer has \(range.count)")
        }
        return [T](unsafeUninitializedCapacity: count) { destination, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(destination).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[range.lowerBound..<(range.lowerBound + size)]))
            }
            initialized = count
        }
    }

    private func bitmapBytes(_ range: Range<Int>, count: Int, field: ArrowField) throws -> [UInt8] {
        let size = (count + 7) / 8
        guard size <= range.count else {
            throw ArrowDecodingError.malformed("the bitmap of '\(field.name)' is too short")
        }
        return Array(bytes[range.lowerBound..<(range.lowerBound + size)])
    }

    /// `count + 1` offsets (32- or 64-bit), checked to be non-decreasing and within `limit`.
    private func offsets(_ range: Range<Int>, count: Int, wide: Bool, field: ArrowField) throws -> [Int] {
        if count == 0, range.isEmpty { return [0] }  // writers may leave an empty array's offsets out
        let offsets: [Int] = wide
            ? try copy(range, count: count + 1, as: Int64.self, field: field).map { Int($0) }
            : try copy(range, count: count + 1, as: Int32.self, field: field).map { Int($0) }
        guard offsets[0] >= 0 else { throw ArrowDecodingError.malformed("negative offset in '\(field.name)'") }
        for i in 0..<count where offsets[i + 1] < offsets[i] {
            throw ArrowDecodingError.malformed("decreasing offsets in '\(field.name)'")
        }
        return offsets
    }

    private func checkOffsets(_ offsets: [Int], within limit: Int, field: ArrowField) throws {
        guard let last = offsets.last, last <= limit else {
            throw ArrowDecodingError.malformed("offsets of '\(field.name)' point past its data")
        }
    }

    private mutating func variableWidth(_ field: ArrowField, count: Int, wide: Bool) throws -> (offsets: [Int], bytes: [UInt8]) {
        let offsets = try offsets(nextBuffer(field), count: count, wide: wide, field: field)
        let data = try nextBuffer(field)
        try checkOffsets(offsets, within: data.count, field: field)
        return (offsets, Array(bytes[data]))
    }

    mutating func column(_ field: ArrowField) throws -> ArrowColumn {
        let node = try nextNode(field)
        let count = node.length
        if case .null = field.type {
            return ArrowColumn(field: field, count: count, nullCount: count, validity: nil, values: .null)
        }
        let validityRange = try nextBuffer(field)
        let validity = node.nullCount == 0 ? nil : try bitmapBytes(validityRange, count: count, field: field)
        let values: ArrowColumn.Values
        switch field.type {
        case .null:
            values = .null
        case .boolean:
            let bits = try bitmapBytes(nextBuffer(field), count: count, field: field)
            values = .boolean((0..<count).map { bits[$0 >> 3] & (1 << UInt8($0 & 7)) != 0 })
        case .int(let bits, let signed):
            let data = try nextBuffer(field)
            switch (bits, signed) {
            case (8, true): values = .int8(try copy(data, count: count, as: Int8.self, field: field))
            case (16, true): values = .int16(try copy(data, count: count, as: Int16.self, field: field))
            case (32, true): values = .int32(try copy(data, count: count, as: Int32.self, field: field))
            case (64, true): values = .int64(try copy(data, count: count, as: Int64.self, field: field))
            case (8, false): values = .uint8(try copy(data, count: count, as: UInt8.self, field: field))
            case (16, false): values = .uint16(try copy(data, count: count, as: UInt16.self, field: field))
            case (32, false): values = .uint32(try copy(data, count: count, as: UInt32.self, field: field))
            default: values = .uint64(try copy(data, count: count, as: UInt64.self, field: field))
            }
        case .float16:
            values = .float16(try copy(nextBuffer(field), count: count, as: UInt16.self, field: field))
        case .float32:
            values = .float32(try copy(nextBuffer(field), count: count, as: Float.self, field: field))
        case .float64:
            values = .float64(try copy(nextBuffer(field), count: count, as: Double.self, field: field))
        case .decimal(_, _, let bitWidth):
            guard bitWidth == 128 else {
                throw ArrowDecodingError.unsupported("\(bitWidth)-bit decimal field '\(field.name)'")
            }
            values = .decimal128(try copy(nextBuffer(field), count: count, as: Int128.self, field: field))
        case .utf8, .largeUTF8:
            let (offsets, data) = try variableWidth(field, count: count, wide: field.type == .largeUTF8)
            values = .string(offsets: offsets, bytes: data)
        case .binary, .largeBinary:
            let (offsets, data) = try variableWidth(field, count: count, wide: field.type == .largeBinary)
            values = .binary(offsets: offsets, bytes: data)
        case .fixedSizeBinary(let width):
            let data = try nextBuffer(field)
            guard width >= 0, width * count <= data.count else {
                throw ArrowDecodingError.malformed("field '\(field.name)' is shorter than \(count) × \(width) bytes")
            }
            values = .binary(offsets: (0...count).map { $0 * width },
                             bytes: Array(bytes[data.lowerBound..<(data.lowerBound + width * count)]))
        case .date(let unit):
            let data = try nextBuffer(field)
            values = unit == .day
                ? .days(try copy(data, count: count, as: Int32.self, field: field))
                : .ticks(try copy(data, count: count, as: Int64.self, field: field))
        case .time(_, let bitWidth):
            let data = try nextBuffer(field)
            values = bitWidth == 32
                ? .days(try copy(data, count: count, as: Int32.self, field: field))
                : .ticks(try copy(data, count: count, as: Int64.self, field: field))
        case .timestamp, .duration:
            values = .ticks(try copy(nextBuffer(field), count: count, as: Int64.self, field: field))
        case .interval(let unit):
            guard unit == .yearMonth else {
                throw ArrowDecodingError.unsupported("\(unit) interval field '\(field.name)'")
            }
            values = .days(try copy(nextBuffer(field), count: count, as: Int32.self, field: field))
        case .list, .largeList:
            let offsets = try offsets(nextBuffer(field), count: count, wide: field.type == .largeList, field: field)
            let child = try column(field.children[0])
            try checkOffsets(offsets, within: child.count, field: field)
            values = .list(offsets: offsets, child: child)
        case .fixedSizeList(let size):
            let child = try column(field.children[0])
            guard size >= 0, size * count <= child.count else {
                throw ArrowDecodingError.malformed("field '\(field.name)' has fewer than \(count) × \(size) elements")
            }
            values = .list(offsets: (0...count).map { $0 * size }, child: child)
        case .structure:
            values = .structure(try field.children.map { try column($0) })
        case .map:
            let offsets = try offsets(nextBuffer(field), count: count, wide: false, field: field)
            let entries = try column(field.children[0])
            guard case .structure(let keyAndValue) = entries.values, keyAndValue.count == 2 else {
                throw ArrowDecodingError.malformed("map field '\(field.name)' entries are not a struct of a key and a value")
            }
            try checkOffsets(offsets, within: entries.count, field: field)
            values = .map(offsets: offsets, keys: keyAndValue[0], values: keyAndValue[1])
        }
        return ArrowColumn(field: field, count: count, nullCount: node.nullCount, validity: validity, values: values)
    }
}
