import DuckDB
import Foundation
import ObjectStore
import SparkConnect

extension Lakehouse {
    /// Whether `spark` reads `objects` (files in S3) itself through `s3a://`, per
    /// ``LakehouseConfiguration/sparkS3Reads``. With `auto` the first request for a bucket
    /// probes it: Spark reads the size of one of its objects through `s3a://` (`binaryFile`,
    /// content not read), and only when that is the object's size as SwiftLake's own S3 client
    /// knows it (so Spark reaches the same store, not merely a bucket of the same name) does
    /// Spark read the bucket directly from then on. A server that cannot read `s3a://` (no S3A
    /// connector, no credentials, another endpoint) makes the bucket use local copies. Objects
    /// of several buckets are read directly only when Spark reaches every one.
    func sparkReadsDirectly(_ objects: [S3CachedObject], spark: SparkEngine) async throws -> Bool {
        switch configuration.sparkS3Reads {
        case .staged: return false
        case .direct: return !objects.isEmpty
        case .auto: break
        }
        guard !objects.isEmpty else { return false }
        // Spark takes `[`, `{`, `*`, `?` and `\\` in a path as a glob: such keys are read from copies.
        if objects.contains(where: { Self.sparkS3URI($0).contains(where: { "[]{}*?\\".contains($0) }) }) { return false }
        var probed = Set<SparkS3Reach.Store>()
        for object in objects where probed.insert(Self.sparkStoreKey(object.store)).inserted {
            if try await !sparkReaches(object, spark: spark) { return false }
        }
        return true
    }

    /// Whether `spark` sees `object` through `s3a://` as SwiftLake does (the probe of
    /// ``sparkReadsDirectly(_:spark:)``, remembered per store).
    private func sparkReaches(_ object: S3CachedObject, spark: SparkEngine) async throws -> Bool {
        let store = Self.sparkStoreKey(object.store)
        if let known = spark.s3Reach.reads(store) { return known }
        let expected: Int64?
        if let size = object.size {
            expected = size
        } else {
            do {
                expected = try await object.store.head(object.path)?.size
            } catch {
                throw SwiftLakeError.objectStore(error, url: object.url)
            }
        }
        let source = SparkFileSource(name: "swiftlake_probe", paths: [Self.sparkS3URI(object)], format: "binaryFile")
        let direct: Bool
        do {
            let rows = try await spark.collect("SELECT length FROM swiftlake_probe", sources: [source])
            if case .bigint(let length)? = rows.first?.first {
                direct = expected == length
            } else {
                direct = false
            }
        } catch let error as SwiftLakeError where Self.passingProbeFailures.contains(error.code) || error.kind == .internal {
            throw error   // says nothing about the bucket: nothing is recorded
        } catch {
            if Task.isCancelled { throw CancellationError() }
            direct = false   // Spark's own answer: no S3A connector, no credentials, no such object there
        }
        spark.s3Reach.record(store, direct: direct)
        return direct
    }

    /// Probe failures that say nothing about whether Spark reaches the bucket (the server is
    /// down, the query timed out or was interrupted; also any failure on SwiftLake's side of
    /// the connection, an `internal` error): passed on, not recorded.
    static let passingProbeFailures: Set<String> = ["spark_unavailable", "query_timeout", "query_interrupted"]

    /// `files` as Spark is to read them from local copies: a copy in the S3 cache lives in a
    /// directory of its own (named by the object's identity), so copies of one Hive-partitioned
    /// prefix (`…/region=a/…`, `…/region=b/…`) share no base directory and Spark's partition
    /// discovery refuses them. Each copy is linked under its object key in a directory of
    /// this request's (removed when `lease` ends), which restores the layout; other files are
    /// given as they are.
    func sparkLocalPaths(_ files: [String], lease: S3FileCache.Lease?) throws -> [String] {
        guard let lease, let cache = s3Cache else { return files }
        let prefix = cache.directory + "/"
        guard files.contains(where: { $0.hasPrefix(prefix) }) else { return files }
        let links = duckdb.stagingPath(extension: "spark")
        lease.removeAtRelease(links)
        var used = Set<String>()
        return try files.map { file in
            guard file.hasPrefix(prefix), let slash = file.dropFirst(prefix.count).firstIndex(of: "/") else { return file }
            let key = String(file[file.index(after: slash)...])   // after the identity's directory
            var link = links + "/" + key
            var n = 1
            while !used.insert(link).inserted {   // the same key in two buckets
                link = links + "/\(n)/" + key
                n += 1
            }
            try FileManager.default.createDirectory(atPath: (link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
            return link
        }
    }

    /// The `s3a://` URI through which Spark reads `object`.
    static func sparkS3URI(_ object: S3CachedObject) -> String {
        "s3a://\(object.store.configuration.bucket)/\(object.store.configuration.prefix)\(object.path)"
    }

    /// What a probe's outcome is remembered under: the store's endpoint and bucket.
    static func sparkStoreKey(_ store: S3Store) -> SparkS3Reach.Store {
        SparkS3Reach.Store(endpoint: store.configuration.endpoint ?? "aws:" + store.configuration.region, bucket: store.configuration.bucket)
    }
}
