/// Why a commit was refused because of a concurrent commit: the rule that was broken and the
/// commit that won. Carried by ``DeltaError/conflict`` (kind ``DeltaError/Kind/conflict``).
///
/// The kinds are named after Delta's exceptions (`ConcurrentAppendException`, ...), so users
/// who know Delta recognise them.
public struct CommitConflict: Sendable, Hashable, CustomStringConvertible {
    /// The rule that was broken.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The winner changed the protocol (`ProtocolChangedException`).
        case protocolChanged = "ProtocolChanged"
        /// The winner changed the metadata: schema, partitioning or properties (`MetadataChangedException`).
        case metadataChanged = "MetadataChanged"
        /// The winner added files our read could have seen (`ConcurrentAppendException`).
        case concurrentAppend = "ConcurrentAppend"
        /// The winner removed a file we read (`ConcurrentDeleteReadException`).
        case concurrentDeleteRead = "ConcurrentDeleteRead"
        /// The winner removed a file we also remove (`ConcurrentDeleteDeleteException`).
        case concurrentDeleteDelete = "ConcurrentDeleteDelete"
        /// The winner committed a `txn` for an application id we commit (`ConcurrentTransactionException`).
        case concurrentTransaction = "ConcurrentTransaction"
        /// The winner changed a metadata domain we also change.
        case concurrentDomainMetadata = "ConcurrentDomainMetadata"
        /// Version 0 exists: the table was created before us (or concurrently).
        case tableAlreadyExists = "TableAlreadyExists"
        /// Every attempt lost a race to another commit (none of them conflicted).
        case retriesExhausted = "RetriesExhausted"
        /// The version the transaction read is no longer in the log (log cleanup removed it),
        /// so the commits after it cannot be checked; ``CommitConflict/winningVersion`` is
        /// the read version.
        case readVersionCleanedUp = "ReadVersionCleanedUp"
    }

    /// The rule that was broken.
    public var kind: Kind
    /// The version of the concurrent commit that won (for ``Kind/retriesExhausted``, the last
    /// one; for ``Kind/readVersionCleanedUp``, the version read).
    public var winningVersion: Int64
    /// The winner's operation from its `commitInfo` (e.g. `WRITE`, `DELETE`), when recorded.
    public var winningOperation: String?
    /// What overlapped: a file path, a partition, a domain or an application id.
    public var detail: String?

    /// Creates a conflict description.
    public init(kind: Kind, winningVersion: Int64, winningOperation: String?, detail: String? = nil) {
        self.kind = kind
        self.winningVersion = winningVersion
        self.winningOperation = winningOperation
        self.detail = detail
    }

    public var description: String {
        "\(kind.rawValue) with version \(winningVersion) (\(winningOperation ?? "unknown operation"))"
            + (detail.map { ": \($0)" } ?? "")
    }
}
