/// An OPTIMIZE (compaction) request: which table, which partitions, how big new files should be.
public struct DeltaOptimizeRequest: Codable, Sendable {
    /// The table's directory.
    public var path: String
    /// A SQL predicate over partition columns only (`"region = 'north'"`): only files of the
    /// matching partitions are compacted. Every partition when absent.
    public var predicate: String?
    /// The size, in bytes, that compacted files aim for; files at least this big are left
    /// alone. Default: the table's `delta.targetFileSize`, else 128 MiB.
    public var targetSize: Int64?
    /// The engine that reads and writes the compacted files; `auto` when absent.
    public var engine: EngineChoice?

    /// Creates a request.
    public init(path: String, predicate: String? = nil, targetSize: Int64? = nil, engine: EngineChoice? = nil) {
        self.path = path
        self.predicate = predicate
        self.targetSize = targetSize
        self.engine = engine
    }

    enum CodingKeys: String, CodingKey {
        case path, predicate = "where", targetSize = "target_size", engine
    }
}
