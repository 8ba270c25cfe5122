import Foundation
import ObjectStore
import Testing
@testable import SwiftLake

/// Reads of `s3://` roots against moto_server (`SWIFTLAKE_S3_ENDPOINT`, set by `make test`):
/// corpus Delta tables and Parquet files uploaded with S3Store read the same rows as their
/// local copies, fetch only the files a request needs (bytes counted), and a second read
/// fetches nothing.
@Suite(.serialized) struct S3ReadTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/corpus/delta-rs-tables").standardized.path
    static let tables = ["delta-0.8.0-partitioned", "simple_table_with_checkpoint", "table-with-dv-small"]

    struct Fixture {
        let lake: Lakehouse
        let bucket: String
        let directory: TemporaryDirectory
    }

    static var endpoint: String? {
        ProcessInfo.processInfo.environment["SWIFTLAKE_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The moto endpoint, or nil (the test skips) when it is not set: an issue recorded under
    /// `make test` (SWIFTLAKE_TEST_FULL=1), where it must be set, a printed note otherwise.
    static func requireEndpoint(what: String, sourceLocation: SourceLocation) -> String? {
        if let endpoint { return endpoint }
        if ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1" {
            Issue.record("SWIFTLAKE_S3_ENDPOINT is not set; make test starts moto_server (scripts/moto-server.sh start) and sets it",
                         sourceLocation: sourceLocation)
        } else {
            print("skipping \(what) at \(sourceLocation.fileName):\(sourceLocation.line): SWIFTLAKE_S3_ENDPOINT is not set (scripts/moto-server.sh start prints it; make test sets it)")
        }
        return nil
    }

    static func environment(_ endpoint: String) -> [String: String] {
        ["AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
         "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_REGION": "us-east-1",
         "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
    }

    /// A bucket holding the corpus tables under `lake/` and their Parquet files under
    /// `lake/pq/`, and a lakehouse with the corpus and `s3://bucket/lake` as roots.
    static func fixture(maxCacheBytes: Int64 = 10 << 30, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Fixture? {
        guard let endpoint = requireEndpoint(what: "S3 read test", sourceLocation: sourceLocation) else { return nil }
        let bucket = "swiftlake-read-\(UUID().uuidString.lowercased().prefix(16))"
        let env = environment(endpoint)
        let store = S3Store(configuration: try S3Configuration(location: S3Location(bucket: bucket, prefix: "lake"), environment: env))
        try await store.createBucket()
        for table in tables {
            let root = corpus + "/" + table
            let enumerator = FileManager.default.enumerator(atPath: root)
            while let relative = enumerator?.nextObject() as? String {
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory)
                if isDirectory.boolValue || relative.hasSuffix(".crc") { continue }
                try await store.uploadFile(root + "/" + relative, to: table + "/" + relative)
                if table == "delta-0.8.0-partitioned", relative.hasSuffix(".parquet") {
                    try await store.uploadFile(root + "/" + relative, to: "pq/" + relative)
                }
            }
        }
        let directory = try TemporaryDirectory()
        var configuration = LakehouseConfiguration(roots: [corpus, "s3://\(bucket)/lake"])
        configuration.s3CacheDirectory = directory.file("cache")
        configuration.s3CacheMaxBytes = maxCacheBytes
        configuration.s3Environment = env
        return Fixture(lake: try Lakehouse(configuration: configuration), bucket: bucket, directory: directory)
    }

    static func digest(_ rows: [[DuckDBValue]]) -> [String] {
        rows.map { $0.map(\.description).joined(separator: "|") }.sorted()
    }

    static func deltaRows(_ lake: Lakehouse, _ path: String, sql: String = "SELECT * FROM t") async throws -> [String] {
        digest(try await lake.deltaRead(DeltaReadRequest(path: path, sql: sql, limit: 100_000)).cursor.collect().rows)
    }

    @Test func deltaTablesReadTheSameRowsAsTheirLocalCopies() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        for table in Self.tables {
            // First with the cache holding footers and one column only, then whole files.
            for sql in ["SELECT count(*) FROM t", "SELECT count(*), count(\(table == "delta-0.8.0-partitioned" ? "value" : "*")) FROM t"] {
                let local = try await Self.deltaRows(lake, Self.corpus + "/" + table, sql: sql)
                #expect(try await Self.deltaRows(lake, "s3://\(fixture.bucket)/lake/\(table)", sql: sql) == local, "\(table): \(sql)")
            }
            let local = try await Self.deltaRows(lake, Self.corpus + "/" + table)
            let remote = try await Self.deltaRows(lake, "s3://\(fixture.bucket)/lake/\(table)")
            #expect(!local.isEmpty, "\(table)")
            #expect(remote == local, "\(table)")
            let localDetail = try await lake.deltaDetail(path: Self.corpus + "/" + table)
            let remoteDetail = try await lake.deltaDetail(path: "s3://\(fixture.bucket)/lake/\(table)")
            #expect(remoteDetail.version == localDetail.version)
            #expect(remoteDetail.numFiles == localDetail.numFiles)
        }
    }

    @Test func aSelectiveReadFetchesOnlyItsFilesAndTheSecondReadFetchesNothing() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake, cache = try #require(lake.s3Cache)
        let path = "s3://\(fixture.bucket)/lake/delta-0.8.0-partitioned"
        let files = try await lake.deltaFiles(path: path)
        let needed = files.files.filter { $0.partitionValues["year"] == "2021" }
        #expect(needed.count > 0 && needed.count < files.files.count)

        let sql = "SELECT value FROM t WHERE year = '2021'"
        let remote = try await Self.deltaRows(lake, path, sql: sql)
        #expect(remote == (try await Self.deltaRows(lake, Self.corpus + "/delta-0.8.0-partitioned", sql: sql)))
        #expect(cache.downloads == needed.count)
        // The footers and `value` chunks of those files (S3RangedReadTests counts them exactly).
        #expect(cache.bytesFetched > 0 && cache.bytesFetched <= needed.reduce(0) { $0 + $1.size })

        let before = cache.bytesFetched
        #expect(try await Self.deltaRows(lake, path, sql: sql) == remote)
        #expect(cache.bytesFetched == before, "the second read is served from the cache")
        // A relative path resolves against the first root (here local); s3:// outside the roots is refused.
        await expectError(.forbidden) { _ = try await Self.deltaRows(lake, "s3://\(fixture.bucket)/elsewhere/t") }
        await expectError(.forbidden) { _ = try await Self.deltaRows(lake, "s3://other-bucket/lake/t") }
        // Converting what is a Delta table already is a 409, leaving the table alone.
        let refused = await expectError(.conflict) {
            _ = try await lake.deltaConvert(DeltaConvertRequest(path: path))
        }
        #expect(refused?.code == "table_exists")
        #expect(try await Self.deltaRows(lake, path, sql: sql) == remote)
    }

    @Test func checkpointedTableReadsItsCheckpointThroughTheCache() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let cache = try #require(fixture.lake.s3Cache)
        let path = "s3://\(fixture.bucket)/lake/simple_table_with_checkpoint"
        _ = try await fixture.lake.deltaDetail(path: path)
        #expect(cache.downloads == 1, "the checkpoint, and no data file")
    }

    @Test func parquetQueriesOverS3GlobsAndPrefixes() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake, cache = try #require(lake.s3Cache)
        let local = Self.corpus + "/delta-0.8.0-partitioned"
        let remote = "s3://\(fixture.bucket)/lake/pq"
        let sql = "SELECT value, year, month, day FROM t"
        let viaGlob = Self.digest(try await rows(lake, [remote + "/year=2020/**/*.parquet"], sql))
        #expect(viaGlob == Self.digest(try await rows(lake, [local + "/year=2020/**/*.parquet"], sql)))
        let fetched = cache.bytesFetched
        let viaPrefix = Self.digest(try await rows(lake, [remote], sql))
        #expect(viaPrefix == Self.digest(try await rows(lake, [local], sql)))
        #expect(cache.bytesFetched > fetched, "the 2021 files were fetched")
        let all = cache.bytesFetched
        _ = try await rows(lake, [remote], sql)
        #expect(cache.bytesFetched == all, "the second query is served from the cache")
        await expectError(.notFound) { _ = try await rows(lake, [remote + "/nothing/*.parquet"], sql) }
    }

    @Test func theCacheStaysWithinItsBound() async throws {
        guard let fixture = try await Self.fixture(maxCacheBytes: 2_000) else { return }
        let lake = fixture.lake, cache = try #require(lake.s3Cache)
        let path = "s3://\(fixture.bucket)/lake/delta-0.8.0-partitioned"
        let local = try await Self.deltaRows(lake, Self.corpus + "/delta-0.8.0-partitioned")
        #expect(try await Self.deltaRows(lake, path) == local)
        #expect(cache.totalBytes <= 2_000)
        #expect(try await Self.deltaRows(lake, path) == local, "evicted files are fetched again")
    }

    @Test func deltaRsReadsTheSameS3Table() async throws {
        guard let fixture = try await Self.fixture(), let endpoint = Self.endpoint else { return }
        let path = "s3://\(fixture.bucket)/lake/delta-0.8.0-partitioned"
        let script = """
            import sys, json
            from deltalake import DeltaTable
            opts = {"AWS_ENDPOINT_URL": sys.argv[2], "AWS_ALLOW_HTTP": "true", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_REGION": "us-east-1",
                    "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
            t = DeltaTable(sys.argv[1], storage_options=opts).to_pyarrow_table()
            print(json.dumps(sorted(t.column("value").to_pylist(), key=lambda v: (v is None, v))))
            """ + pythonExitWithoutTeardown
        guard let output = try await runPythonOracle(script, [path, endpoint]) else { return }
        let oracle = try JSONDecoder().decode([String?].self, from: Data(output.utf8))
        let ours = try await fixture.lake.deltaRead(DeltaReadRequest(path: path, sql: "SELECT value FROM t")).cursor.collect().rows
            .map { row -> String? in if case .varchar(let s) = row[0] { return s } else { return nil } }
        #expect(ours.sorted { ($0 ?? "\u{10FFFF}") < ($1 ?? "\u{10FFFF}") } == oracle)
    }

    @Test func aTableDeltaRsWroteToS3ReadsAsDeltaRsReadsItAtEveryVersion() async throws {
        guard let fixture = try await Self.fixture(), let endpoint = Self.endpoint else { return }
        let path = "s3://\(fixture.bucket)/lake/from-delta-rs"
        // delta-rs writes four versions (create, append, delete, overwrite of one partition)
        // through moto, then reports each version's rows as it reads them.
        let script = """
            import sys, json
            import pyarrow as pa
            from deltalake import DeltaTable, write_deltalake
            opts = {"AWS_ENDPOINT_URL": sys.argv[2], "AWS_ALLOW_HTTP": "true", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_REGION": "us-east-1",
                    "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
            uri = sys.argv[1]
            batch = lambda ids: pa.table({"id": pa.array(ids, pa.int64()), "part": pa.array([f"p{i % 2}" for i in ids]),
                                          "name": pa.array([None if i % 5 == 0 else f"n{i}" for i in ids])})
            write_deltalake(uri, batch(list(range(0, 10))), partition_by=["part"], storage_options=opts)
            write_deltalake(uri, batch(list(range(10, 20))), mode="append", storage_options=opts)
            DeltaTable(uri, storage_options=opts).delete("id % 3 = 0")
            write_deltalake(uri, batch([100, 102]), mode="overwrite", predicate="part = 'p0'", storage_options=opts)
            out = []
            for v in range(4):
                rows = DeltaTable(uri, version=v, storage_options=opts).to_pyarrow_table().to_pylist()
                out.append(sorted(f"{r['id']}|{r['part']}|{r['name']}" for r in rows))
            print(json.dumps(out))
            """ + pythonExitWithoutTeardown
        guard let output = try await runPythonOracle(script, [path, endpoint]) else { return }
        let oracle = try JSONDecoder().decode([[String]].self, from: Data(output.utf8))
        #expect(oracle.count == 4)
        for (version, expected) in oracle.enumerated() {
            let read = try await fixture.lake.deltaRead(DeltaReadRequest(
                path: path, version: Int64(version), sql: "SELECT id, part, coalesce(name, 'None') FROM t"))
            let ours = try await read.cursor.collect().rows.map { $0.map(\.description).joined(separator: "|") }.sorted()
            #expect(ours == expected, "version \(version)")
        }
    }
}
