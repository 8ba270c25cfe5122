/// Many Parquet files combined into one file, or into one Hive-partitioned directory.
///
/// Columns are matched by name across files; a column missing from a file is NULL there,
/// and types that differ are widened to one that holds both (e.g. INTEGER and BIGINT to
/// BIGINT). With `dedupe_on`, one row is kept per key: the first by `order_by` when given,
/// otherwise the row from the file listed last (and within it, the last row).
public struct ParquetMergeRequest: Codable, Sendable {
    /// Input files, directories and globs.
    public var paths: [String]
    /// The output file (or directory, with `partition_by`).
    public var output: String
    /// Key columns to de-duplicate on.
    public var dedupeOn: [String]?
    /// Sort keys for the output, e.g. `["ts", "id DESC"]`.
    public var orderBy: [String]?
    /// Columns to partition the output directory by (`col=value/` directories).
    public var partitionBy: [String]?
    /// Parquet codec: `snappy` (default), `zstd`, `gzip`, `lz4_raw`, `brotli`, `uncompressed`.
    public var compression: String?
    /// Rows per row group: DuckDB fills groups in whole 2048-row vectors and a group never
    /// spans two row groups of the input, so groups hold at most this many rows, rounded up to
    /// a multiple of 2048.
    public var rowGroupSize: Int?
    /// Replace an existing output atomically.
    public var overwrite: Bool?
    /// Which engine reads the inputs and writes the output (see ``Lakehouse/merge(_:progress:)``).
    public var engine: EngineChoice?

    enum CodingKeys: String, CodingKey {
        case paths, output, dedupeOn = "dedupe_on", orderBy = "order_by", partitionBy = "partition_by"
        case compression, rowGroupSize = "row_group_size", overwrite, engine
    }

    /// Creates a request.
    public init(paths: [String], output: String, dedupeOn: [String]? = nil, orderBy: [String]? = nil,
                partitionBy: [String]? = nil, compression: String? = nil, rowGroupSize: Int? = nil, overwrite: Bool? = nil,
                engine: EngineChoice? = nil) {
        self.paths = paths
        self.output = output
        self.dedupeOn = dedupeOn
        self.orderBy = orderBy
        self.partitionBy = partitionBy
        self.compression = compression
        self.rowGroupSize = rowGroupSize
        self.overwrite = overwrite
        self.engine = engine
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        paths = try container.decodeStringList(forKey: .paths) ?? []
        output = try container.decode(String.self, forKey: .output)
        dedupeOn = try container.decodeStringList(forKey: .dedupeOn)
        orderBy = try container.decodeStringList(forKey: .orderBy)
        partitionBy = try container.decodeStringList(forKey: .partitionBy)
        compression = try container.decodeIfPresent(String.self, forKey: .compression)
        rowGroupSize = try container.decodeIfPresent(Int.self, forKey: .rowGroupSize)
        overwrite = try container.decodeIfPresent(Bool.self, forKey: .overwrite)
        engine = try container.decodeIfPresent(EngineChoice.self, forKey: .engine)
    }
}

/// What a merge did.
public struct ParquetMergeResult: Codable, Sendable {
    /// The file or directory written.
    public var output: String
    /// Input files read.
    public var filesMerged: Int
    /// Rows across the inputs.
    public var rowsRead: Int
    /// Rows written.
    public var rowsWritten: Int
    /// Rows dropped by `dedupe_on`.
    public var duplicatesRemoved: Int
    /// The output's columns (after union by name and type widening).
    public var columns: [ResultColumn]
    /// Bytes written.
    public var bytesWritten: Int
    /// The engine that read the inputs and wrote the output (`duckdb` or `spark`).
    public var engine: String
    /// Time taken, in milliseconds.
    public var elapsedMs: Double

    enum CodingKeys: String, CodingKey {
        case output, filesMerged = "files_merged", rowsRead = "rows_read", rowsWritten = "rows_written"
        case duplicatesRemoved = "duplicates_removed", columns, bytesWritten = "bytes_written", engine, elapsedMs = "elapsed_ms"
    }
}
