import CDuckDB

/// A chunk of result rows kept as DuckDB's own vectors, for readers that copy whole columns
/// (the Arrow writer) instead of going through one ``Value`` per cell.
///
/// Owns the `duckdb_data_chunk` and frees it in `deinit`. A fetched chunk is independent of
/// its result (DuckDB hands out flat vectors that own or share their buffers), so it stays
/// readable after the result is read to the end or destroyed. Read-only once fetched, so it
/// may be shared between threads.
public final class RawChunk: @unchecked Sendable {
    /// The number of rows.
    public let count: Int
    private let chunk: duckdb_data_chunk
    private let readers: [VectorReader]

    /// Takes ownership of a non-empty fetched chunk.
    init(taking chunk: duckdb_data_chunk, readers: [VectorReader]) {
        self.chunk = chunk
        self.readers = readers
        self.count = Int(duckdb_data_chunk_get_size(chunk))
    }

    deinit {
        var owned: duckdb_data_chunk? = chunk
        duckdb_destroy_data_chunk(&owned)
    }

    /// The number of columns.
    public var columnCount: Int { readers.count }

    /// The first `rows` values of column `index`, decoded as ``DataChunk`` would.
    public func values(column index: Int, rows: Int) throws -> [Value] {
        guard index < readers.count, let vector = duckdb_data_chunk_get_vector(chunk, idx_t(index)) else {
            throw DuckDBError(code: .execute, message: "DuckDB returned a chunk without column \(index)")
        }
        return try withExtendedLifetime(self) {
            try VectorDecoder.decode(vector, readers[index], rows: Array(0..<min(rows, count)))
        }
    }

    /// The values of column `index` at `rows` (row numbers below ``count``), decoded as
    /// ``DataChunk`` would, in the order given.
    public func values(column index: Int, rows: [Int]) throws -> [Value] {
        guard index < readers.count, let vector = duckdb_data_chunk_get_vector(chunk, idx_t(index)) else {
            throw DuckDBError(code: .execute, message: "DuckDB returned a chunk without column \(index)")
        }
        guard rows.allSatisfy({ $0 >= 0 && $0 < count }) else {
            throw DuckDBError(code: .execute, message: "Row out of range of a chunk of \(count) rows")
        }
        return try withExtendedLifetime(self) { try VectorDecoder.decode(vector, readers[index], rows: rows) }
    }

    /// The first `rows` rows decoded into a ``DataChunk``.
    public func decoded(rows: Int) throws -> DataChunk {
        let rows = min(rows, count)
        return DataChunk(count: rows, columns: try (0..<readers.count).map { try values(column: $0, rows: rows) })
    }

    /// Calls `body` with column `index`'s raw vector; its pointers are valid only inside `body`.
    public func withColumn<R>(_ index: Int, _ body: (RawVector) throws -> R) rethrows -> R {
        let vector = index < readers.count ? duckdb_data_chunk_get_vector(chunk, idx_t(index)) : nil
        let raw: RawVector
        if let vector, let data = duckdb_vector_get_data(vector) {
            raw = RawVector(
                kind: RawVector.Kind(readers[index]),
                data: UnsafeRawPointer(data),
                validity: duckdb_vector_get_validity(vector).map { UnsafePointer($0) })
        } else {
            raw = RawVector(kind: .other, data: nil, validity: nil)
        }
        return try withExtendedLifetime(self) { try body(raw) }
    }
}

/// One flat DuckDB vector's memory: its values laid out by ``Kind`` and its validity mask
/// (bit `r % 64` of word `r / 64` set when row `r` is valid, least significant bit first;
/// `nil` when every row is valid).
///
/// Slots of NULL rows hold unspecified bytes.
public struct RawVector {
    /// The physical layout of the values.
    public enum Kind: Sendable, Equatable {
        /// One byte per row, 0 or 1.
        case boolean
        /// Little-endian integers of `byteWidth` bytes (`HUGEINT` is 16, lower word first).
        case integer(byteWidth: Int, signed: Bool)
        /// IEEE 754 single (4 bytes) or double (8 bytes).
        case float(byteWidth: Int)
        /// DECIMAL stored as a signed integer of `byteWidth` bytes (2, 4, 8 or 16).
        case decimal(byteWidth: Int)
        /// 16-byte `duckdb_string_t`s holding UTF-8 text (VARCHAR).
        case varchar
        /// 16-byte `duckdb_string_t`s holding bytes (BLOB).
        case blob
        /// DATE: int32 days since 1970-01-01.
        case date
        /// TIME: int64 microseconds since midnight.
        case time
        /// TIMESTAMP, TIMESTAMP WITH TIME ZONE (µs), `_S`, `_MS`, `_NS`: int64 in that unit.
        case timestamp(digits: Int)
        /// Anything else: read it through ``RawChunk/values(column:rows:)``.
        case other

        init(_ reader: VectorReader) {
            switch reader {
            case .boolean: self = .boolean
            case .int8: self = .integer(byteWidth: 1, signed: true)
            case .int16: self = .integer(byteWidth: 2, signed: true)
            case .int32: self = .integer(byteWidth: 4, signed: true)
            case .int64: self = .integer(byteWidth: 8, signed: true)
            case .int128: self = .integer(byteWidth: 16, signed: true)
            case .uint8: self = .integer(byteWidth: 1, signed: false)
            case .uint16: self = .integer(byteWidth: 2, signed: false)
            case .uint32: self = .integer(byteWidth: 4, signed: false)
            case .uint64: self = .integer(byteWidth: 8, signed: false)
            case .float: self = .float(byteWidth: 4)
            case .double: self = .float(byteWidth: 8)
            case let .decimal(_, _, storage):
                switch storage {
                case .bits8: self = .decimal(byteWidth: 1)
                case .bits16: self = .decimal(byteWidth: 2)
                case .bits32: self = .decimal(byteWidth: 4)
                case .bits64: self = .decimal(byteWidth: 8)
                case .bits128: self = .decimal(byteWidth: 16)
                }
            case .varchar: self = .varchar
            case .blob: self = .blob
            case .date: self = .date
            case .time: self = .time
            case .timestamp, .timestampTZ: self = .timestamp(digits: 6)
            case .timestampS: self = .timestamp(digits: 0)
            case .timestampMS: self = .timestamp(digits: 3)
            case .timestampNS: self = .timestamp(digits: 9)
            default: self = .other
            }
        }
    }

    /// The layout of ``data``.
    public let kind: Kind
    /// The values, `nil` when DuckDB gave no data pointer (then ``kind`` is `.other`).
    public let data: UnsafeRawPointer?
    /// The validity mask, or `nil` when every row is valid.
    public let validity: UnsafePointer<UInt64>?

    /// Whether row `row` holds a value.
    @inlinable public func isValid(_ row: Int) -> Bool {
        guard let validity else { return true }
        return validity[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// The bytes of row `row` of a `.varchar` or `.blob` vector (a valid row), which live as
    /// long as the chunk: a `duckdb_string_t` is a uint32 length, then either the bytes inline
    /// (12 bytes or fewer) or a 4-byte prefix and a pointer.
    @inlinable public func stringBytes(_ row: Int) -> UnsafeRawBufferPointer {
        let slot = data.unsafelyUnwrapped + 16 * row
        let length = Int(slot.loadUnaligned(as: UInt32.self))
        if length <= 12 { return UnsafeRawBufferPointer(start: slot + 4, count: length) }
        let pointer = slot.loadUnaligned(fromByteOffset: 8, as: UnsafeRawPointer.self)
        return UnsafeRawBufferPointer(start: pointer, count: length)
    }
}

extension VectorReader {
    /// The name of the first type (this one or nested) that ``VectorDecoder`` cannot read.
    var unsupportedName: String? {
        switch self {
        case let .unsupported(name): return name
        case let .list(child), let .array(child, _): return child.unsupportedName
        case let .structure(_, children): return children.lazy.compactMap(\.unsupportedName).first
        case let .union(_, members): return members.lazy.compactMap(\.unsupportedName).first
        case let .map(key, value): return key.unsupportedName ?? value.unsupportedName
        default: return nil
        }
    }
}
