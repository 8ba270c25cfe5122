/// One action of a Delta commit or checkpoint (PROTOCOL.md, "Actions").
///
/// JSON commits hold one action per line (`{"add": {...}}`); checkpoints hold one action
/// per row. ``Action/init(json:)`` decodes either form once the row has been turned into
/// JSON-like values (see ``CheckpointReader``). Unknown action types decode to `nil` and
/// are skipped, as the protocol asks of readers.
public enum Action: Sendable, Hashable {
    case add(AddFile)
    case remove(RemoveFile)
    case metadata(Metadata)
    case `protocol`(DeltaProtocol)
    case commitInfo(CommitInfo)
    case txn(Txn)
    case domainMetadata(DomainMetadata)
    case cdc(CdcFile)
    case checkpointMetadata(CheckpointMetadata)
    case sidecar(Sidecar)

    /// Decodes the action in a wrapper object such as `{"add": {...}}` (the first non-null
    /// known member wins; checkpoint rows have all others null). Returns `nil` for lines with
    /// no known action.
    public init?(json: JSONValue) throws {
        guard case .object(let members) = json else {
            throw DeltaError(.corruptLog, "a log action must be a JSON object, got \(json)")
        }
        if let v = members["add"], !v.isNull { self = .add(try AddFile(json: v)) }
        else if let v = members["remove"], !v.isNull { self = .remove(try RemoveFile(json: v)) }
        else if let v = members["metaData"], !v.isNull { self = .metadata(try Metadata(json: v)) }
        else if let v = members["protocol"], !v.isNull { self = .protocol(try DeltaProtocol(json: v)) }
        else if let v = members["commitInfo"], !v.isNull { self = .commitInfo(CommitInfo(json: v)) }
        else if let v = members["txn"], !v.isNull { self = .txn(try Txn(json: v)) }
        else if let v = members["domainMetadata"], !v.isNull { self = .domainMetadata(try DomainMetadata(json: v)) }
        else if let v = members["cdc"], !v.isNull { self = .cdc(try CdcFile(json: v)) }
        else if let v = members["checkpointMetadata"], !v.isNull { self = .checkpointMetadata(try CheckpointMetadata(json: v)) }
        else if let v = members["sidecar"], !v.isNull { self = .sidecar(try Sidecar(json: v)) }
        else { return nil }
    }

    /// Decodes every action of a newline-delimited JSON file (a commit, a JSON v2 checkpoint).
    /// `file` names the file in errors.
    public static func decodeLines(_ bytes: [UInt8], file: String) throws -> [Action] {
        var actions: [Action] = []
        var lineNumber = 0
        try bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                lineNumber += 1
                let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                if line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) {
                    do {
                        let json = try JSONValue.parse(bytes: line)
                        if let action = try Action(json: json) { actions.append(action) }
                    } catch var error as DeltaError {
                        error.message = "\(file) line \(lineNumber): \(error.message)"
                        throw error
                    }
                }
                start = end + 1
            }
        }
        return actions
    }
}

// MARK: - Field helpers

struct Fields {
    let action: String
    let members: [String: JSONValue]

    init(_ action: String, _ json: JSONValue) throws {
        guard case .object(let members) = json else {
            throw DeltaError(.corruptLog, "'\(action)' action is not a JSON object: \(json)")
        }
        self.action = action
        self.members = members
    }

    func missing(_ key: String) -> DeltaError {
        DeltaError(.corruptLog, "'\(action)' action lacks the required field '\(key)'")
    }

    func string(_ key: String) throws -> String {
        guard let s = members[key]?.stringValue else { throw missing(key) }
        return s
    }
    func optionalString(_ key: String) -> String? { members[key]?.stringValue }
    func int64(_ key: String) throws -> Int64 {
        guard let v = members[key]?.int64Value else { throw missing(key) }
        return v
    }
    func optionalInt64(_ key: String) -> Int64? { members[key]?.int64Value }
    func bool(_ key: String, default value: Bool) -> Bool { members[key]?.boolValue ?? value }
    func optionalBool(_ key: String) -> Bool? { members[key]?.boolValue }
    func stringMap(_ key: String) -> [String: String?]? { members[key]?.stringMap }
    func stringArray(_ key: String) -> [String]? {
        members[key]?.arrayValue?.compactMap(\.stringValue)
    }
}

// MARK: - File actions

/// `add`: a data file that is part of the table (PROTOCOL.md, "Add File and Remove File").
public struct AddFile: Sendable, Hashable {
    /// URI of the file, relative to the table root or absolute; percent-encoded as in the log.
    public var path: String
    /// Partition column (physical name) → serialized value; `nil` is SQL NULL.
    public var partitionValues: [String: String?]
    /// Size in bytes.
    public var size: Int64
    /// Milliseconds since the epoch when the file was created.
    public var modificationTime: Int64
    /// Whether the commit changed data (false for compaction).
    public var dataChange: Bool
    /// Column statistics as a JSON string (`numRecords`, `minValues`, `maxValues`, `nullCount`).
    public var stats: String?
    /// Statistics already parsed (checkpoints may store them as a struct, `stats_parsed`).
    public var statsParsed: JSONValue?
    /// Free-form tags.
    public var tags: [String: String?]?
    /// Rows of this file that are deleted, when the table uses deletion vectors.
    public var deletionVector: DeletionVectorDescriptor?
    /// Row tracking: the first row id of this file.
    public var baseRowId: Int64?
    /// Row tracking: the commit version rows of this file default to.
    public var defaultRowCommitVersion: Int64?
    /// Liquid clustering: the clustering implementation that wrote the file.
    public var clusteringProvider: String?

    /// The key under which log replay reconciles this file: its path and deletion vector.
    public var key: FileKey { FileKey(path: path, deletionVectorId: deletionVector?.uniqueId) }

    /// Creates an `add` action.
    public init(path: String, partitionValues: [String: String?] = [:], size: Int64, modificationTime: Int64,
                dataChange: Bool = true, stats: String? = nil, statsParsed: JSONValue? = nil,
                tags: [String: String?]? = nil, deletionVector: DeletionVectorDescriptor? = nil,
                baseRowId: Int64? = nil, defaultRowCommitVersion: Int64? = nil, clusteringProvider: String? = nil) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.modificationTime = modificationTime
        self.dataChange = dataChange
        self.stats = stats
        self.statsParsed = statsParsed
        self.tags = tags
        self.deletionVector = deletionVector
        self.baseRowId = baseRowId
        self.defaultRowCommitVersion = defaultRowCommitVersion
        self.clusteringProvider = clusteringProvider
    }

    /// Decodes the body of an `add` action.
    public init(json: JSONValue) throws {
        let f = try Fields("add", json)
        path = try f.string("path")
        partitionValues = f.stringMap("partitionValues") ?? [:]
        size = try f.int64("size")
        modificationTime = f.optionalInt64("modificationTime") ?? 0
        dataChange = f.bool("dataChange", default: true)
        stats = f.optionalString("stats")
        if let parsed = f.members["stats_parsed"], !parsed.isNull { statsParsed = parsed }
        tags = f.stringMap("tags")
        if let dv = f.members["deletionVector"], !dv.isNull {
            deletionVector = try DeletionVectorDescriptor(json: dv)
        }
        baseRowId = f.optionalInt64("baseRowId")
        defaultRowCommitVersion = f.optionalInt64("defaultRowCommitVersion")
        clusteringProvider = f.optionalString("clusteringProvider")
    }

    /// The number of records from the statistics, when known.
    public var numRecords: Int64? {
        if let n = statsParsed?["numRecords"]?.int64Value { return n }
        guard let stats, let json = try? JSONValue.parse(stats) else { return nil }
        return json["numRecords"]?.int64Value
    }
}

/// `remove`: a data file that is no longer part of the table (a tombstone until vacuumed).
public struct RemoveFile: Sendable, Hashable {
    /// URI of the removed file, as it was added.
    public var path: String
    /// Milliseconds since the epoch of the deletion.
    public var deletionTimestamp: Int64?
    /// Whether the commit changed data.
    public var dataChange: Bool
    /// Whether `partitionValues`, `size` and `tags` are present.
    public var extendedFileMetadata: Bool?
    /// Partition values of the removed file, when given.
    public var partitionValues: [String: String?]?
    /// Size in bytes, when given.
    public var size: Int64?
    /// Free-form tags.
    public var tags: [String: String?]?
    /// The deletion vector the removed file had (part of its identity).
    public var deletionVector: DeletionVectorDescriptor?
    /// Row tracking fields.
    public var baseRowId: Int64?
    /// Row tracking fields.
    public var defaultRowCommitVersion: Int64?
    /// Statistics, when given.
    public var stats: String?

    /// The key under which log replay reconciles this file.
    public var key: FileKey { FileKey(path: path, deletionVectorId: deletionVector?.uniqueId) }

    /// Decodes the body of a `remove` action.
    public init(json: JSONValue) throws {
        let f = try Fields("remove", json)
        path = try f.string("path")
        deletionTimestamp = f.optionalInt64("deletionTimestamp")
        dataChange = f.bool("dataChange", default: true)
        extendedFileMetadata = f.optionalBool("extendedFileMetadata")
        partitionValues = f.stringMap("partitionValues")
        size = f.optionalInt64("size")
        tags = f.stringMap("tags")
        if let dv = f.members["deletionVector"], !dv.isNull {
            deletionVector = try DeletionVectorDescriptor(json: dv)
        }
        baseRowId = f.optionalInt64("baseRowId")
        defaultRowCommitVersion = f.optionalInt64("defaultRowCommitVersion")
        stats = f.optionalString("stats")
    }
}

/// The identity of a data file in log replay: its path and its deletion vector's unique id.
/// An `add` with a new deletion vector replaces the file with the old one (same path).
public struct FileKey: Sendable, Hashable, CustomStringConvertible {
    /// The file's path, as in the log.
    public var path: String
    /// ``DeletionVectorDescriptor/uniqueId`` of its deletion vector, if any.
    public var deletionVectorId: String?

    /// Creates a key.
    public init(path: String, deletionVectorId: String? = nil) {
        self.path = path
        self.deletionVectorId = deletionVectorId
    }

    public var description: String { deletionVectorId.map { "\(path) [dv \($0)]" } ?? path }
}

/// `cdc`: a change-data file written by a commit (only read by change-data-feed queries).
public struct CdcFile: Sendable, Hashable {
    /// URI of the change file.
    public var path: String
    /// Partition values of the change file.
    public var partitionValues: [String: String?]
    /// Size in bytes.
    public var size: Int64
    /// Always false for cdc files.
    public var dataChange: Bool
    /// Free-form tags.
    public var tags: [String: String?]?

    /// Decodes the body of a `cdc` action.
    public init(json: JSONValue) throws {
        let f = try Fields("cdc", json)
        path = try f.string("path")
        partitionValues = f.stringMap("partitionValues") ?? [:]
        size = f.optionalInt64("size") ?? 0
        dataChange = f.bool("dataChange", default: false)
        tags = f.stringMap("tags")
    }
}

// MARK: - Table-level actions

/// `metaData`: the table's identity, schema, partitioning and configuration.
public struct Metadata: Sendable, Hashable {
    /// Unique table id (a UUID string).
    public var id: String
    /// User-given name, if any.
    public var name: String?
    /// User-given description, if any.
    public var description: String?
    /// The data files' format, `parquet` for every Delta table.
    public var formatProvider: String
    /// Format options.
    public var formatOptions: [String: String]
    /// The schema as Delta's JSON (see ``DeltaSchema``).
    public var schemaString: String
    /// Logical names of the partition columns, in order.
    public var partitionColumns: [String]
    /// Table properties (`delta.*` and user keys).
    public var configuration: [String: String]
    /// Milliseconds since the epoch when the table was created, if recorded.
    public var createdTime: Int64?

    /// Creates metadata.
    public init(id: String, name: String? = nil, description: String? = nil, formatProvider: String = "parquet",
                formatOptions: [String: String] = [:], schemaString: String, partitionColumns: [String] = [],
                configuration: [String: String] = [:], createdTime: Int64? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.formatProvider = formatProvider
        self.formatOptions = formatOptions
        self.schemaString = schemaString
        self.partitionColumns = partitionColumns
        self.configuration = configuration
        self.createdTime = createdTime
    }

    /// Decodes the body of a `metaData` action.
    public init(json: JSONValue) throws {
        let f = try Fields("metaData", json)
        id = try f.string("id")
        name = f.optionalString("name")
        description = f.optionalString("description")
        formatProvider = f.members["format"]?["provider"]?.stringValue ?? "parquet"
        formatOptions = (f.members["format"]?["options"]?.stringMap ?? [:]).compactMapValues { $0 }
        // Missing in some Delta Live Tables commits; such a version cannot be read (the
        // snapshot builder says so), but later metaData actions replace it.
        schemaString = f.optionalString("schemaString") ?? ""
        partitionColumns = f.stringArray("partitionColumns") ?? []
        configuration = (f.stringMap("configuration") ?? [:]).compactMapValues { $0 }
        createdTime = f.optionalInt64("createdTime")
    }

    /// The parsed schema.
    public func schema() throws -> DeltaSchema { try DeltaSchema(json: schemaString) }

    /// The column mapping mode (`delta.columnMapping.mode`): `none`, `name` or `id`.
    public var columnMappingMode: String { configuration["delta.columnMapping.mode"] ?? "none" }

    /// Whether in-commit timestamps are on (`delta.enableInCommitTimestamps`).
    public var inCommitTimestampsEnabled: Bool {
        configuration["delta.enableInCommitTimestamps"]?.lowercased() == "true"
            || configuration["delta.enableInCommitTimestamps-preview"]?.lowercased() == "true"
    }

    /// The first version with in-commit timestamps, when they were enabled after creation.
    public var inCommitTimestampEnablementVersion: Int64? {
        configuration["delta.inCommitTimestampEnablementVersion"].flatMap { Int64($0) }
    }
}

/// `protocol`: the reader and writer versions and features a client needs.
public struct DeltaProtocol: Sendable, Hashable {
    /// Minimum reader protocol version (1, 2 or 3).
    public var minReaderVersion: Int
    /// Minimum writer protocol version (1...7).
    public var minWriterVersion: Int
    /// Reader features (only with reader version 3).
    public var readerFeatures: [String]?
    /// Writer features (only with writer version 7).
    public var writerFeatures: [String]?

    /// Creates a protocol action.
    public init(minReaderVersion: Int, minWriterVersion: Int, readerFeatures: [String]? = nil, writerFeatures: [String]? = nil) {
        self.minReaderVersion = minReaderVersion
        self.minWriterVersion = minWriterVersion
        self.readerFeatures = readerFeatures
        self.writerFeatures = writerFeatures
    }

    /// Decodes the body of a `protocol` action.
    public init(json: JSONValue) throws {
        let f = try Fields("protocol", json)
        minReaderVersion = Int(try f.int64("minReaderVersion"))
        minWriterVersion = Int(try f.int64("minWriterVersion"))
        readerFeatures = f.stringArray("readerFeatures")
        writerFeatures = f.stringArray("writerFeatures")
    }
}

/// `commitInfo`: provenance of a commit. Free-form: every field is kept as JSON.
public struct CommitInfo: Sendable, Hashable {
    /// Every field of the action, including ones this library does not know.
    public var fields: [String: JSONValue]

    /// Wraps the body of a `commitInfo` action (anything that is not an object keeps nothing).
    public init(json: JSONValue) { fields = json.objectValue ?? [:] }

    /// Milliseconds since the epoch when the writer committed (writer's clock).
    public var timestamp: Int64? { fields["timestamp"]?.int64Value }
    /// The in-commit timestamp, when the table has in-commit timestamps.
    public var inCommitTimestamp: Int64? { fields["inCommitTimestamp"]?.int64Value }
    /// The operation, e.g. `WRITE`, `DELETE`, `MERGE`, `OPTIMIZE`.
    public var operation: String? { fields["operation"]?.stringValue }
    /// The operation's parameters (values are JSON-encoded strings in Spark's commits).
    public var operationParameters: [String: JSONValue]? { fields["operationParameters"]?.objectValue }
    /// The operation's metrics (e.g. `numOutputRows`).
    public var operationMetrics: [String: JSONValue]? { fields["operationMetrics"]?.objectValue }
    /// The writer, e.g. `Apache-Spark/3.5.0 Delta-Lake/3.1.0`.
    public var engineInfo: String? { fields["engineInfo"]?.stringValue }
    /// The version the writer read before committing.
    public var readVersion: Int64? { fields["readVersion"]?.int64Value }
    /// Whether the commit only appended data.
    public var isBlindAppend: Bool? { fields["isBlindAppend"]?.boolValue }
}

/// `txn`: the last version an application committed (idempotent writes).
public struct Txn: Sendable, Hashable {
    /// The application's id.
    public var appId: String
    /// The application-defined version.
    public var version: Int64
    /// Milliseconds since the epoch of the transaction, if recorded.
    public var lastUpdated: Int64?

    /// Decodes the body of a `txn` action.
    public init(json: JSONValue) throws {
        let f = try Fields("txn", json)
        appId = try f.string("appId")
        version = try f.int64("version")
        lastUpdated = f.optionalInt64("lastUpdated")
    }
}

/// `domainMetadata`: configuration owned by a named domain (e.g. `delta.clustering`).
public struct DomainMetadata: Sendable, Hashable {
    /// The domain's name.
    public var domain: String
    /// The domain's configuration (usually a JSON string).
    public var configuration: String
    /// Whether this action removes the domain.
    public var removed: Bool

    /// Decodes the body of a `domainMetadata` action.
    public init(json: JSONValue) throws {
        let f = try Fields("domainMetadata", json)
        domain = try f.string("domain")
        configuration = f.optionalString("configuration") ?? ""
        removed = f.bool("removed", default: false)
    }
}

/// `checkpointMetadata`: the header of a v2 checkpoint.
public struct CheckpointMetadata: Sendable, Hashable {
    /// The version the checkpoint describes.
    public var version: Int64
    /// Free-form tags.
    public var tags: [String: String?]?

    /// Decodes the body of a `checkpointMetadata` action.
    public init(json: JSONValue) throws {
        let f = try Fields("checkpointMetadata", json)
        version = try f.int64("version")
        tags = f.stringMap("tags")
    }
}

/// `sidecar`: a file in `_delta_log/_sidecars/` holding part of a v2 checkpoint's file actions.
public struct Sidecar: Sendable, Hashable {
    /// The sidecar's path, relative to `_delta_log/_sidecars/` (or absolute).
    public var path: String
    /// Size in bytes.
    public var sizeInBytes: Int64
    /// Milliseconds since the epoch of its creation.
    public var modificationTime: Int64
    /// Free-form tags.
    public var tags: [String: String?]?

    /// Decodes the body of a `sidecar` action.
    public init(json: JSONValue) throws {
        let f = try Fields("sidecar", json)
        path = try f.string("path")
        sizeInBytes = f.optionalInt64("sizeInBytes") ?? 0
        modificationTime = f.optionalInt64("modificationTime") ?? 0
        tags = f.stringMap("tags")
    }
}
