/// What CONVERT TO DELTA did (``Lakehouse/deltaConvert(_:)``).
public struct DeltaConvertResult: Codable, Sendable, Hashable {
    /// The version committed: 0.
    public var version: Int64
    /// Parquet files that became the table's data files.
    public var numFiles: Int
    /// Their rows, from the statistics.
    public var numRows: Int64
    /// Their total size in bytes.
    public var sizeInBytes: Int64
    /// The table's columns, in order (data columns, then partition columns).
    public var columns: [String]
    /// The partition columns, in directory order.
    public var partitionColumns: [String]
    /// Time taken, in milliseconds.
    public var elapsedMs: Double = 0

    enum CodingKeys: String, CodingKey {
        case version, numFiles = "num_files", numRows = "num_rows", sizeInBytes = "size_in_bytes", columns
        case partitionColumns = "partition_columns", elapsedMs = "elapsed_ms"
    }

    /// Creates a result.
    public init(version: Int64, numFiles: Int, numRows: Int64, sizeInBytes: Int64, columns: [String], partitionColumns: [String]) {
        self.version = version
        self.numFiles = numFiles
        self.numRows = numRows
        self.sizeInBytes = sizeInBytes
        self.columns = columns
        self.partitionColumns = partitionColumns
    }
}
