/// The outcome of ``Transaction/commit(metrics:engineInfo:)``.
public struct CommitResult: Sendable, Hashable {
    /// The version the commit was written as; for a skipped commit, the version read (which
    /// already holds the application's transaction).
    public var version: Int64
    /// How many times the commit file was put (1 when no race was lost; 0 when skipped).
    public var attempts: Int
    /// Whether nothing was written because the snapshot already records the application
    /// transaction (``Transaction/setAppTransaction(appId:version:)``) at this version or later.
    public var skipped: Bool
    /// The concurrent commits that won earlier attempts and were found not to conflict.
    public var concurrentVersions: [Int64]

    /// Creates a result.
    public init(version: Int64, attempts: Int, skipped: Bool = false, concurrentVersions: [Int64] = []) {
        self.version = version
        self.attempts = attempts
        self.skipped = skipped
        self.concurrentVersions = concurrentVersions
    }
}
