/// Settings shared by every SwiftLake operation, whichever surface (library, CLI, REST) runs it.
public struct LakehouseConfiguration: Sendable {
    /// Directories whose contents may be read and written. Every path a request names must
    /// resolve (after following symlinks) inside one of them. Relative request paths are
    /// resolved against the first root.
    public var roots: [String]
    /// Rows returned by a query that does not give `limit`.
    public var defaultLimit: Int
    /// The most rows any query may return; larger limits are capped and reported as truncated.
    public var maxRows: Int
    /// The longest a single engine operation may run before it is interrupted; `nil` for no limit.
    public var queryTimeout: Duration?
    /// DuckDB worker threads; `nil` lets DuckDB use every core.
    public var threads: Int?
    /// DuckDB memory limit such as `"4GB"`; `nil` for DuckDB's default (80% of RAM).
    public var memoryLimit: String?
    /// Engine operations (queries being streamed included) that may run at once; more wait.
    public var maxConcurrentOperations: Int
    /// Whether engine connections track query progress, so that progress handlers and
    /// ``QueryCursor/progress`` report it. Tracking costs a few percent on short queries;
    /// a server that never shows progress turns it off.
    public var tracksProgress: Bool
    /// Whether Parquet footers (schema, row groups, statistics) are cached between reads, so
    /// repeated queries over the same files skip re-reading them. Only files that cannot have
    /// changed unnoticed are served from the cache (see the engine's footer cache policy);
    /// turn it off to read every footer from disk.
    public var cachesParquetFooters: Bool
    /// Where intermediate files (query exports, in-place rewrites) are staged; defaults to the
    /// system temporary directory.
    public var temporaryDirectory: String?
    /// Where S3 objects a request reads are cached (with `s3://` roots); default
    /// `swiftlake-s3-cache-<uid>` in the system temporary directory.
    public var s3CacheDirectory: String?
    /// The most bytes the S3 cache keeps (least recently used files go first); default 10 GiB.
    public var s3CacheMaxBytes: Int64 = 10 << 30
    /// The Spark Connect server of the Spark engine (`sc://host:15002`, with `;token=…` and
    /// `;use_ssl=true` for a remote cluster); `nil` (the default) runs everything on DuckDB.
    public var sparkRemote: String?
    /// With `"engine": "auto"`, a request that scans more bytes than this runs on Spark
    /// (when Spark is configured); default 1 GiB.
    public var sparkThresholdBytes: Int64 = 1 << 30
    /// How Spark reads files in S3: `auto` (the default) has Spark read `s3a://` URIs itself
    /// once a probe shows its cluster reaches the bucket (see ``SparkS3Reads``), and read local
    /// copies fetched through the S3 cache otherwise.
    public var sparkS3Reads: SparkS3Reads = .auto
    /// The environment S3 settings come from (`AWS_*`, see `S3Configuration`); `nil` for
    /// the process's own.
    public var s3Environment: [String: String]?

    /// Creates a configuration with the defaults documented on each property.
    public init(
        roots: [String],
        defaultLimit: Int = 1000,
        maxRows: Int = 1_000_000,
        queryTimeout: Duration? = .seconds(300),
        threads: Int? = nil,
        memoryLimit: String? = nil,
        maxConcurrentOperations: Int = 16,
        tracksProgress: Bool = true,
        cachesParquetFooters: Bool = true,
        temporaryDirectory: String? = nil
    ) {
        self.tracksProgress = tracksProgress
        self.cachesParquetFooters = cachesParquetFooters
        self.maxConcurrentOperations = maxConcurrentOperations
        self.roots = roots
        self.defaultLimit = defaultLimit
        self.maxRows = maxRows
        self.queryTimeout = queryTimeout
        self.threads = threads
        self.memoryLimit = memoryLimit
        self.temporaryDirectory = temporaryDirectory
    }
}
