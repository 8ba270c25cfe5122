import Synchronization

/// How the Spark engine reads data files that live in S3.
///
/// A Spark cluster configured for S3 (the Hadoop S3A connector on its classpath and
/// `spark.hadoop.fs.s3a.*` settings for the store) reads `s3a://bucket/key` itself, in
/// parallel on its executors; SwiftLake then fetches nothing but the Parquet footers DuckDB
/// needs to type the answer. A cluster without it reads local copies that SwiftLake fetches
/// through its S3 cache (which works only when Spark sees SwiftLake's disk, as a local server
/// does). Writes are staged either way: Spark writes into a local mirror, SwiftLake uploads
/// the files and only then commits.
public enum SparkS3Reads: String, Sendable, CaseIterable {
    /// Probe once per bucket: Spark reads `s3a://` directly when it sees the bucket's objects
    /// as SwiftLake does (same object, same size), local copies otherwise.
    case auto
    /// Always `s3a://`: a cluster that cannot read it fails the request with Spark's error.
    case direct
    /// Always local copies through the S3 cache.
    case staged
}

/// What a Spark engine learnt about reaching each S3 store (endpoint and bucket) itself:
/// whether a probe read of an object through `s3a://` saw it as SwiftLake's own S3 client
/// does. Forgotten when the server was unreachable (a restarted server may be configured
/// differently).
final class SparkS3Reach: Sendable {
    /// An S3 store as the probe tells them apart.
    struct Store: Hashable, Sendable {
        /// The endpoint SwiftLake's client uses (`aws:REGION` for AWS's own).
        var endpoint: String
        var bucket: String
    }

    /// The probe's outcome per store: `true` when Spark reads it directly.
    private let known = Mutex<[Store: Bool]>([:])

    /// The probe's outcome for `store`, if it ran.
    func reads(_ store: Store) -> Bool? { known.withLock { $0[store] } }

    /// Records the probe's outcome for `store`.
    func record(_ store: Store, direct: Bool) { known.withLock { $0[store] = direct } }

    /// Forgets every outcome.
    func forget() { known.withLock { $0.removeAll() } }

    /// Every outcome so far, by bucket then endpoint.
    var outcomes: [(store: Store, direct: Bool)] {
        known.withLock { $0.map { ($0.key, $0.value) } }.sorted { ($0.store.bucket, $0.store.endpoint) < ($1.store.bucket, $1.store.endpoint) }
    }
}

/// How the Spark engine reads S3, for `/api/health`: the configured mode and what the probe
/// found for each bucket requests have used so far.
public struct SparkS3ReadStatus: Codable, Sendable, Equatable {
    /// `auto`, `direct` or `staged` (``SparkS3Reads``).
    public var mode: String
    /// Buckets probed so far (with `auto`).
    public var buckets: [Bucket]

    /// One probed bucket.
    public struct Bucket: Codable, Sendable, Equatable {
        public var bucket: String
        /// The S3 endpoint SwiftLake's client uses (`aws:REGION` for AWS's own).
        public var endpoint: String
        /// `direct` (Spark reads `s3a://` itself) or `staged` (local copies).
        public var reads: String
    }
}
