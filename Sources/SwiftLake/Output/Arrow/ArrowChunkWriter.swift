import DuckDB

/// Lays out columns of a DuckDB chunk (``RawChunk``) as Arrow arrays by copying the vectors'
/// memory, without a ``Value`` per cell: fixed-width values are copied as they are (DuckDB and
/// Arrow both store them little-endian; a `HUGEINT` is a 128-bit two's complement integer
/// either way), DuckDB's validity mask is Arrow's validity bitmap bit for bit (both least
/// significant bit first), `BOOLEAN` bytes become bits, narrower `DECIMAL`s widen to 128 bits,
/// and `duckdb_string_t`s become int32 offsets and bytes.
///
/// The output is the same as ``ArrowColumnWriter``'s for the same values: NULL slots hold zero
/// bytes, and a column without NULLs has an empty validity buffer. Types without a direct
/// layout here (nested types, `UUID`, `INTERVAL`, `UHUGEINT`, `ENUM`, text-mapped types) are
/// decoded to values and written by ``ArrowColumnWriter``.
enum ArrowChunkWriter {
    /// Writes the first `length` rows of column `index` of `chunk` as the array of `field`.
    static func write(_ chunk: RawChunk, column index: Int, length: Int, as field: ArrowField, into body: inout ArrowBody) {
        let written = chunk.withColumn(index) { vector in
            writeDirect(vector, length: length, as: field, into: &body)
        }
        if written { return }
        var values = (try? chunk.values(column: index, rows: length)) ?? []
        if values.count != length {
            values = Array(values.prefix(length)) + Array(repeating: .null, count: max(0, length - values.count))
        }
        ArrowColumnWriter.write(values, as: field, into: &body)
    }

    /// Writes `vector` when its layout maps straight onto `field`'s type; `false` (nothing
    /// written) otherwise.
    private static func writeDirect(_ vector: RawVector, length: Int, as field: ArrowField, into body: inout ArrowBody) -> Bool {
        guard let data = vector.data else { return false }
        switch (field.type, vector.kind) {
        case (.bool, .boolean):
            writeValidity(vector, length: length, into: &body)
            body.addBuffer(byteCount: (length + 7) / 8) { out in
                let bytes = data.assumingMemoryBound(to: UInt8.self)
                for row in 0..<length where bytes[row] != 0 && vector.isValid(row) {
                    out[row >> 3] |= 1 << UInt8(row & 7)
                }
            }
            return true
        case let (.int(bitWidth, signed), .integer(byteWidth, vectorSigned))
            where bitWidth == 8 * byteWidth && signed == vectorSigned:
            copyFixedWidth(vector, data: data, width: byteWidth, length: length, into: &body)
            return true
        case let (.floatingPoint(double), .float(byteWidth)) where byteWidth == (double ? 8 : 4):
            copyFixedWidth(vector, data: data, width: byteWidth, length: length, into: &body)
            return true
        case (.decimal128, .integer(byteWidth: 16, signed: true)), (.decimal128, .decimal(byteWidth: 16)):
            copyFixedWidth(vector, data: data, width: 16, length: length, into: &body)
            return true
        case let (.decimal128, .decimal(byteWidth)):
            switch byteWidth {
            case 1: widenDecimal(vector, data.assumingMemoryBound(to: Int8.self), length: length, into: &body)
            case 2: widenDecimal(vector, data.assumingMemoryBound(to: Int16.self), length: length, into: &body)
            case 4: widenDecimal(vector, data.assumingMemoryBound(to: Int32.self), length: length, into: &body)
            case 8: widenDecimal(vector, data.assumingMemoryBound(to: Int64.self), length: length, into: &body)
            default: return false
            }
            return true
        case (.date32, .date):
            copyFixedWidth(vector, data: data, width: 4, length: length, into: &body)
            return true
        case (.time64Microseconds, .time):
            copyFixedWidth(vector, data: data, width: 8, length: length, into: &body)
            return true
        case let (.timestamp(unit, _), .timestamp(digits)) where 3 * Int(unit.rawValue) == digits:
            copyFixedWidth(vector, data: data, width: 8, length: length, into: &body)
            return true
        case (.utf8, .varchar), (.binary, .blob):
            writeStrings(vector, length: length, into: &body)
            return true
        default:
            return false
        }
    }

    /// The field node and validity buffer (empty when no row is NULL).
    private static func writeValidity(_ vector: RawVector, length: Int, into body: inout ArrowBody) {
        let nullCount = nullCount(vector, length: length)
        if nullCount == 0 {
            body.addEmptyBuffer()
        } else if let validity = vector.validity {
            body.addBuffer(byteCount: (length + 7) / 8) { out in
                out.copyMemory(from: UnsafeRawBufferPointer(start: validity, count: out.count))
                if length % 8 != 0 { out[out.count - 1] &= UInt8((1 << (length % 8)) - 1) }
            }
        }
        body.addNode(length: length, nullCount: nullCount)
    }

    /// NULL rows among the first `length`.
    private static func nullCount(_ vector: RawVector, length: Int) -> Int {
        guard let validity = vector.validity else { return 0 }
        var valid = 0
        let words = length / 64
        for word in 0..<words { valid += validity[word].nonzeroBitCount }
        if length % 64 != 0 { valid += (validity[words] & ((1 << UInt64(length % 64)) - 1)).nonzeroBitCount }
        return length - valid
    }

    /// Node, validity and the values copied as they are, with NULL slots zeroed.
    private static func copyFixedWidth(_ vector: RawVector, data: UnsafeRawPointer, width: Int, length: Int,
                                       into body: inout ArrowBody) {
        writeValidity(vector, length: length, into: &body)
        let hasNulls = vector.validity != nil
        body.addBuffer(byteCount: width * length) { out in
            out.copyMemory(from: UnsafeRawBufferPointer(start: data, count: width * length))
            guard hasNulls else { return }
            for row in 0..<length where !vector.isValid(row) {
                (out.baseAddress.unsafelyUnwrapped + row * width).initializeMemory(as: UInt8.self, repeating: 0, count: width)
            }
        }
    }

    /// Node, validity and each value sign-extended to a 128-bit little-endian integer.
    private static func widenDecimal<T: FixedWidthInteger & SignedInteger>(
        _ vector: RawVector, _ values: UnsafePointer<T>, length: Int, into body: inout ArrowBody
    ) {
        writeValidity(vector, length: length, into: &body)
        body.addBuffer(byteCount: 16 * length) { out in
            for row in 0..<length where vector.isValid(row) {
                out.storeBytes(of: Int128(values[row]).littleEndian, toByteOffset: 16 * row, as: Int128.self)
            }
        }
    }

    /// Node, validity, int32 offsets and the concatenated bytes of a `Utf8` or `Binary` array.
    private static func writeStrings(_ vector: RawVector, length: Int, into body: inout ArrowBody) {
        writeValidity(vector, length: length, into: &body)
        var total = 0
        body.addBuffer(byteCount: 4 * (length + 1)) { out in
            // out[0..<4] is the leading zero offset.
            for row in 0..<length {
                if vector.isValid(row) { total += vector.stringBytes(row).count }
                out.storeBytes(of: Int32(total).littleEndian, toByteOffset: 4 * (row + 1), as: Int32.self)
            }
        }
        body.addBuffer(byteCount: total) { out in
            var position = 0
            for row in 0..<length where vector.isValid(row) {
                let bytes = vector.stringBytes(row)
                if bytes.isEmpty { continue }
                UnsafeMutableRawBufferPointer(rebasing: out[position..<(position + bytes.count)]).copyMemory(from: bytes)
                position += bytes.count
            }
        }
    }
}
