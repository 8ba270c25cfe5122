import Foundation
import ObjectStore
import Testing
@testable import SwiftLake

/// Parquet modify, merge, metadata and stats on `s3://` paths against moto_server (`make
/// test` sets `SWIFTLAKE_S3_ENDPOINT`): inputs come through the S3 cache, outputs are staged
/// and uploaded, and what lands in the bucket is checked by downloading it again. Expected
/// values are worked out by hand from data whose every row is known (`range(100)`).
@Suite(.serialized) struct S3ParquetOperationTests {
    struct Fixture {
        let lake: Lakehouse
        let store: S3Store
        let bucket: String
        let directory: TemporaryDirectory
        var root: String { "s3://\(bucket)/lake" }
    }

    /// A bucket with `lake/nums/part-0.parquet` (id 0–49, v = id * 10, g = id % 3) and
    /// `lake/nums/part-1.parquet` (id 50–99, likewise), and a lakehouse whose roots are a
    /// local directory and `s3://bucket/lake`.
    static func fixture(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Fixture? {
        guard let endpoint = S3ReadTests.requireEndpoint(what: "S3 Parquet test", sourceLocation: sourceLocation) else { return nil }
        let bucket = "swiftlake-pq-\(UUID().uuidString.lowercased().prefix(16))"
        let env = S3ReadTests.environment(endpoint)
        let store = S3Store(configuration: try S3Configuration(location: S3Location(bucket: bucket, prefix: ""), environment: env))
        try await store.createBucket()
        let directory = try TemporaryDirectory()
        var configuration = LakehouseConfiguration(roots: [directory.path, "s3://\(bucket)/lake"])
        configuration.s3CacheDirectory = directory.file(".cache")
        configuration.s3Environment = env
        let lake = try Lakehouse(configuration: configuration)
        for (index, range) in [(0, "0, 50"), (1, "50, 100")] {
            let file = directory.file("part-\(index).parquet")
            try await lake.duckdb.withConnection { connection in
                try connection.execute("COPY (SELECT range AS id, range * 10 AS v, range % 3 AS g FROM range(\(range))) TO \(SQL.literal(file)) (FORMAT parquet)")
            }
            try await store.uploadFile(file, to: "lake/nums/part-\(index).parquet")
        }
        return Fixture(lake: lake, store: store, bucket: bucket, directory: directory)
    }

    /// Rows of a query over `paths` (table `t`).
    func rows(_ lake: Lakehouse, _ paths: [String], _ sql: String) async throws -> [[DuckDBValue]] {
        try await lake.query(ParquetQueryRequest(paths: paths, sql: sql)).collect().rows
    }

    /// The object at `key`, downloaded anew and read by DuckDB (not through the cache).
    func downloaded(_ fixture: Fixture, _ key: String, _ sql: String) async throws -> [[DuckDBValue]] {
        let file = fixture.directory.file("check-\(UUID().uuidString.prefix(8)).parquet")
        _ = try await fixture.store.download(key, to: file)
        return try await rows(fixture.lake, [file], sql)
    }

    @Test func modifyReadsFromS3AndWritesToS3() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        let result = try await lake.modify(ParquetModifyRequest(
            path: fixture.root + "/nums/part-0.parquet", output: fixture.root + "/out/even.parquet",
            predicate: nil, updates: ["v": "v + 1"], deleteWhere: "id % 2 = 1"))
        #expect(result.output == fixture.root + "/out/even.parquet")
        #expect(result.rowsRead == 50 && result.rowsDeleted == 25 && result.rowsWritten == 25)
        // id 0, 2, …, 48: 25 rows, sum(id) = 600, v = id * 10 + 1.
        let check = try await downloaded(fixture, "lake/out/even.parquet", "SELECT count(*), sum(id), sum(v) FROM t")
        #expect(check == [[.bigint(25), .hugeint(600), .hugeint(6_025)]])
        #expect(result.bytesWritten == Int(try #require(try await fixture.store.head("lake/out/even.parquet")).size))
        // The input object is unchanged.
        #expect(try await downloaded(fixture, "lake/nums/part-0.parquet", "SELECT count(*) FROM t") == [[.bigint(50)]])
    }

    @Test func anExistingS3OutputIsA409UnlessOverwriteAndNothingChanges() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        let input = fixture.root + "/nums/part-1.parquet"
        let before = try #require(try await fixture.store.head("lake/nums/part-0.parquet"))
        let error = await #expect(throws: SwiftLakeError.self) {
            _ = try await lake.modify(ParquetModifyRequest(path: input, output: fixture.root + "/nums/part-0.parquet", deleteWhere: "id > 90"))
        }
        #expect(error?.kind == .conflict && error?.code == "output_exists")
        let after = try #require(try await fixture.store.head("lake/nums/part-0.parquet"))
        #expect(after.size == before.size && after.lastModified == before.lastModified)
        // In place, with overwrite: the object is replaced.
        let inPlace = try await lake.modify(ParquetModifyRequest(path: input, deleteWhere: "id > 90", overwrite: true))
        #expect(inPlace.output == input && inPlace.rowsWritten == 41)
        #expect(try await downloaded(fixture, "lake/nums/part-1.parquet", "SELECT count(*), max(id) FROM t") == [[.bigint(41), .bigint(90)]])
    }

    @Test func mergeAPrefixIntoOneS3FileAndIntoPartitions() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        let merged = try await lake.merge(ParquetMergeRequest(paths: [fixture.root + "/nums"], output: fixture.root + "/all.parquet"))
        #expect(merged.filesMerged == 2 && merged.rowsWritten == 100 && merged.output == fixture.root + "/all.parquet")
        #expect(try await downloaded(fixture, "lake/all.parquet", "SELECT count(*), sum(id) FROM t") == [[.bigint(100), .hugeint(4_950)]])
        // Partitioned by g: one object per value below the output key, g = 0 holds 34 rows.
        let parts = try await lake.merge(ParquetMergeRequest(paths: [fixture.root + "/nums/*.parquet"], output: fixture.root + "/by_g", partitionBy: ["g"]))
        #expect(parts.rowsWritten == 100)
        let keys = try await fixture.store.list(prefix: "lake/by_g/").map(\.path)
        #expect(Set(keys.map { $0.split(separator: "/")[2] }) == ["g=0", "g=1", "g=2"])
        let zero = try #require(keys.first { $0.contains("/g=0/") })
        #expect(try await downloaded(fixture, zero, "SELECT count(*) FROM t") == [[.bigint(34)]])
        // Overwriting the partitioned output with one file leaves no stale partition objects.
        _ = try await lake.merge(ParquetMergeRequest(paths: [fixture.root + "/nums/part-0.parquet"], output: fixture.root + "/by_g", overwrite: true))
        #expect(try await fixture.store.list(prefix: "lake/by_g/").isEmpty)
        #expect(try await downloaded(fixture, "lake/by_g", "SELECT count(*) FROM t") == [[.bigint(50)]])
        // A local output from S3 inputs, and the query over the S3 output matches it.
        let local = fixture.directory.file("all-local.parquet")
        _ = try await lake.merge(ParquetMergeRequest(paths: [fixture.root + "/nums"], output: local, dedupeOn: ["g"]))
        #expect(try await rows(lake, [local], "SELECT count(*) FROM t") == [[.bigint(3)]])
    }

    @Test func metadataAndStatsOfS3Files() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        let path = fixture.root + "/nums/part-1.parquet"
        let metadata = try await lake.metadata(ParquetMetadataRequest(path: path))
        #expect(metadata.path == path && metadata.numRows == 50)
        #expect(metadata.columns.map(\.name) == ["id", "v", "g"])
        #expect(metadata.fileSize == Int(try #require(try await fixture.store.head("lake/nums/part-1.parquet")).size))
        let prefix = await #expect(throws: SwiftLakeError.self) { _ = try await lake.metadata(ParquetMetadataRequest(path: fixture.root + "/nums")) }
        #expect(prefix?.code == "not_a_file")
        let stats = try await lake.stats(ParquetStatsRequest(paths: [fixture.root + "/nums/*.parquet"]))
        #expect(stats.rowCount == 100)
        let id = try #require(stats.columns.first { $0.name == "id" })
        #expect(id.min == .exactNumber("0") && id.max == .exactNumber("99") && id.mean == 49.5 && id.nullCount == 0, "\(id)")
    }
}
