import Foundation
import ObjectStore
import Testing
@testable import SwiftLake

/// Ranged reads of S3 against moto_server (`make test` sets `SWIFTLAKE_S3_ENDPOINT`): a read
/// fetches the Parquet footers and the chunks of the columns it names, not whole files, and
/// a convert of S3 Parquet files reads their footers only. Byte counts are checked against
/// DuckDB's own `parquet_metadata` of the local files and the footers' lengths.
@Suite(.serialized) struct S3RangedReadTests {
    struct Fixture {
        let lake: Lakehouse
        let store: S3Store
        let bucket: String
        let endpoint: String
        let directory: TemporaryDirectory
        var cache: S3FileCache { lake.s3Cache! }
    }

    static func fixture(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Fixture? {
        guard let endpoint = S3ReadTests.requireEndpoint(what: "S3 ranged read test", sourceLocation: sourceLocation) else { return nil }
        let bucket = "swiftlake-rr-\(UUID().uuidString.lowercased().prefix(16))"
        let env = S3ReadTests.environment(endpoint)
        let store = S3Store(configuration: try S3Configuration(location: S3Location(bucket: bucket, prefix: "lake"), environment: env))
        try await store.createBucket()
        let directory = try TemporaryDirectory()
        var configuration = LakehouseConfiguration(roots: [directory.path, "s3://\(bucket)/lake"])
        configuration.s3CacheDirectory = directory.file(".cache")
        configuration.s3Environment = env
        return Fixture(lake: try Lakehouse(configuration: configuration), store: store, bucket: bucket, endpoint: endpoint, directory: directory)
    }

    /// Uploads every file below `local` to `prefix/` of the store, four at a time.
    static func upload(_ local: String, to prefix: String, store: S3Store) async throws {
        let files = (FileManager.default.subpaths(atPath: local) ?? []).filter { !FileManager.default.isDirectory(local + "/" + $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = files.makeIterator()
            func start() { if let file = next.next() { group.addTask { try await store.uploadFile(local + "/" + file, to: prefix + "/" + file) } } }
            for _ in 0..<4 { start() }
            while try await group.next() != nil { start() }
        }
    }

    /// Footer bytes (metadata, length, magic) of each local Parquet file, from its last 8 bytes.
    static func footerBytes(_ files: [String]) throws -> Int64 {
        try files.reduce(0) { sum, file in
            let handle = try #require(FileHandle(forReadingAtPath: file))
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: size - 8)
            let tail = [UInt8](try #require(try handle.read(upToCount: 8)))
            #expect(Array(tail[4...]) == Array("PAR1".utf8))
            return sum + 8 + (Int64(tail[0]) | Int64(tail[1]) << 8 | Int64(tail[2]) << 16 | Int64(tail[3]) << 24)
        }
    }

    /// One DuckDB result as text rows.
    static func rows(_ lake: Lakehouse, _ sql: String) async throws -> [String] {
        try await lake.duckdb.withConnection { connection in
            try connection.query(sql).rows().map { $0.map(\.description).joined(separator: "|") }
        }
    }

    /// The compressed size of column `column`'s chunks in `files`, as DuckDB reports it.
    static func compressedSize(_ lake: Lakehouse, _ files: [String], column: String) async throws -> Int64 {
        let text = try await rows(lake, "SELECT sum(total_compressed_size)::BIGINT FROM parquet_metadata(\(SQL.list(files))) WHERE path_in_schema = \(SQL.literal(column))")
        return try #require(Int64(text.first ?? ""))
    }

    @Test func readingOneColumnOfAOneGigabyteTableFetchesItsFootersAndChunksOnly() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake, cache = fixture.cache
        // Four files of 4.25 M rows and eight BIGINT columns of hashes (incompressible): ~1 GB.
        let local = fixture.directory.file("big")
        try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
        let fileCount = 4, rowsPerFile = 4_250_000
        let columns = (1...7).map { "(hash(i, \($0)) >> 1)::BIGINT AS c\($0)" }.joined(separator: ", ")
        var files: [String] = []
        for k in 0..<fileCount {
            let file = local + "/part-\(k).parquet"
            _ = try await Self.rows(lake, "COPY (SELECT i AS id, \(columns) FROM range(\(k * rowsPerFile), \((k + 1) * rowsPerFile)) r(i)) TO \(SQL.literal(file)) (FORMAT parquet)")
            files.append(file)
        }
        let total = files.reduce(Int64(0)) { $0 + Int64(FileManager.default.totalSize(atPath: $1)) }
        #expect(total > 1_000_000_000)
        _ = try await lake.deltaConvert(DeltaConvertRequest(path: local))
        try await Self.upload(local, to: "big", store: fixture.store)
        let table = "s3://\(fixture.bucket)/lake/big"

        // One column: its chunks and the footers, checked against DuckDB's parquet_metadata.
        let footers = try Self.footerBytes(files)
        let c3 = try await Self.compressedSize(lake, files, column: "c3")
        let sql = "SELECT count(*), sum(c3), min(c3), max(c3) FROM t"
        let expected = try await Self.rows(lake, "SELECT count(*), sum(c3), min(c3), max(c3) FROM read_parquet(\(SQL.list(files)))")
        let read = try await lake.deltaRead(DeltaReadRequest(path: table, sql: sql))
        #expect(try await read.cursor.collect().rows.map { $0.map(\.description).joined(separator: "|") } == expected)
        let fetched = cache.bytesFetched
        print("S3RangedReadTests: one column of \(total) bytes fetched \(fetched) bytes (column \(c3), footers \(footers))")
        #expect(fetched >= c3 + footers, "the column's chunks and the footers: \(fetched) < \(c3) + \(footers)")
        #expect(fetched <= c3 + footers + Int64(fileCount) * (64 << 10 + 4), "little beyond them: \(fetched) of \(total)")
        #expect(fetched < total / 6)
        #expect(cache.downloads == fileCount)

        // The same read again fetches nothing.
        let hits = cache.hits
        let again = try await lake.deltaRead(DeltaReadRequest(path: table, sql: sql))
        #expect(try await again.cursor.collect().rows.map { $0.map(\.description).joined(separator: "|") } == expected)
        #expect(cache.bytesFetched == fetched, "the second read is served from the cache")
        #expect(cache.hits == hits + fileCount)

        // Other columns (named in `columns` and `filter`) add only their chunks, of the one
        // file whose statistics can match the filter: its footer is cached already.
        let needed = try await Self.compressedSize(lake, [files[0]], column: "c5") + Self.compressedSize(lake, [files[0]], column: "id")
        let byColumns = try await lake.deltaRead(DeltaReadRequest(path: table, columns: ["c5"], filter: "id < 10"))
        #expect(try await byColumns.cursor.collect().rows.count == 10)
        let added = cache.bytesFetched - fetched
        #expect(added >= needed && added <= needed + 2 * (64 << 10), "c5 and id of one file: \(added) for \(needed)")

        // A plain Parquet file on S3, queried for one column: its footer and that column.
        let plain = "s3://\(fixture.bucket)/lake/big/part-1.parquet"
        let reading = await lake.cachedRead(forStatement: "SELECT sum(c2) FROM t WHERE c2 > 0")
        #expect(reading == .parquetColumns(reading.names) && reading.names.contains("c2"), "names the columns, not the whole file")
        let before = cache.bytesFetched
        var lease: S3FileCache.Lease?
        defer { lease?.release() }
        let localCopies = try await lake.parquetFiles([plain], reading: reading, lease: &lease)
        let c2 = try await Self.compressedSize(lake, [files[1]], column: "c2")
        let plainFetched = cache.bytesFetched - before
        let footer = try Self.footerBytes([files[1]])
        #expect(plainFetched >= c2 + footer && plainFetched <= c2 + footer + (64 << 10) + 4, "\(plainFetched) for a column of \(c2) bytes")
        #expect(try await Self.rows(lake, "SELECT sum(c2) FROM read_parquet(\(SQL.list(localCopies))) WHERE c2 > 0")
                == (try await Self.rows(lake, "SELECT sum(c2) FROM read_parquet(\(SQL.literal(files[1]))) WHERE c2 > 0")))
        _ = try await lake.parquetFiles([plain], reading: reading, lease: &lease)
        #expect(cache.bytesFetched == before + plainFetched, "the second query is served from the cache")
        // moto keeps what it stores until it stops: free the gigabyte.
        try await fixture.store.delete(try await fixture.store.list(prefix: "big/").map(\.path))
    }

    @Test func aNewCacheReusesTheRangesAnEarlierOneFetchedAndTrustsNothingElse() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let file = fixture.directory.file("small.parquet")
        _ = try await Self.rows(fixture.lake, "COPY (SELECT i AS a, i * 2 AS b, 'v' || i AS c FROM range(300000) r(i)) TO \(SQL.literal(file)) (FORMAT parquet)")
        try await fixture.store.uploadFile(file, to: "small.parquet")
        let size = Int64(FileManager.default.totalSize(atPath: file))
        let object = S3CachedObject(store: fixture.store, path: "small.parquet", size: size)
        let directory = fixture.directory.file("shared-cache")
        let expected = try await Self.compressedSize(fixture.lake, [file], column: "b") + Self.footerBytes([file]) + 4

        let first = try S3FileCache(directory: directory)
        let copy = try await first.localFile(object, reading: .parquetColumns(["B"]), lease: first.lease())
        #expect(first.bytesFetched == expected)
        #expect(try await Self.rows(fixture.lake, "SELECT sum(b) FROM read_parquet(\(SQL.literal(copy)))") == ["89999700000"])

        // Another column of the same copy, fetched after DuckDB read it: DuckDB sees the new bytes.
        let local = SQL.literal(file), cached = SQL.literal(copy)
        _ = try await first.localFile(object, reading: .parquetColumns(["c"]), lease: first.lease())
        #expect(try await Self.rows(fixture.lake, "SELECT sum(length(c)), min(c), max(c) FROM read_parquet(\(cached))")
                == (try await Self.rows(fixture.lake, "SELECT sum(length(c)), min(c), max(c) FROM read_parquet(\(local))")))
        let withC = first.bytesFetched
        // Metadata needs the footer alone: DuckDB's metadata functions of a footer-only copy
        // equal the original's.
        let footerCache = try S3FileCache(directory: fixture.directory.file("footer-cache"))
        let footerOnly = SQL.literal(try await footerCache.localFile(object, reading: .parquetFooter, lease: footerCache.lease()))
        #expect(footerCache.bytesFetched == (try Self.footerBytes([file])) + 4)
        for function in ["parquet_metadata", "parquet_schema", "parquet_file_metadata"] {
            #expect(try await Self.rows(fixture.lake, "SELECT * EXCLUDE (file_name) FROM \(function)(\(footerOnly))")
                    == (try await Self.rows(fixture.lake, "SELECT * EXCLUDE (file_name) FROM \(function)(\(local))")), "\(function)")
        }

        // Another process (a new cache on the directory) reuses what the sidecar records.
        let second = try S3FileCache(directory: directory)
        #expect(second.totalBytes == withC)
        _ = try await second.localFile(object, reading: .parquetColumns(["b"]), lease: second.lease())
        #expect(second.bytesFetched == 0 && second.hits == 1)
        // Reading the whole file then fetches only what is missing.
        let whole = try await second.localFile(object, lease: second.lease())
        #expect(second.bytesFetched == size - withC)
        #expect(try Data(contentsOf: URL(fileURLWithPath: whole)) == Data(contentsOf: URL(fileURLWithPath: file)))

        // A copy whose sidecar is gone (a crash between writing and recording) is not trusted.
        let name = S3FileCache.fileName(object)
        unlink(second.sidecarPath(name))
        let third = try S3FileCache(directory: directory)
        #expect(third.totalBytes == 0)
        _ = try await third.localFile(object, reading: .parquetColumns(["b"]), lease: third.lease())
        #expect(third.bytesFetched == expected)
    }

    @Test func whatAStatementReadsIsTheColumnsItNamesOrEverything() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake
        func names(_ sql: String) async -> Set<String>? {
            if case .parquetColumns(let names) = await lake.cachedRead(forStatement: sql) { return names }
            return nil
        }
        let named = try #require(await names("SELECT a, s.x FROM t JOIN t AS u USING (k) WHERE b > 1 ORDER BY c"))
        #expect(named.isSuperset(of: ["a", "s", "k", "b", "c"]))
        #expect(!named.contains("d"))
        #expect(try #require(await names("SELECT count(*) FROM t")).isSuperset(of: []))
        for everything in ["SELECT * FROM t", "FROM t", "SELECT #1 FROM t", "SELECT COLUMNS('a.*') FROM t",
                           "SELECT t FROM t", "SELECT * EXCLUDE (a) FROM t", "PIVOT t ON a USING sum(b)", "not sql"] {
            #expect(await names(everything) == nil, "\(everything)")
        }
    }

    @Test func convertingParquetFilesInS3ReadsTheirFootersOnlyAndDeltaRsReadsTheTable() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = fixture.lake, cache = fixture.cache
        let local = fixture.directory.file("events")
        _ = try await Self.rows(lake, """
            COPY (SELECT i AS id, (i * 1.5)::DOUBLE AS amount, 'n' || i AS name, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END AS region
                  FROM range(100) r(i)) TO \(SQL.literal(local)) (FORMAT parquet, PARTITION_BY (region))
            """)
        try Data("".utf8).write(to: URL(fileURLWithPath: local + "/_SUCCESS"))
        try await Self.upload(local, to: "events", store: fixture.store)
        let files = (FileManager.default.subpaths(atPath: local) ?? []).filter { $0.hasSuffix(".parquet") }.map { local + "/" + $0 }
        let table = "s3://\(fixture.bucket)/lake/events"

        let result = try await lake.deltaConvert(DeltaConvertRequest(path: table, partitionBy: ["region": "string"]))
        #expect(result.version == 0)
        #expect(result.numFiles == files.count)
        #expect(result.numRows == 100)
        #expect(result.partitionColumns == ["region"])
        // Footers and the 4-byte leading magic, nothing else.
        #expect(cache.bytesFetched == (try Self.footerBytes(files)) + 4 * Int64(files.count))
        #expect(try await fixture.store.head("events/_delta_log/00000000000000000000.json") != nil)

        // Counting rows reads no column: the footers fetched by convert are enough.
        let counted = try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT count(*) FROM t"))
        #expect(try await counted.cursor.collect().rows.map { $0.map(\.description).joined(separator: "|") } == ["100"])
        #expect(cache.bytesFetched == (try Self.footerBytes(files)) + 4 * Int64(files.count))
        let ours = try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT count(*), sum(id), count(*) FILTER (WHERE region = 'even' AND id % 2 = 0) FROM t"))
        #expect(try await ours.cursor.collect().rows.map { $0.map(\.description).joined(separator: "|") } == ["100|4950|50"])

        // delta-rs reads the same rows and the statistics taken from the footers.
        let script = """
            import sys, json
            import pyarrow as pa
            from deltalake import DeltaTable
            opts = {"AWS_ENDPOINT_URL": sys.argv[2], "AWS_ALLOW_HTTP": "true", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_REGION": "us-east-1",
                    "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
            dt = DeltaTable(sys.argv[1], storage_options=opts)
            rows = dt.to_pyarrow_table().to_pylist()
            adds = pa.table(dt.get_add_actions(flatten=True)).to_pylist()
            print(json.dumps({"version": dt.version(), "partitions": dt.metadata().partition_columns,
                              "rows": sorted(f"{r['id']}|{r['amount']}|{r['name']}|{r['region']}" for r in rows),
                              "records": sum(a["num_records"] for a in adds),
                              "min_id": min(a["min.id"] for a in adds), "max_id": max(a["max.id"] for a in adds)}))
            """
        guard let output = try await runPythonOracle(script, [table, fixture.endpoint]) else { return }
        struct Oracle: Decodable {
            var version: Int64
            var partitions: [String]
            var rows: [String]
            var records: Int64
            var min_id: Int64
            var max_id: Int64
        }
        let oracle = try JSONDecoder().decode(Oracle.self, from: Data(output.utf8))
        #expect(oracle.version == 0)
        #expect(oracle.partitions == ["region"])
        #expect(oracle.rows == (0..<100).map { "\($0)|\(Double($0) * 1.5)|n\($0)|\($0 % 2 == 0 ? "even" : "odd")" }.sorted())
        #expect(oracle.records == 100)
        #expect(oracle.min_id == 0 && oracle.max_id == 99)

        // Converting again is a 409; the table is left as it was.
        let again = await #expect(throws: SwiftLakeError.self) {
            _ = try await lake.deltaConvert(DeltaConvertRequest(path: table, partitionBy: ["region": "string"]))
        }
        #expect(again?.code == "table_exists")
        #expect(try await fixture.store.list(prefix: "events/_delta_log/").count == 1)
    }
}

extension CachedRead {
    /// The column names of `.parquetColumns` (empty for `.wholeObject`).
    var names: Set<String> {
        if case .parquetColumns(let names) = self { return names }
        return []
    }
}
