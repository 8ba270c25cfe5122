/// What a Delta checkpoint did (``Lakehouse/deltaCheckpoint(path:version:cleanUpLogs:)``).
public struct DeltaCheckpointResult: Codable, Sendable, Equatable {
    /// The version checkpointed.
    public var version: Int64
    /// The checkpoint file, relative to the table (`_delta_log/<version>.checkpoint.parquet`).
    public var checkpoint: String
    /// Whether this call wrote it; `false` when a checkpoint of the version was already there
    /// (it is left alone).
    public var created: Bool
    /// Rows (actions) in the checkpoint this call wrote.
    public var actions: Int
    /// Active files in it (`add` rows).
    public var numOfAddFiles: Int
    /// Unexpired tombstones in it (`remove` rows).
    public var numOfRemoveFiles: Int
    /// The checkpoint file's size in bytes.
    public var sizeInBytes: Int64
    /// The log cleanup that followed, when it ran.
    public var logCleanup: DeltaLogCleanupResult?

    enum CodingKeys: String, CodingKey {
        case version, checkpoint, created, actions
        case numOfAddFiles = "num_add_files", numOfRemoveFiles = "num_remove_files"
        case sizeInBytes = "size_in_bytes", logCleanup = "log_cleanup"
    }
}

/// What log cleanup deleted from `_delta_log/`.
public struct DeltaLogCleanupResult: Codable, Sendable, Equatable {
    /// Entries written before this time (milliseconds since the epoch) could be deleted.
    public var cutoff: Int64
    /// The deleted entries, relative to the table.
    public var deletedFiles: [String]
    /// The earliest version that can still be read (time travel), when cleanup could decide.
    public var earliestReadableVersion: Int64?
    /// Why cleanup did nothing, when it was skipped.
    public var skipped: String?

    enum CodingKeys: String, CodingKey {
        case cutoff, deletedFiles = "deleted_files", earliestReadableVersion = "earliest_readable_version", skipped
    }
}
