/// What `deltaDetail` reports about a table at one version.
public struct DeltaTableDetail: Codable, Sendable {
    /// The table's location.
    public var location: String
    /// The version described.
    public var version: Int64
    /// When that version was committed (milliseconds since the epoch).
    public var timestamp: Int64
    /// The metadata id.
    public var id: String
    /// The table name, if set.
    public var name: String?
    /// The description, if set.
    public var description: String?
    /// The schema as Delta's JSON.
    public var schema: JSONValue
    /// Partition columns, in order.
    public var partitionColumns: [String]
    /// Table properties.
    public var configuration: [String: String]
    /// When the table was created (milliseconds since the epoch), if recorded.
    public var createdTime: Int64?
    /// The protocol: reader and writer versions and features.
    public var `protocol`: DeltaProtocolDetail
    /// Active data files.
    public var numFiles: Int
    /// Total bytes of the active data files.
    public var sizeInBytes: Int64

    enum CodingKeys: String, CodingKey {
        case location, version, timestamp, id, name, description, schema
        case partitionColumns = "partition_columns", configuration, createdTime = "created_time"
        case `protocol`, numFiles = "num_files", sizeInBytes = "size_in_bytes"
    }
}

/// A table's protocol versions and features.
public struct DeltaProtocolDetail: Codable, Sendable {
    /// The minimum reader version.
    public var minReaderVersion: Int
    /// The minimum writer version.
    public var minWriterVersion: Int
    /// Reader features (protocol 3+).
    public var readerFeatures: [String]?
    /// Writer features (protocol 7+).
    public var writerFeatures: [String]?

    enum CodingKeys: String, CodingKey {
        case minReaderVersion = "min_reader_version", minWriterVersion = "min_writer_version"
        case readerFeatures = "reader_features", writerFeatures = "writer_features"
    }
}

/// One active data file of a table.
public struct DeltaFileInfo: Codable, Sendable {
    /// The path as the log records it (relative to the table, usually).
    public var path: String
    /// Size in bytes.
    public var size: Int64
    /// Modification time (milliseconds since the epoch).
    public var modificationTime: Int64
    /// Partition values as the log stores them (text, by logical column name).
    public var partitionValues: [String: String?]
    /// Statistics (`numRecords`, `minValues`, `maxValues`, `nullCount`), when recorded.
    public var stats: JSONValue?
    /// Rows deleted by the file's deletion vector, if it has one.
    public var deletedRows: Int64?

    enum CodingKeys: String, CodingKey {
        case path, size, modificationTime = "modification_time", partitionValues = "partition_values", stats
        case deletedRows = "deleted_rows"
    }
}

/// The active files of a table at one version.
public struct DeltaFileList: Codable, Sendable {
    /// The version listed.
    public var version: Int64
    /// The files, sorted by path.
    public var files: [DeltaFileInfo]
}

/// One commit in a table's history.
public struct DeltaHistoryList: Codable, Sendable {
    /// Commits, newest first: every `commitInfo` field plus `version` and `timestamp`.
    public var history: [JSONValue]
}
