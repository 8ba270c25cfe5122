/// What VACUUM deleted, or would delete on a dry run (``Lakehouse/deltaVacuum(_:)``).
public struct DeltaVacuumResult: Codable, Sendable, Equatable {
    /// Whether this was a dry run (nothing deleted).
    public var dryRun: Bool
    /// The table version the files were judged against.
    public var version: Int64
    /// The retention used, in hours.
    public var retentionHours: Double
    /// Files removed from the table or written before this time (milliseconds since the
    /// epoch) were deletable.
    public var cutoff: Int64
    /// The files deleted (or to delete), relative to the table, sorted.
    public var files: [String]
    /// How many files were deleted (or would be).
    public var numFilesDeleted: Int
    /// Their total size in bytes.
    public var sizeOfDataDeleted: Int64

    enum CodingKeys: String, CodingKey {
        case dryRun = "dry_run", version, retentionHours = "retention_hours", cutoff, files
        case numFilesDeleted = "num_files_deleted", sizeOfDataDeleted = "size_of_data_deleted"
    }
}

/// A VACUUM request: which table, how long removed files must stay, whether to only list.
public struct DeltaVacuumRequest: Codable, Sendable {
    /// The table's directory.
    public var path: String
    /// Keep files removed within this many hours (default 168, one week). Less than the
    /// table's `delta.deletedFileRetentionDuration` is refused unless `enforceRetention` is false.
    public var retentionHours: Double?
    /// List what would be deleted without deleting it.
    public var dryRun: Bool?
    /// Refuse a retention shorter than the table's deleted-file retention (default true).
    /// Turning it off can break readers of old versions and writers still running.
    public var enforceRetention: Bool?

    /// Creates a request.
    public init(path: String, retentionHours: Double? = nil, dryRun: Bool? = nil, enforceRetention: Bool? = nil) {
        self.path = path
        self.retentionHours = retentionHours
        self.dryRun = dryRun
        self.enforceRetention = enforceRetention
    }

    enum CodingKeys: String, CodingKey {
        case path, retentionHours = "retention_hours", dryRun = "dry_run", enforceRetention = "enforce_retention"
    }
}
