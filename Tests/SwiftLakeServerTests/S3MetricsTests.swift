import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ObjectStore
import SwiftLake
import SwiftLakeServer
import Testing

/// `/metrics` reports the S3 cache of a server with an `s3://` root, against moto_server
/// (`SWIFTLAKE_S3_ENDPOINT`, set by `make test`).
@Suite struct S3MetricsTests {
    @Test func theS3CacheIsCountedInMetrics() async throws {
        guard let endpoint = ProcessInfo.processInfo.environment["SWIFTLAKE_S3_ENDPOINT"], !endpoint.isEmpty else {
            if ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1" {
                Issue.record("SWIFTLAKE_S3_ENDPOINT is not set; make test starts moto_server and sets it")
            } else {
                print("skipping S3 metrics test: SWIFTLAKE_S3_ENDPOINT is not set (scripts/moto-server.sh start prints it)")
            }
            return
        }
        let environment = ["AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                           "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
        let bucket = "swiftlake-metrics-\(UUID().uuidString.lowercased().prefix(12))"
        let store = S3Store(configuration: try S3Configuration(location: S3Location(bucket: bucket), environment: environment))
        try await store.createBucket()
        let sample = try await SampleLake.make()
        defer { sample.remove() }
        var configuration = LakehouseConfiguration(roots: [sample.root, "s3://\(bucket)/lake"])
        configuration.s3Environment = environment
        configuration.s3CacheDirectory = sample.path(".s3-cache")
        let lakehouse = try Lakehouse(configuration: configuration)
        var logger = Logger(label: "swiftlake-server-tests")
        logger.logLevel = .warning
        let app = try buildApplication(lakehouse: lakehouse, options: testOptions(), logger: logger)
        try await app.test(.router) { client in
            let copied = try await client.post("/api/parquet/merge", json: """
                {"paths": ["sales.parquet"], "output": "s3://\(bucket)/lake/sales.parquet"}
                """)
            #expect(copied.status == .ok, "\(copied.text)")
            let size = try #require(try await store.head("lake/sales.parquet")).size
            for _ in 0..<2 {
                _ = try await client.query(#"{"paths": ["s3://\#(bucket)/lake/sales.parquet"], "sql": "SELECT count(*) FROM t"}"#)
            }
            let text = try await client.get("/metrics").text
            #expect(text.contains("swiftlake_s3_cache_downloads_total 1"), "\(text)")
            #expect(text.contains("swiftlake_s3_cache_hits_total 1"), "\(text)")
            #expect(text.contains("swiftlake_s3_cache_fetched_bytes_total \(size)"), "\(text)")
            #expect(text.contains("swiftlake_s3_cache_files 1"), "\(text)")
            #expect(text.contains("swiftlake_s3_cache_bytes \(size)"), "\(text)")
            // A second scrape does not count the same downloads again.
            #expect(try await client.get("/metrics").text.contains("swiftlake_s3_cache_downloads_total 1"))
        }
    }
}
