import DuckDB
import Foundation

/// SwiftLake as a library: every operation the CLI and the REST API offer, as async Swift
/// functions. One instance serves many concurrent callers.
///
/// ```swift
/// let lake = try Lakehouse(configuration: .init(roots: ["./data"]))
/// let cursor = try await lake.query(ParquetQueryRequest(paths: ["sales/"], sql: "SELECT count(*) FROM t"))
/// let result = try await cursor.collect()
/// ```
public final class Lakehouse: Sendable {
    /// The configuration this instance was created with.
    public let configuration: LakehouseConfiguration
    /// The data roots every path is checked against.
    public let roots: DataRoots
    /// The embedded DuckDB engine.
    public let duckdb: DuckDBEngine
    /// When this instance started.
    public let startedAt: Date
    /// Delta snapshots kept between requests (see ``DeltaSnapshotCache``).
    public let deltaSnapshots = DeltaSnapshotCache()

    /// The Spark engine, when a Spark Connect server is configured (``LakehouseConfiguration/sparkRemote``).
    public let spark: SparkEngine?

    /// The local cache of S3 objects that reads of `s3://` roots go through (`nil` without S3 roots).
    public let s3Cache: S3FileCache?

    /// Checks the roots and starts the embedded engine.
    public init(configuration: LakehouseConfiguration) throws {
        self.configuration = configuration
        self.roots = try DataRoots(configuration.roots, s3CacheDirectory: configuration.s3CacheDirectory)
        self.s3Cache = try roots.s3CacheDirectory.map { try S3FileCache(directory: $0, maxBytes: configuration.s3CacheMaxBytes) }
        self.duckdb = try DuckDBEngine(configuration: configuration, roots: roots)
        self.spark = try configuration.sparkRemote.map { try SparkEngine(remote: $0, queryTimeout: configuration.queryTimeout) }
        self.startedAt = Date()
    }

    /// Releases what outlives a request: the engine's staging directory. Call it before a
    /// process exits abruptly (on a signal); an orderly teardown does it anyway.
    public func close() {
        duckdb.removeStagingDirectory()
    }

    /// SwiftLake's own version.
    public static let version = "0.1.0"

    /// The engines this instance can run, and their state (Spark's is asked of its server).
    public func engineStatuses() async -> [EngineStatus] {
        var statuses = [EngineStatus(name: DuckDBEngine.name, available: true, version: duckdb.version, detail: "embedded")]
        if let spark {
            var status = await spark.status()
            if !roots.s3Roots.isEmpty {
                let buckets = spark.s3Reach.outcomes.map {
                    SparkS3ReadStatus.Bucket(bucket: $0.store.bucket, endpoint: $0.store.endpoint, reads: $0.direct ? "direct" : "staged")
                }
                status.s3Reads = SparkS3ReadStatus(mode: configuration.sparkS3Reads.rawValue, buckets: buckets)
            }
            statuses.append(status)
        }
        return statuses
    }

    /// The row limit a request gets: its own `limit` (or the default), capped at the maximum.
    func effectiveLimit(_ requested: Int?) throws -> Int {
        if let requested, requested < 0 {
            throw SwiftLakeError.invalid("invalid_limit", "'limit' must be 0 or more; got \(requested).")
        }
        return min(requested ?? configuration.defaultLimit, configuration.maxRows)
    }
}

/// An engine's state, as `/api/health` reports it.
public struct EngineStatus: Codable, Sendable {
    /// `duckdb` or `spark`.
    public var name: String
    /// Whether it can take work now.
    public var available: Bool
    /// The engine's version.
    public var version: String?
    /// How it is attached (`embedded`, a Spark Connect URL, …).
    public var detail: String?
    /// The engine's web UI (Spark's, on port 4040), when it has one.
    public var uiURL: String?
    /// How Spark reads files in S3 (Spark only, on servers with an S3 root).
    public var s3Reads: SparkS3ReadStatus?

    enum CodingKeys: String, CodingKey { case name, available, version, detail, uiURL = "ui_url", s3Reads = "s3_reads" }

    /// Describes an engine.
    public init(name: String, available: Bool, version: String? = nil, detail: String? = nil, uiURL: String? = nil,
                s3Reads: SparkS3ReadStatus? = nil) {
        self.name = name
        self.available = available
        self.version = version
        self.detail = detail
        self.uiURL = uiURL
        self.s3Reads = s3Reads
    }
}
