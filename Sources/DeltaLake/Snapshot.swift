import ObjectStore

/// The state of a Delta table at one version: what log replay of a ``LogSegment`` yields.
/// Immutable; built by ``SnapshotBuilder`` (or ``DeltaTable/snapshot(version:)``).
///
/// Invariants: `protocol` is readable by this library (checked by ``TableFeatures``);
/// `activeFiles` holds each ``FileKey`` once, sorted by path; no active file is also a
/// tombstone.
public struct Snapshot: Sendable {
    /// The table's location (path or URL, no trailing `/`) as given to the builder.
    public let location: String
    /// The version.
    public let version: Int64
    /// Milliseconds since the epoch when this version was committed: the in-commit timestamp
    /// when the table has them, else the commit file's modification time.
    public let timestamp: Int64
    /// The table's metadata at this version.
    public let metadata: Metadata
    /// The table's protocol at this version.
    public let `protocol`: DeltaProtocol
    /// The parsed schema.
    public let schema: DeltaSchema
    /// The data files that make up this version, sorted by path.
    public let activeFiles: [AddFile]
    /// Files removed and not re-added, still known to the log (vacuum's candidates).
    public let tombstones: [RemoveFile]
    /// The latest `txn` per application id.
    public let appTransactions: [String: Txn]
    /// Domain metadata per domain (removed domains are absent).
    public let domainMetadata: [String: DomainMetadata]
    /// The log files this snapshot was built from.
    public let logSegment: LogSegment

    /// The total size in bytes of the active files.
    public var totalBytes: Int64 { activeFiles.reduce(0) { $0 + $1.size } }

    /// The active files' typed partition values (by logical column name), in `activeFiles` order.
    public func partitionValues() throws -> [[String: PartitionValue]] {
        try activeFiles.map { try PartitionValues.typed($0.partitionValues, schema: schema, partitionColumns: metadata.partitionColumns) }
    }

    /// The last version `appId` committed through a `txn` action, if any.
    public func transactionVersion(appId: String) -> Int64? { appTransactions[appId]?.version }

    /// The absolute location of a file path from the log (relative paths are resolved
    /// against the table location; absolute URIs are returned as they are). Percent-encoding
    /// is decoded for local paths.
    public func absolutePath(of path: String) -> String {
        if path.contains("://") || path.hasPrefix("/") { return path }
        let decoded = path.removingPercentEncodingIfLocal(location)
        return location + "/" + decoded
    }
}

extension String {
    func removingPercentEncodingIfLocal(_ location: String) -> String {
        if location.contains("://") && !location.hasPrefix("file://") { return self }
        return self.removingPercentEncoding ?? self
    }
}

import Foundation
