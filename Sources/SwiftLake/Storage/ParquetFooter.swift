/// What a Parquet footer (`FileMetaData`, from the Parquet format specification) says about
/// where each column chunk lies in the file: enough to fetch exactly the bytes a reader of
/// some columns will read.
///
/// A Parquet file ends with the Thrift-compact `FileMetaData`, its length (4 bytes, little
/// endian) and the magic `PAR1`. Each row group lists its column chunks; a chunk's pages
/// start at its dictionary page (when it has one) or its first data page and take
/// `total_compressed_size` bytes. Bloom filters and page indexes lie elsewhere and are
/// listed separately.
struct ParquetFooter: Sendable {
    /// One column chunk: the top-level column it belongs to and the byte ranges a reader of
    /// it may read (its pages, bloom filter, column and offset index).
    struct ColumnChunk: Sendable {
        /// `path_in_schema`; its first element is the top-level column.
        var path: [String]
        var ranges: [Range<Int64>]
    }

    /// Bytes at the end of every Parquet file: footer length and magic.
    static let trailerLength: Int64 = 8

    var columnChunks: [ColumnChunk]

    /// The footer length the last 8 bytes of a file give, or nil when they do not end in
    /// `PAR1` (not Parquet, or an encrypted footer, `PARE`).
    static func footerLength(trailer: [UInt8]) -> Int64? {
        guard trailer.count == 8, Array(trailer[4...]) == Array("PAR1".utf8) else { return nil }
        return Int64(trailer[0]) | Int64(trailer[1]) << 8 | Int64(trailer[2]) << 16 | Int64(trailer[3]) << 24
    }

    /// Parses the Thrift-compact `FileMetaData` in `bytes`.
    init(fileMetaData bytes: [UInt8]) throws {
        var reader = ThriftCompactReader(bytes)
        var chunks: [ColumnChunk] = []
        try reader.readStruct { reader, id, type in
            guard id == 4, type == .list else { return false }       // 4: row_groups
            try reader.readList { reader, _ in
                try reader.readStruct { reader, id, type in
                    guard id == 1, type == .list else { return false }   // RowGroup 1: columns
                    try reader.readList { reader, _ in
                        chunks.append(try Self.columnChunk(&reader))
                    }
                    return true
                }
            }
            return true
        }
        columnChunks = chunks
    }

    /// The byte ranges of the chunks of the top-level columns `columns` (case-insensitive),
    /// and the magic at the start of the file.
    func ranges(ofColumns columns: Set<String>) -> ByteRanges {
        let columns = Set(columns.map { $0.lowercased() })
        var result = ByteRanges([0..<4])
        for chunk in columnChunks where chunk.path.first.map({ columns.contains($0.lowercased()) }) ?? false {
            for range in chunk.ranges { result.insert(range) }
        }
        return result
    }

    /// Total bytes of the chunks of `columns` (top-level names, case-insensitive).
    func compressedSize(ofColumns columns: Set<String>) -> Int64 {
        ranges(ofColumns: columns).byteCount - 4
    }

    /// A `ColumnChunk` struct: its `meta_data` (field 3) and page index locations.
    private static func columnChunk(_ reader: inout ThriftCompactReader) throws -> ColumnChunk {
        var path: [String] = []
        var dataPage: Int64?, dictionaryPage: Int64?, indexPage: Int64?, compressed: Int64?
        var bloomOffset: Int64?, bloomLength: Int64?
        var offsetIndex: (Int64?, Int64?) = (nil, nil), columnIndex: (Int64?, Int64?) = (nil, nil)
        var external = false
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .binary): external = true; _ = try reader.binary()   // file_path: chunk in another file
            case (3, .structure):
                try reader.readStruct { reader, id, type in
                    switch (id, type) {
                    case (3, .list): try reader.readList { reader, _ in path.append(try reader.string()) }
                    case (7, .i64): compressed = try reader.integer()
                    case (9, .i64): dataPage = try reader.integer()
                    case (10, .i64): indexPage = try reader.integer()
                    case (11, .i64): dictionaryPage = try reader.integer()
                    case (14, .i64): bloomOffset = try reader.integer()
                    case (15, .i32): bloomLength = try reader.integer()
                    default: return false
                    }
                    return true
                }
            case (4, .i64): offsetIndex.0 = try reader.integer()
            case (5, .i32): offsetIndex.1 = try reader.integer()
            case (6, .i64): columnIndex.0 = try reader.integer()
            case (7, .i32): columnIndex.1 = try reader.integer()
            default: return false
            }
            return true
        }
        guard !external, let dataPage, let compressed, dataPage >= 0, compressed >= 0 else {
            throw ThriftCompactReader.Malformed(description: "a column chunk without data page offset and size, or stored in another file")
        }
        // The chunk's pages start at its dictionary page when it has one (writers put it
        // first; an offset below 4 is a writer bug readers ignore), else at its first data
        // page, and take `total_compressed_size` bytes; an index page before them is included.
        let chunkStart = dictionaryPage.flatMap { $0 >= 4 ? $0 : nil } ?? dataPage
        let start = [chunkStart, dataPage, indexPage ?? chunkStart].filter { $0 >= 4 }.min() ?? chunkStart
        var ranges = [start..<max(chunkStart + compressed, dataPage + 1)]
        if let bloomOffset {
            // A bloom filter without its length cannot be bounded: the caller fetches the whole file.
            guard let bloomLength else {
                throw ThriftCompactReader.Malformed(description: "a bloom filter without bloom_filter_length")
            }
            ranges.append(bloomOffset..<bloomOffset + bloomLength)
        }
        for (offset, length) in [offsetIndex, columnIndex] {
            if let offset, let length { ranges.append(offset..<offset + length) }
        }
        return ColumnChunk(path: path, ranges: ranges)
    }
}
