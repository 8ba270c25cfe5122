/// Decides whether a commit that lost the race for a version may be retried after the
/// commit that won it (Delta's `ConflictChecker`, PROTOCOL.md leaves this to writers).
///
/// The rules, checked in Delta's order against each winning commit since our read version;
/// the first that fires names the conflict:
///
/// 1. ``CommitConflict/Kind/protocolChanged``: the winner has a `protocol` action. (Stricter
///    than recent Delta, which lets a compatible upgrade through.)
/// 2. ``CommitConflict/Kind/metadataChanged``: the winner has a `metaData` action.
/// 3. ``CommitConflict/Kind/concurrentAppend``: the winner added a file our read could have
///    seen (its partition values match our ``ReadScope``). Which adds count depends on our
///    isolation level: under ``IsolationLevel/writeSerializable``, only adds with
///    `dataChange: true` of a commit that is not a blind append (its `commitInfo.isBlindAppend`;
///    missing counts as not blind), so concurrent blind appends never conflict, unless we
///    change metadata or protocol, in which case all its adds count; under
///    ``IsolationLevel/serializable`` all of them; under ``IsolationLevel/snapshotIsolation`` none.
/// 4. ``CommitConflict/Kind/concurrentDeleteRead``: the winner removed (with or without
///    `dataChange`) a file we read, or any file when we read the whole table.
/// 5. ``CommitConflict/Kind/concurrentDeleteDelete``: the winner removed a file we remove.
/// 6. ``CommitConflict/Kind/concurrentTransaction``: the winner has a `txn` for an
///    application id we commit.
/// 7. ``CommitConflict/Kind/concurrentDomainMetadata``: the winner changed a metadata domain
///    we change.
///
/// A blind append (only adds, nothing read) can therefore only conflict through rules 1, 2,
/// 6 and 7.
enum ConflictChecker {
    /// The first conflict between our transaction and `winner`, or `nil` when we may retry.
    static func conflict(of ours: TransactionFootprint, with winner: WinningCommit) -> CommitConflict? {
        func found(_ kind: CommitConflict.Kind, _ detail: String? = nil) -> CommitConflict {
            CommitConflict(kind: kind, winningVersion: winner.version, winningOperation: winner.operation, detail: detail)
        }
        if winner.protocol != nil { return found(.protocolChanged, "the table's protocol was changed") }
        if winner.metadata != nil { return found(.metadataChanged, "the table's metadata (schema, partitioning or properties) was changed") }

        let addsToCheck: [AddFile]
        switch ours.isolationLevel {
        case .snapshotIsolation:
            addsToCheck = []
        case .writeSerializable where !ours.changesMetadataOrProtocol:
            addsToCheck = winner.isBlindAppend ? [] : winner.adds.filter(\.dataChange)
        case .writeSerializable, .serializable:
            addsToCheck = winner.isBlindAppend ? winner.adds : winner.adds.filter(\.dataChange)
        }
        if let add = addsToCheck.first(where: { ours.read.covers(partitionValues: $0.partitionValues) }) {
            return found(.concurrentAppend, "it added \(describe(add.path, add.partitionValues)), which our read could have seen")
        }

        if let remove = winner.removes.first(where: { ours.readFilePaths.contains($0.path) })
            ?? (ours.read.wholeTable ? winner.removes.first : nil) {
            return found(.concurrentDeleteRead, "it removed \(describe(remove.path, remove.partitionValues)), which we read")
        }
        if let remove = winner.removes.first(where: { ours.removedPaths.contains($0.path) }) {
            return found(.concurrentDeleteDelete, "it removed \(remove.path), which we also remove")
        }
        if let txn = winner.txns.first(where: { ours.appIds.contains($0.appId) }) {
            return found(.concurrentTransaction, "it committed version \(txn.version) of application '\(txn.appId)', which we also commit")
        }
        if let domain = winner.domains.first(where: { ours.domains.contains($0.domain) }) {
            return found(.concurrentDomainMetadata, "it changed the metadata domain '\(domain.domain)', which we also change")
        }
        return nil
    }

    static func describe(_ path: String, _ partitionValues: [String: String?]?) -> String {
        guard let partitionValues, !partitionValues.isEmpty else { return path }
        let partition = partitionValues.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value ?? "NULL")" }.joined(separator: "/")
        return "\(path) in partition \(partition)"
    }
}

/// What a committing transaction touched, as the conflict rules see it.
struct TransactionFootprint: Sendable {
    /// What it read (its predicates).
    var read: ReadSet
    /// Paths of the files it read: named files plus the files of its partitions at the read version.
    var readFilePaths: Set<String>
    /// Paths of the files it removes.
    var removedPaths: Set<String>
    /// Application ids of its `txn` actions.
    var appIds: Set<String>
    /// Domains of its `domainMetadata` actions.
    var domains: Set<String>
    /// Whether it writes a `metaData` or `protocol` action.
    var changesMetadataOrProtocol: Bool
    /// The level it is checked at.
    var isolationLevel: IsolationLevel
}

/// A commit that won a version we tried to write, summarised for the conflict rules.
struct WinningCommit: Sendable {
    var version: Int64
    var commitInfo: CommitInfo?
    var `protocol`: DeltaProtocol?
    var metadata: Metadata?
    var adds: [AddFile] = []
    var removes: [RemoveFile] = []
    var txns: [Txn] = []
    var domains: [DomainMetadata] = []

    /// The winner's operation from its `commitInfo`.
    var operation: String? { commitInfo?.operation }
    /// Whether the winner declared itself a blind append (missing counts as not blind, as in Delta).
    var isBlindAppend: Bool { commitInfo?.isBlindAppend ?? false }

    init(version: Int64, actions: [Action]) {
        self.version = version
        for action in actions {
            switch action {
            case .commitInfo(let info): commitInfo = info
            case .protocol(let p): self.protocol = p
            case .metadata(let m): metadata = m
            case .add(let a): adds.append(a)
            case .remove(let r): removes.append(r)
            case .txn(let t): txns.append(t)
            case .domainMetadata(let d): domains.append(d)
            case .cdc, .checkpointMetadata, .sidecar: break
            }
        }
    }
}
