/// Options of DuckDB's Parquet writer, checked before they reach SQL.
struct ParquetWriteOptions {
    static let codecs = ["snappy", "zstd", "gzip", "lz4", "lz4_raw", "brotli", "uncompressed"]

    var compression: String
    var rowGroupSize: Int?
    var partitionBy: [String] = []

    init(compression: String?, default fallback: String = "snappy", rowGroupSize: Int?, partitionBy: [String]? = nil) throws {
        let codec = (compression ?? fallback).lowercased()
        guard Self.codecs.contains(codec) else {
            throw SwiftLakeError.invalid("unknown_compression", "Unknown compression '\(compression ?? fallback)'. Use one of: \(Self.codecs.joined(separator: ", ")).")
        }
        if let rowGroupSize, rowGroupSize < 1 {
            throw SwiftLakeError.invalid("invalid_row_group_size", "'row_group_size' must be at least 1; got \(rowGroupSize).")
        }
        self.compression = codec
        self.rowGroupSize = rowGroupSize
        self.partitionBy = partitionBy ?? []
    }

    /// The option list of a `COPY … TO` statement.
    var copyOptions: String {
        var options = ["FORMAT parquet", "COMPRESSION \(compression)"]
        if let rowGroupSize { options.append("ROW_GROUP_SIZE \(rowGroupSize)") }
        if !partitionBy.isEmpty { options.append("PARTITION_BY (\(partitionBy.map(SQL.identifier).joined(separator: ", ")))") }
        return "(" + options.joined(separator: ", ") + ")"
    }
}
