import Foundation

/// Memberwise initializers for the actions a writer creates (the decoding initializers are
/// in `Actions.swift`).

extension RemoveFile {
    /// Creates a `remove` action.
    public init(path: String, deletionTimestamp: Int64?, dataChange: Bool = true, extendedFileMetadata: Bool? = nil,
                partitionValues: [String: String?]? = nil, size: Int64? = nil, tags: [String: String?]? = nil,
                deletionVector: DeletionVectorDescriptor? = nil, baseRowId: Int64? = nil,
                defaultRowCommitVersion: Int64? = nil, stats: String? = nil) {
        self.path = path
        self.deletionTimestamp = deletionTimestamp
        self.dataChange = dataChange
        self.extendedFileMetadata = extendedFileMetadata
        self.partitionValues = partitionValues
        self.size = size
        self.tags = tags
        self.deletionVector = deletionVector
        self.baseRowId = baseRowId
        self.defaultRowCommitVersion = defaultRowCommitVersion
        self.stats = stats
    }
}

extension AddFile {
    /// The `remove` action that takes this file out of the table at `deletionTimestamp`
    /// (milliseconds since the epoch), with its partition values, size, tags, deletion
    /// vector and row-tracking fields (`extendedFileMetadata: true`, as Spark writes it).
    /// `dataChange: false` marks a rearrangement (compaction) that changes no rows.
    public func removal(at deletionTimestamp: Int64, dataChange: Bool = true) -> RemoveFile {
        RemoveFile(path: path, deletionTimestamp: deletionTimestamp, dataChange: dataChange, extendedFileMetadata: true,
                   partitionValues: partitionValues, size: size, tags: tags, deletionVector: deletionVector,
                   baseRowId: baseRowId, defaultRowCommitVersion: defaultRowCommitVersion)
    }
}

extension AddFile {
    /// This file re-added with `descriptor` as its deletion vector (replacing any), as DELETE,
    /// UPDATE and MERGE write it: same path, size, partition values, tags and statistics, with
    /// `dataChange: true`. `numRecords` stays the physical row count (PROTOCOL.md, "Writer
    /// Requirement for Deletion Vectors") and `tightBounds` becomes false, as Spark writes it:
    /// the min/max values may now be wider than the rows that remain.
    public func withDeletionVector(_ descriptor: DeletionVectorDescriptor) -> AddFile {
        var file = self
        file.deletionVector = descriptor
        file.dataChange = true
        if let stats = stats ?? statsParsed?.description { file.stats = Self.looseBounds(stats) }
        file.statsParsed = nil
        return file
    }

    /// `stats` JSON with `tightBounds` set to false, the rest of the text unchanged.
    static func looseBounds(_ stats: String) -> String {
        for spelling in ["\"tightBounds\":true", "\"tightBounds\": true"] where stats.contains(spelling) {
            return stats.replacingOccurrences(of: spelling, with: "\"tightBounds\":false")
        }
        if stats.contains("\"tightBounds\"") { return stats }
        guard let close = stats.lastIndex(of: "}") else { return stats }
        let body = stats[..<close].trimmingCharacters(in: .whitespaces)
        return body + (body.hasSuffix("{") ? "" : ",") + "\"tightBounds\":false}"
    }
}

extension Txn {
    /// Creates a `txn` action: application `appId` has committed its `version`.
    public init(appId: String, version: Int64, lastUpdated: Int64? = nil) {
        self.appId = appId
        self.version = version
        self.lastUpdated = lastUpdated
    }
}

extension DomainMetadata {
    /// Creates a `domainMetadata` action (`removed: true` removes the domain).
    public init(domain: String, configuration: String, removed: Bool = false) {
        self.domain = domain
        self.configuration = configuration
        self.removed = removed
    }
}

extension CommitInfo {
    /// Creates a `commitInfo` action from its fields (see ``CommitInfoBuilder``).
    public init(fields: [String: JSONValue]) { self.fields = fields }
}

extension CdcFile {
    /// Creates a `cdc` action.
    public init(path: String, partitionValues: [String: String?] = [:], size: Int64, dataChange: Bool = false,
                tags: [String: String?]? = nil) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.dataChange = dataChange
        self.tags = tags
    }
}
