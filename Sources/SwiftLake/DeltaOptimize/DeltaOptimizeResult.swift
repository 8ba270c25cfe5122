/// What OPTIMIZE did (``Lakehouse/deltaOptimize(_:progress:)``); the commit records the same
/// numbers under Spark's names (`numAddedFiles`, `numRemovedFiles`, …).
public struct DeltaOptimizeResult: Codable, Sendable, Hashable {
    /// The table's version after the operation (the version read when nothing was committed).
    public var version: Int64
    /// Whether a commit was written (false when no partition had two or more small files).
    public var committed: Bool
    /// The target file size used, in bytes.
    public var targetSize: Int64
    /// Bins compacted (each a set of small files of one partition rewritten together).
    public var numBatches: Int = 0
    /// Partitions with at least one bin.
    public var partitionsOptimized: Int = 0
    /// Files written.
    public var numFilesAdded: Int = 0
    /// Files removed (still on disk until vacuumed).
    public var numFilesRemoved: Int = 0
    /// Bytes written.
    public var numBytesAdded: Int64 = 0
    /// Bytes of the files removed.
    public var numBytesRemoved: Int64 = 0
    /// Rows rewritten (the rows of the removed files; the table's rows do not change).
    public var rowsRewritten: Int64 = 0
    /// The smallest and largest file written (0 when none).
    public var minFileSize: Int64 = 0
    public var maxFileSize: Int64 = 0
    /// Time taken, in milliseconds.
    public var elapsedMs: Double = 0
    /// The engine that rewrote the files: `duckdb` or `spark`.
    public var engine: String = DuckDBEngine.name

    enum CodingKeys: String, CodingKey {
        case version, committed, targetSize = "target_size", numBatches = "num_batches"
        case partitionsOptimized = "partitions_optimized", numFilesAdded = "num_files_added"
        case numFilesRemoved = "num_files_removed", numBytesAdded = "num_bytes_added"
        case numBytesRemoved = "num_bytes_removed", rowsRewritten = "rows_rewritten"
        case minFileSize = "min_file_size", maxFileSize = "max_file_size", elapsedMs = "elapsed_ms", engine
    }

    /// Creates a result.
    public init(version: Int64, committed: Bool, targetSize: Int64) {
        self.version = version
        self.committed = committed
        self.targetSize = targetSize
    }
}
