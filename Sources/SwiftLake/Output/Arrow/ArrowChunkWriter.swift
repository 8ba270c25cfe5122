import DuckDB

/// Lays out one column of one or more DuckDB chunks (``RawChunk``s, their rows one after the
/// other) as one Arrow array, copying the vectors' memory without a ``Value`` per cell:
/// fixed-width values are copied as they are (DuckDB and Arrow both store them
/// little-endian; a `HUGEINT` is a 128-bit two's complement integer either way), DuckDB's
/// validity mask is Arrow's validity bitmap bit for bit (both least significant bit first),
/// `BOOLEAN` bytes become bits, narrower `DECIMAL`s widen to 128 bits, and
/// `duckdb_string_t`s become int32 offsets and bytes.
///
/// The output is the same as ``ArrowColumnWriter``'s for the same values: NULL slots hold zero
/// bytes, and a column without NULLs has an empty validity buffer. Types without a direct
/// layout here (nested types, `UUID`, `INTERVAL`, `UHUGEINT`, `ENUM`, text-mapped types) are
/// decoded to values and written by ``ArrowColumnWriter``.
///
/// The buffers are filled when the plan is written (``ArrowBodyPlan/write(into:)``), from the
/// chunks, which must stay unchanged until then (they are: a fetched chunk is read-only).
enum ArrowChunkWriter {
    /// The first `length` rows of a chunk.
    struct Segment {
        let chunk: RawChunk
        let length: Int
    }

    /// Lays out column `index` of `segments` (their rows in order) as the array of `field`.
    static func write(_ segments: [Segment], column index: Int, as field: ArrowField, into plan: inout ArrowBodyPlan) {
        if let layout = Layout(segments, column: index, as: field) {
            layout.plan(into: &plan)
            return
        }
        var values: [Value] = []
        values.reserveCapacity(segments.reduce(0) { $0 + $1.length })
        for segment in segments {
            var part = (try? segment.chunk.values(column: index, rows: segment.length)) ?? []
            if part.count != segment.length {
                part = Array(part.prefix(segment.length)) + Array(repeating: .null, count: max(0, segment.length - part.count))
            }
            values += part
        }
        var body = ArrowBody()
        ArrowColumnWriter.write(values, as: field, into: &body)
        plan.add(body)
    }

    /// How a column maps straight onto an Arrow type.
    private enum Copy {
        case bits            // BOOLEAN bytes → bitmap
        case fixed(Int)      // values copied, this many bytes each
        case widen(Int)      // DECIMAL of this many bytes → 16-byte integers
        case strings         // duckdb_string_t → offsets and bytes
    }

    /// A column whose every segment has a direct layout, with the counts the metadata needs.
    private struct Layout {
        let segments: [Segment]
        let column: Int
        let copy: Copy
        let rows: Int
        let nullCount: Int
        /// The string bytes in all, for `.strings`.
        let stringBytes: Int

        init?(_ segments: [Segment], column: Int, as field: ArrowField) {
            var copy: Copy?
            var nulls = 0, bytes = 0
            for segment in segments {
                let ok = segment.chunk.withColumn(column) { vector -> Bool in
                    guard vector.data != nil, let kind = Self.copy(vector.kind, field.type) else { return false }
                    copy = kind
                    nulls += ArrowChunkWriter.nullCount(vector, length: segment.length)
                    if case .strings = kind { bytes += ArrowChunkWriter.stringBytes(vector, length: segment.length) }
                    return true
                }
                if !ok { return nil }
            }
            guard let copy else { return nil }
            self.segments = segments
            self.column = column
            self.copy = copy
            self.rows = segments.reduce(0) { $0 + $1.length }
            self.nullCount = nulls
            self.stringBytes = bytes
        }

        /// The copy that turns a vector of `kind` into an array of `type`, if there is one.
        static func copy(_ kind: RawVector.Kind, _ type: ArrowType) -> Copy? {
            switch (type, kind) {
            case (.bool, .boolean): return .bits
            case let (.int(bitWidth, signed), .integer(byteWidth, vectorSigned))
                where bitWidth == 8 * byteWidth && signed == vectorSigned: return .fixed(byteWidth)
            case let (.floatingPoint(double), .float(byteWidth)) where byteWidth == (double ? 8 : 4): return .fixed(byteWidth)
            case (.decimal128, .integer(byteWidth: 16, signed: true)), (.decimal128, .decimal(byteWidth: 16)): return .fixed(16)
            case let (.decimal128, .decimal(byteWidth)) where [1, 2, 4, 8].contains(byteWidth): return .widen(byteWidth)
            case (.date32, .date): return .fixed(4)
            case (.time64Microseconds, .time): return .fixed(8)
            case let (.timestamp(unit, _), .timestamp(digits)) where 3 * Int(unit.rawValue) == digits: return .fixed(8)
            case (.utf8, .varchar), (.binary, .blob): return .strings
            default: return nil
            }
        }

        func plan(into plan: inout ArrowBodyPlan) {
            plan.addNode(length: rows, nullCount: nullCount)
            let segments = self.segments, column = self.column, rows = self.rows
            // Validity: empty when no row is NULL.
            if nullCount == 0 {
                plan.addEmptyBuffer()
            } else {
                plan.addBuffer(byteCount: (rows + 7) / 8) { out in
                    Self.forEach(segments, column) { vector, start, length in
                        ArrowChunkWriter.copyValidity(vector, length: length, to: out, at: start)
                    }
                }
            }
            switch copy {
            case .bits:
                plan.addBuffer(byteCount: (rows + 7) / 8) { out in
                    out.initializeMemory(as: UInt8.self, repeating: 0)
                    Self.forEach(segments, column) { vector, start, length in
                        ArrowChunkWriter.packBooleans(vector, length: length, into: out, at: start)
                    }
                }
            case .fixed(let width):
                plan.addBuffer(byteCount: width * rows) { out in
                    Self.forEach(segments, column) { vector, start, length in
                        let target = out.baseAddress.unsafelyUnwrapped + width * start
                        target.copyMemory(from: vector.data.unsafelyUnwrapped, byteCount: width * length)
                        guard vector.validity != nil else { return }
                        for row in 0..<length where !vector.isValid(row) {
                            (target + row * width).initializeMemory(as: UInt8.self, repeating: 0, count: width)
                        }
                    }
                }
            case .widen(let width):
                plan.addBuffer(byteCount: 16 * rows) { out in
                    Self.forEach(segments, column) { vector, start, length in
                        let data = vector.data.unsafelyUnwrapped
                        for row in 0..<length {
                            var value: Int128 = 0
                            if vector.isValid(row) {
                                switch width {
                                case 1: value = Int128(data.load(fromByteOffset: row, as: Int8.self))
                                case 2: value = Int128(data.loadUnaligned(fromByteOffset: 2 * row, as: Int16.self))
                                case 4: value = Int128(data.loadUnaligned(fromByteOffset: 4 * row, as: Int32.self))
                                default: value = Int128(data.loadUnaligned(fromByteOffset: 8 * row, as: Int64.self))
                                }
                            }
                            out.storeBytes(of: value.littleEndian, toByteOffset: 16 * (start + row), as: Int128.self)
                        }
                    }
                }
            case .strings:
                // Offsets and bytes in one pass over the strings.
                plan.addBuffers(4 * (rows + 1), stringBytes) { offsets, out in
                    var total = 0
                    offsets.storeBytes(of: Int32(0), toByteOffset: 0, as: Int32.self)
                    Self.forEach(segments, column) { vector, start, length in
                        for row in 0..<length {
                            if vector.isValid(row) {
                                let bytes = vector.stringBytes(row)
                                if !bytes.isEmpty {
                                    (out.baseAddress.unsafelyUnwrapped + total).copyMemory(from: bytes.baseAddress.unsafelyUnwrapped,
                                                                                           byteCount: bytes.count)
                                    total += bytes.count
                                }
                            }
                            offsets.storeBytes(of: Int32(truncatingIfNeeded: total).littleEndian,
                                               toByteOffset: 4 * (start + row + 1), as: Int32.self)
                        }
                    }
                }
            }
        }

        /// Calls `body` with each segment's vector, the row the segment starts at in the
        /// array, and its length.
        static func forEach(_ segments: [Segment], _ column: Int, _ body: (RawVector, Int, Int) -> Void) {
            var start = 0
            for segment in segments {
                segment.chunk.withColumn(column) { body($0, start, segment.length) }
                start += segment.length
            }
        }
    }

    /// The bytes of the valid strings among the first `length` rows of a `.varchar` or
    /// `.blob` vector (each `duckdb_string_t` starts with its uint32 length).
    static func stringBytes(_ vector: RawVector, length: Int) -> Int {
        let data = vector.data.unsafelyUnwrapped
        var total = 0
        if vector.validity == nil {
            for row in 0..<length { total += Int(data.loadUnaligned(fromByteOffset: 16 * row, as: UInt32.self)) }
        } else {
            for row in 0..<length where vector.isValid(row) {
                total += Int(data.loadUnaligned(fromByteOffset: 16 * row, as: UInt32.self))
            }
        }
        return total
    }

    /// Sets bit `start + row` of `out` (zeroed beforehand) for every valid `true` among the
    /// first `length` rows of a `BOOLEAN` vector (one byte, 0 or 1, per row). Eight rows at
    /// a time when `start` is byte-aligned.
    static func packBooleans(_ vector: RawVector, length: Int, into out: UnsafeMutableRawBufferPointer, at start: Int) {
        let data = vector.data.unsafelyUnwrapped
        var row = 0
        if start % 8 == 0 {
            let target = out.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self) + start / 8
            let validity = vector.validity.map { UnsafeRawPointer($0) }
            while row + 8 <= length {
                // Each byte is 0 or 1; the multiply gathers their low bits into the top byte.
                let bytes = data.loadUnaligned(fromByteOffset: row, as: UInt64.self) & 0x0101_0101_0101_0101
                var bits = UInt8(truncatingIfNeeded: (bytes &* 0x0102_0408_1020_4080) >> 56)
                if let validity { bits &= validity.load(fromByteOffset: row / 8, as: UInt8.self) }
                target[row / 8] = bits
                row += 8
            }
        }
        let bytes = data.assumingMemoryBound(to: UInt8.self)
        while row < length {
            if bytes[row] != 0 && vector.isValid(row) {
                let bit = start + row
                out[bit >> 3] |= 1 << UInt8(bit & 7)
            }
            row += 1
        }
    }

    /// NULL rows among the first `length`.
    static func nullCount(_ vector: RawVector, length: Int) -> Int {
        guard let validity = vector.validity else { return 0 }
        var valid = 0
        let words = length / 64
        for word in 0..<words { valid += validity[word].nonzeroBitCount }
        if length % 64 != 0 { valid += (validity[words] & ((1 << UInt64(length % 64)) - 1)).nonzeroBitCount }
        return length - valid
    }

    /// Writes the validity of the first `length` rows of `vector` as bits `start…` of `out`
    /// (a bitmap whose earlier bits are already written and whose later ones are not).
    static func copyValidity(_ vector: RawVector, length: Int, to out: UnsafeMutableRawBufferPointer, at start: Int) {
        guard length > 0 else { return }
        if start % 8 == 0 {
            let byteCount = (length + 7) / 8
            let target = out.baseAddress.unsafelyUnwrapped + start / 8
            if let validity = vector.validity {
                target.copyMemory(from: UnsafeRawPointer(validity), byteCount: byteCount)
            } else {
                target.initializeMemory(as: UInt8.self, repeating: 0xFF, count: byteCount)
            }
            if length % 8 != 0 {
                let last = target + (byteCount - 1)
                last.storeBytes(of: last.load(as: UInt8.self) & UInt8((1 << (length % 8)) - 1), as: UInt8.self)
            }
            return
        }
        // Not byte-aligned: bit by bit, into a byte whose low bits are the previous segment's.
        for row in 0..<length {
            let bit = start + row
            let byte = bit >> 3, mask = UInt8(1) << UInt8(bit & 7)
            var value = bit & 7 == 0 ? 0 : out[byte]
            if vector.isValid(row) { value |= mask } else { value &= ~mask }
            out[byte] = value
        }
    }
}
