import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ObjectStore
import SwiftLake
import SwiftLakeServer
import Testing

/// How the Spark engine reads files in S3 (``SparkS3Reads``), against moto_server and the test
/// Spark Connect server. `make test` starts that server with the S3A connector pointed at the
/// same moto_server (`SWIFTLAKE_SPARK_S3_ENDPOINT`), as a cluster configured for S3 is: Spark
/// then reads `s3a://` itself and SwiftLake fetches only the Parquet footers DuckDB needs to
/// type the answer. A server without the connector makes `auto` fall back to local copies.
/// The S3 cache's byte counter tells which happened.
@Suite struct SparkS3DirectReadTests {
    /// Rows in the test table's one data file (a few MB: its footer is a tiny part of it).
    static let rows = 300_000

    @Test("Spark reads a Delta table and Parquet in S3 through s3a:// when it reaches the bucket (footers fetched only), from local copies when staged")
    func directAndStagedReads() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        guard let moto = try await MotoBucket.make("swiftlake-s3a", skipping: "Spark s3a reads") else { return }
        let (endpoint, s3Environment, bucket, store) = (moto.endpoint, moto.environment, moto.name, moto.store)
        let environment = ProcessInfo.processInfo.environment
        // Whether the test Spark server was started to read this moto_server (make test does).
        let sparkReachesS3 = environment["SWIFTLAKE_SPARK_S3_ENDPOINT"] == endpoint
        if environment["SWIFTLAKE_TEST_FULL"] == "1" && !sparkReachesS3 {
            Issue.record("make test starts the Spark server with SWIFTLAKE_SPARK_S3_ENDPOINT=\(endpoint); it is '\(environment["SWIFTLAKE_SPARK_S3_ENDPOINT"] ?? "")'")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-s3a-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lake = "s3://\(bucket)/lake"
        let sql = "SELECT i AS id, 'name ' || (i % 1000) AS name, (i * 7) % 1009 AS score FROM range(\(Self.rows)) t(i)"
        // Hand-reasoned: ids 0…rows-1; of the scores, every residue mod 1009 cycles.
        let idSum = Self.rows * (Self.rows - 1) / 2

        for mode in [SparkS3Reads.auto, .staged] {
            var configuration = LakehouseConfiguration(roots: [directory, lake])
            configuration.sparkRemote = remote
            configuration.s3Environment = s3Environment
            configuration.s3CacheDirectory = directory + "/.s3-cache-\(mode.rawValue)"
            configuration.sparkS3Reads = mode
            let lakehouse = try Lakehouse(configuration: configuration)
            let cache = try #require(lakehouse.s3Cache)
            var logger = Logger(label: "spark-s3a-tests")
            logger.logLevel = .warning
            let app = try buildApplication(lakehouse: lakehouse, options: testOptions(), logger: logger)
            let direct = mode == .auto && sparkReachesS3
            try await app.test(.router) { client in
                func post(_ uri: String, _ body: [String: Any]) async throws -> [String: Any] {
                    let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                    let response = try await client.post(uri, json: text)
                    #expect(response.status == .ok, "\(mode) \(uri): \(response.text.prefix(500))")
                    return (try? response.json()) ?? [:]
                }
                let table = "\(lake)/events_\(mode.rawValue)"
                let write = try await post("/api/delta/write", ["path": table, "source": ["sql": sql], "engine": "duckdb"])
                #expect(int(write["version"]) == 0, "\(write)")
                let objects = try await store.list(prefix: "lake/events_\(mode.rawValue)/")
                let dataBytes = objects.filter { $0.path.hasSuffix(".parquet") }.reduce(Int64(0)) { $0 + $1.size }
                #expect(dataBytes > 1_000_000, "\(objects.map { ($0.path, $0.size) })")
                let fetchedBefore = cache.bytesFetched

                let read = try await post("/api/delta/read", [
                    "path": table, "engine": "spark",
                    "sql": "SELECT count(*) AS n, sum(id) AS ids, count(DISTINCT score) AS scores, max(name) AS top FROM t"])
                #expect(read["engine"] as? String == "spark")
                let row = (read["rows"] as? [[Any]])?.first
                #expect(whole(row?[0]) == Self.rows && whole(row?[1]) == idSum && whole(row?[2]) == 1009, "\(read)")
                #expect(row?[3] as? String == "name 999", "\(read)")
                let readFetched = cache.bytesFetched - fetchedBefore
                if direct {
                    #expect(readFetched > 0 && readFetched < dataBytes / 20, "\(mode): fetched \(readFetched) of \(dataBytes) bytes")
                } else {
                    #expect(readFetched >= dataBytes, "\(mode): fetched \(readFetched) of \(dataBytes) bytes")
                }

                // The same file as plain Parquet: a query and stats on Spark.
                let file = try #require(objects.first { $0.path.hasSuffix(".parquet") })
                let parquet = "s3://\(bucket)/\(file.path)"
                let before = cache.bytesFetched
                let query = try await post("/api/parquet/query", [
                    "paths": [parquet], "engine": "spark", "sql": "SELECT sum(score) AS total, min(id) AS low FROM t WHERE id >= 1000"])
                #expect(query["engine"] as? String == "spark")
                let expectedTotal = (1000..<Self.rows).reduce(0) { $0 + ($1 * 7) % 1009 }
                let answer = (query["rows"] as? [[Any]])?.first
                #expect(whole(answer?[0]) == expectedTotal && whole(answer?[1]) == 1000, "\(query)")
                let stats = try await post("/api/parquet/stats", ["paths": [parquet], "engine": "spark"])
                #expect(stats["engine"] as? String == "spark")
                #expect(int(stats["row_count"]) == Self.rows, "\(stats)")
                let parquetFetched = cache.bytesFetched - before
                if direct {
                    #expect(parquetFetched < dataBytes / 20, "\(mode): Parquet reads fetched \(parquetFetched) of \(dataBytes) bytes")
                } else {
                    // The whole object once (a Parquet read names its copy by the object's
                    // modification time, a Delta read by the log's size alone), then a hit.
                    #expect(parquetFetched >= dataBytes && parquetFetched < 2 * dataBytes,
                            "\(mode): Parquet reads fetched \(parquetFetched) of \(dataBytes) bytes")
                }

                // Hive partition directories in S3 (`region=…/`) become a column on Spark too.
                let bytes = try await store.get(file.path)
                for region in ["a", "b"] { try await store.put("lake/hive_\(mode.rawValue)/region=\(region)/part-0.parquet", bytes) }
                let hive = try await post("/api/parquet/query", [
                    "paths": ["s3://\(bucket)/lake/hive_\(mode.rawValue)/"], "engine": "spark",
                    "sql": "SELECT region, count(*) AS n FROM t GROUP BY region ORDER BY region"])
                let regions = (hive["rows"] as? [[Any]])?.map { "\($0[0]):\(whole($0[1]) ?? -1)" }
                #expect(regions == ["a:\(Self.rows)", "b:\(Self.rows)"], "\(mode): \(hive)")
                let merged = try await post("/api/parquet/merge", [
                    "paths": ["s3://\(bucket)/lake/hive_\(mode.rawValue)/"], "output": "s3://\(bucket)/lake/merged_\(mode.rawValue).parquet",
                    "engine": "spark"])
                #expect(merged["engine"] as? String == "spark" && int(merged["rows_written"]) == 2 * Self.rows, "\(mode): \(merged)")

                // Health says how Spark reads S3, and (auto) what the probe found for the bucket.
                let health = try await client.get("/api/health").json()
                let spark = (health["engines"] as? [[String: Any]])?.first { $0["name"] as? String == "spark" }
                let reads = spark?["s3_reads"] as? [String: Any]
                #expect(reads?["mode"] as? String == mode.rawValue, "\(health)")
                let buckets = (reads?["buckets"] as? [[String: Any]]) ?? []
                if mode == .auto {
                    #expect(buckets.count == 1 && buckets.first?["bucket"] as? String == bucket
                            && buckets.first?["reads"] as? String == (direct ? "direct" : "staged"), "\(health)")
                } else {
                    #expect(buckets.isEmpty, "\(health)")
                }
            }
            await lakehouse.spark?.close()
        }
    }
}

/// A whole number from a JSON answer (a `HUGEINT` sum may come as a string).
private func whole(_ value: Any?) -> Int? {
    (value as? NSNumber)?.intValue ?? (value as? String).flatMap { Int($0) }
}
