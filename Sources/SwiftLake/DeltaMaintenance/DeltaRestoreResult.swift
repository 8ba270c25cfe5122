/// What RESTORE committed (``Lakehouse/deltaRestore(path:version:timestamp:)``). The metric
/// names are Spark's `operationMetrics` of a RESTORE commit.
public struct DeltaRestoreResult: Codable, Sendable, Equatable {
    /// The version the RESTORE commit was written as.
    public var version: Int64
    /// The version whose state was restored.
    public var restoredVersion: Int64
    /// Files re-added (active at the restored version, not before the restore).
    public var numRestoredFiles: Int
    /// Files removed (active before the restore, not at the restored version).
    public var numRemovedFiles: Int
    /// Bytes of the re-added files.
    public var restoredFilesSize: Int64
    /// Bytes of the removed files.
    public var removedFilesSize: Int64
    /// Active files after the restore.
    public var numOfFilesAfterRestore: Int
    /// Bytes of the active files after the restore.
    public var tableSizeAfterRestore: Int64

    enum CodingKeys: String, CodingKey {
        case version, restoredVersion = "restored_version", numRestoredFiles = "num_restored_files"
        case numRemovedFiles = "num_removed_files", restoredFilesSize = "restored_files_size"
        case removedFilesSize = "removed_files_size", numOfFilesAfterRestore = "num_files_after_restore"
        case tableSizeAfterRestore = "table_size_after_restore"
    }
}
