import Foundation
import ObjectStore

/// One optimistic write to a Delta table: the actions to commit, what they were based on,
/// and the commit protocol (PROTOCOL.md, "Delta Log Entries"; Delta's `OptimisticTransaction`).
///
/// ```swift
/// let table = DeltaTable(path: "/data/sales")
/// var txn = try await table.startTransaction(operation: "WRITE", parameters: ["mode": .string("Append")])
/// txn.add(newFiles)                                   // AddFile actions for files the engine wrote
/// txn.setAppTransaction(appId: "nightly-load", version: 42)
/// let result = try await txn.commit(metrics: ["numFiles": .int(2), "numOutputRows": .int(1000)], engineInfo: "SwiftLake/0.1.0")
/// print(result.version, result.attempts)
/// ```
///
/// Commit writes `_delta_log/<readVersion + 1>.json` with put-if-absent. When another
/// writer got that version first, the winning commits are read and checked with
/// ``ConflictChecker``'s rules; without a conflict the commit is retried at the next free
/// version after a jittered exponential wait (``RetryPolicy``). A conflict, or
/// ``RetryPolicy/maxAttempts`` lost races, ends in ``DeltaError`` of kind `conflict` with
/// ``DeltaError/conflict`` naming the winning version, its operation and the rule.
///
/// Nothing is written unless every check passes: the table's writer features
/// (``WriterFeatures``), `delta.appendOnly`, partition values, duplicate files, and the read
/// version's log file still being there (a snapshot older than log cleanup cannot commit).
/// A transaction is a value; committing it twice writes two commits.
public struct Transaction: Sendable {
    /// The table written to.
    public let table: DeltaTable
    /// The snapshot the transaction read; `nil` when it creates the table.
    public let readSnapshot: Snapshot?
    /// The operation recorded in `commitInfo`, e.g. `WRITE`, `DELETE`, `CREATE TABLE`.
    public var operation: String
    /// The operation's parameters (values are written as Spark does; see ``CommitInfoBuilder``).
    public var operationParameters: [String: JSONValue]
    /// Overrides the isolation level; by default `SnapshotIsolation` for commits that change
    /// no data, else the table's `delta.isolationLevel` (`WriteSerializable` when unset).
    public var isolationLevel: IsolationLevel?
    /// How lost races are retried.
    public var retryPolicy: RetryPolicy = .default

    /// Files to add, in order.
    public private(set) var addedFiles: [AddFile] = []
    /// Files to remove, in order.
    public private(set) var removedFiles: [RemoveFile] = []
    /// The new metadata, when the transaction changes it (or creates the table).
    public private(set) var newMetadata: Metadata?
    /// The new protocol, when the transaction changes it (or creates the table).
    public private(set) var newProtocol: DeltaProtocol?
    /// Application transactions to record, by application id.
    public private(set) var appTransactions: [String: Int64] = [:]
    /// Domain metadata to write, in order.
    public private(set) var domainMetadata: [DomainMetadata] = []
    /// What was recorded with ``recordRead(_:)``; `nil` until then.
    var recordedRead: ReadSet?

    /// A transaction on `snapshot`. Throws `unsupportedFeature` when the table has writer
    /// features this library cannot honour.
    init(table: DeltaTable, snapshot: Snapshot, operation: String, parameters: [String: JSONValue]) throws {
        try WriterFeatures.checkWritable(snapshot.protocol, metadata: snapshot.metadata, table: "the table at \(snapshot.location)")
        self.table = table
        self.readSnapshot = snapshot
        self.operation = operation
        self.operationParameters = parameters
    }

    /// A transaction that creates the table (version 0). When `metadata` sets
    /// `delta.enableDeletionVectors` to true, `proto` gains the `deletionVectors` reader and
    /// writer feature (``WriterFeatures/protocol(_:for:)``).
    init(table: DeltaTable, creating metadata: Metadata, protocol proto: DeltaProtocol, operation: String,
         parameters: [String: JSONValue]) throws {
        self.table = table
        self.readSnapshot = nil
        self.operation = operation
        self.operationParameters = parameters
        self.newMetadata = metadata
        let proto = WriterFeatures.protocol(proto, for: metadata)
        self.newProtocol = proto
        try validateTableState(metadata: metadata, protocol: proto)
    }

    // MARK: - Building

    /// The version read, or -1 when creating the table.
    public var readVersion: Int64 { readSnapshot?.version ?? -1 }

    /// The metadata the commit leaves in effect.
    public var effectiveMetadata: Metadata { newMetadata ?? readSnapshot!.metadata }
    /// The protocol the commit leaves in effect.
    public var effectiveProtocol: DeltaProtocol { newProtocol ?? readSnapshot!.protocol }

    /// Adds data files the engine wrote.
    public mutating func add(_ files: [AddFile]) { addedFiles += files }

    /// Removes data files (see ``AddFile/removal(at:dataChange:)``).
    public mutating func remove(_ files: [RemoveFile]) { removedFiles += files }

    /// Removes active files of the snapshot, stamped now.
    public mutating func remove(_ files: [AddFile], dataChange: Bool = true) {
        let now = CommitInfoBuilder.now()
        removedFiles += files.map { $0.removal(at: now, dataChange: dataChange) }
    }

    /// Replaces the table's metadata (schema, partitioning, properties). Checked for
    /// writability when set and again at commit.
    public mutating func updateMetadata(_ metadata: Metadata) throws {
        try validateTableState(metadata: metadata, protocol: effectiveProtocol, newProtocol: newProtocol != nil)
        newMetadata = metadata
    }

    /// Replaces the table's protocol (an upgrade).
    public mutating func updateProtocol(_ proto: DeltaProtocol) throws {
        try validateTableState(metadata: effectiveMetadata, protocol: proto)
        newProtocol = proto
    }

    /// Records that application `appId` commits its `version` here (a `txn` action). If the
    /// snapshot already records `appId` at `version` or later, ``commit(metrics:engineInfo:)``
    /// writes nothing and reports ``CommitResult/skipped``: retried writes are idempotent.
    /// (With several application ids, one already recorded is enough to skip.) A concurrent
    /// commit of the same `appId` is a ``CommitConflict/Kind/concurrentTransaction`` conflict;
    /// retrying the operation then finds it recorded and skips.
    public mutating func setAppTransaction(appId: String, version: Int64) { appTransactions[appId] = version }

    /// Adds or removes a metadata domain.
    public mutating func setDomainMetadata(_ domain: DomainMetadata) {
        domainMetadata.removeAll { $0.domain == domain.domain }
        domainMetadata.append(domain)
    }

    /// Records what the transaction read; successive calls add up. Without any call, a
    /// transaction that only adds files read ``ReadScope/nothing`` (a blind append) and any
    /// other read ``ReadScope/wholeTable``. Recording ``ReadScope/nothing`` explicitly says
    /// the commit does not depend on the table's contents.
    public mutating func recordRead(_ scope: ReadScope) {
        var read = recordedRead ?? ReadSet()
        read.record(scope)
        recordedRead = read
    }

    // MARK: - What the commit says about itself

    /// What the transaction read, with the defaults applied.
    var effectiveRead: ReadSet {
        if let recordedRead { return recordedRead }
        guard readSnapshot != nil else { return ReadSet() }
        let onlyAdds = removedFiles.isEmpty && newMetadata == nil && newProtocol == nil && domainMetadata.isEmpty
        return onlyAdds ? ReadSet() : ReadSet(wholeTable: true)
    }

    /// Whether the commit only adds files and read nothing (Delta's `isBlindAppend`).
    public var isBlindAppend: Bool { removedFiles.isEmpty && effectiveRead.isEmpty }

    /// The isolation level the commit is checked at and records.
    public func resolvedIsolationLevel() throws -> IsolationLevel {
        if let isolationLevel { return isolationLevel }
        let changesData = addedFiles.contains(where: \.dataChange) || removedFiles.contains(where: \.dataChange)
            || newMetadata != nil || newProtocol != nil
        if !changesData { return .snapshotIsolation }
        return try IsolationLevel.configured(in: readSnapshot?.metadata ?? effectiveMetadata)
    }

    /// The commit's footprint for the conflict rules.
    func footprint() throws -> TransactionFootprint {
        let read = effectiveRead
        var readPaths = read.files
        if !read.partitions.isEmpty, let readSnapshot {
            for file in readSnapshot.activeFiles where read.covers(partitionValues: file.partitionValues) {
                readPaths.insert(file.path)
            }
        }
        return TransactionFootprint(
            read: read, readFilePaths: readPaths, removedPaths: Set(removedFiles.map(\.path)),
            appIds: Set(appTransactions.keys), domains: Set(domainMetadata.map(\.domain)),
            changesMetadataOrProtocol: newMetadata != nil || newProtocol != nil,
            isolationLevel: try resolvedIsolationLevel())
    }

    /// The actions of one attempt, `commitInfo` first (as in-commit timestamps will need).
    func actions(commitInfo: CommitInfoBuilder, timestamp: Int64) -> [Action] {
        var actions: [Action] = [.commitInfo(commitInfo.build(timestamp: timestamp))]
        if let newProtocol { actions.append(.protocol(newProtocol)) }
        if let newMetadata { actions.append(.metadata(newMetadata)) }
        for (appId, version) in appTransactions.sorted(by: { $0.key < $1.key }) {
            actions.append(.txn(Txn(appId: appId, version: version, lastUpdated: timestamp)))
        }
        actions += domainMetadata.map(Action.domainMetadata)
        actions += removedFiles.map(Action.remove)
        actions += addedFiles.map(Action.add)
        return actions
    }
}

extension DeltaProtocol {
    /// The protocol new tables get unless asked for another: reader 1, writer 2 (appendOnly
    /// and invariants), what every Delta client can read and write.
    public static var newTableDefault: DeltaProtocol { DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2) }
}
