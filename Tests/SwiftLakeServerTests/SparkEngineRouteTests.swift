import DeltaOracle
import Foundation
import HummingbirdTesting
import Logging
import SwiftLake
import SwiftLakeServer
import Testing

/// The Spark engine through the REST API: the same requests with `"engine": "spark"` and
/// `"engine": "duckdb"` must give the same columns (name and type) and the same rows. The
/// DuckDB engine is the oracle (its answers are checked against delta-rs and hand-reasoned
/// values elsewhere); Spark is the local Spark Connect server `make test` starts
/// (`SWIFTLAKE_SPARK_REMOTE`).
@Suite struct SparkEngineRouteTests {
    /// The Spark Connect server, or nil (saying why) when there is none.
    static func remote(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let remote = environment["SWIFTLAKE_SPARK_REMOTE"], !remote.isEmpty { return remote }
        if environment["SWIFTLAKE_TEST_FULL"] == "1" {
            Issue.record("SWIFTLAKE_TEST_FULL=1 but SWIFTLAKE_SPARK_REMOTE is not set: `export SWIFTLAKE_SPARK_REMOTE=$(scripts/spark-server.sh start)` (make test does)",
                         sourceLocation: sourceLocation)
        } else {
            print("SKIPPED \(sourceLocation.fileID):\(sourceLocation.line): no Spark Connect server; `export SWIFTLAKE_SPARK_REMOTE=$(scripts/spark-server.sh start)` runs these tests (make test does)")
        }
        return nil
    }

    /// A server over `roots` with Spark at `remote`.
    static func withSparkServer<T: Sendable>(roots: [String], remote: String, threshold: Int64? = nil,
                                             _ test: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        var configuration = LakehouseConfiguration(roots: roots)
        configuration.sparkRemote = remote
        if let threshold { configuration.sparkThresholdBytes = threshold }
        let lakehouse = try Lakehouse(configuration: configuration)
        var logger = Logger(label: "spark-engine-route-tests")
        logger.logLevel = .warning
        let app = try buildApplication(lakehouse: lakehouse, options: testOptions(), logger: logger)
        let result = try await app.test(.router) { client in try await test(client) }
        await lakehouse.spark?.close()
        return result
    }

    /// Awkward data written by DuckDB: nulls, decimals, both timestamp kinds, dates, binary,
    /// lists, structs and maps, and a Hive partition directory.
    static func writeAwkwardData(into directory: String) async throws -> Bool {
        let script = """
            import duckdb, sys, os
            d = sys.argv[1]
            os.makedirs(d + '/awkward/region=north', exist_ok=True)
            os.makedirs(d + '/awkward/region=south', exist_ok=True)
            q = '''SELECT i::INT AS id, i::BIGINT * 1000000007 AS big, (i / 7.0)::DOUBLE AS ratio,
                (i * 1.25 - 3)::DECIMAL(12,3) AS price, CASE WHEN i % 4 = 0 THEN NULL ELSE 'name ' || i END AS name,
                DATE '1969-12-25' + i::INT AS day, TIMESTAMPTZ '2024-03-10 01:30:00+00' + INTERVAL (i) HOUR AS seen_at,
                TIMESTAMP '1999-12-31 23:59:58' + INTERVAL (i) SECOND AS local_at, i % 3 = 0 AS flag,
                CASE WHEN i % 5 = 0 THEN NULL ELSE [i, NULL, i + 1] END AS tags, {'a': i, 'b': [i::VARCHAR]} AS nested,
                MAP {'k' || i: i::DOUBLE} AS attrs, ('bin' || i)::BLOB AS payload
                FROM range(LOW, HIGH) t(i)'''
            def write(low, high, region):
                rows = q.replace('LOW', str(low)).replace('HIGH', str(high))
                duckdb.sql("COPY (" + rows + ") TO '" + d + "/awkward/region=" + region + "/part-0.parquet' (FORMAT parquet)")
            write(0, 25, 'north')
            write(25, 40, 'south')
            print('{}')
            """
        return try await runDeltaRs(script, [directory]) != nil
    }

    /// Posts `body` (a JSON object without `engine`) once per engine and checks that both
    /// answer 200 with the same columns, rows and truncation; `ordered: false` compares the
    /// rows as a multiset (for types Spark cannot sort by, such as maps). Returns DuckDB's answer.
    ///
    /// Queries that sort by a column with nulls say `NULLS FIRST` or `NULLS LAST`: the
    /// engines' defaults differ (DuckDB sorts nulls last, Spark first), as their SQL does.
    @discardableResult
    static func expectSameAnswer(_ client: any TestClientProtocol, _ uri: String, _ body: [String: Any], ordered: Bool = true,
                                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any]? {
        var answers: [[String: Any]] = []
        for engine in ["duckdb", "spark"] {
            var request = body
            request["engine"] = engine
            let text = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
            let response = try await client.post(uri, json: text)
            guard response.status == .ok else {
                Issue.record("\(engine): \(response.status) \(response.text.prefix(400)) for \(text)", sourceLocation: sourceLocation)
                return nil
            }
            let json = try response.json()
            #expect(json["engine"] as? String == engine, sourceLocation: sourceLocation)
            answers.append(json)
        }
        let (duck, spark) = (answers[0], answers[1])
        #expect(spark["columns"] as? [[String: String]] == duck["columns"] as? [[String: String]],
                "columns differ for \(body)", sourceLocation: sourceLocation)
        let (sparkRows, duckRows) = (canonicalRows(spark), canonicalRows(duck))
        #expect(ordered ? sparkRows == duckRows : sparkRows.sorted() == duckRows.sorted(), "rows differ for \(body)",
                sourceLocation: sourceLocation)
        #expect(spark["truncated"] as? Bool == duck["truncated"] as? Bool, sourceLocation: sourceLocation)
        #expect(int(spark["row_count"]) == int(duck["row_count"]), sourceLocation: sourceLocation)
        return duck
    }

    /// The rows as JSON texts, in order (every parity query orders its rows).
    static func canonicalRows(_ answer: [String: Any]) -> [String] {
        ((answer["rows"] as? [Any]) ?? []).map { row in
            String(decoding: (try? JSONSerialization.data(withJSONObject: row, options: [.sortedKeys, .fragmentsAllowed])) ?? Data(), as: UTF8.self)
        }
    }

    @Test("Parquet queries answer the same on Spark and DuckDB, type for type")
    func parquetQueriesMatch() async throws {
        guard let remote = Self.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await Self.writeAwkwardData(into: directory) else { return }
        try await Self.withSparkServer(roots: [directory], remote: remote) { client in
            let paths = ["awkward"]
            let all = try await Self.expectSameAnswer(client, "/api/parquet/query", ["paths": paths, "sql": "SELECT * FROM t ORDER BY id"])
            // The oracle itself: 40 rows, the partition column from the directory names, nulls where written.
            #expect(int(all?["row_count"]) == 40)
            let names = (all?["columns"] as? [[String: String]])?.map { $0["name"] ?? "" }
            #expect(names?.last == "region")
            try await Self.expectSameAnswer(client, "/api/parquet/query", [
                "paths": paths, "columns": ["id", "price", "seen_at", "tags"], "filter": "price > 10 AND name IS NOT NULL",
                "order_by": ["id DESC"]])
            try await Self.expectSameAnswer(client, "/api/parquet/query", [
                "paths": paths, "sql": "SELECT region, count(*) AS n, min(price) AS low, max(seen_at) AS latest, count(name) AS named FROM t GROUP BY region ORDER BY region"])
            try await Self.expectSameAnswer(client, "/api/parquet/query", [
                "paths": paths, "sql": "SELECT nested.a AS a, nested.b AS b, local_at, day FROM t WHERE region = 'south' ORDER BY id"])
            // The limit cuts both the same way, and says so.
            let cut = try await Self.expectSameAnswer(client, "/api/parquet/query", ["paths": paths, "sql": "SELECT id FROM t ORDER BY id", "limit": 3])
            #expect(cut?["truncated"] as? Bool == true)
            #expect(int(cut?["row_count"]) == 3)
            // NDJSON and Arrow come from the same rows.
            for format in ["ndjson", "csv"] {
                var texts: [String] = []
                for engine in ["duckdb", "spark"] {
                    let body = #"{"paths":["awkward"],"sql":"SELECT id, price, seen_at, name FROM t ORDER BY id","format":"\#(format)","engine":"\#(engine)"}"#
                    let response = try await client.post("/api/parquet/query", json: body)
                    #expect(response.status == .ok, "\(response.text.prefix(300))")
                    texts.append(response.text)
                }
                #expect(texts[0] == texts[1], "\(format) differs")
            }
        }
    }

    @Test("Spark's SQL errors are 400s that say what Spark said; non-queries are refused")
    func sparkErrors() async throws {
        guard let remote = Self.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await Self.writeAwkwardData(into: directory) else { return }
        try await Self.withSparkServer(roots: [directory], remote: remote) { client in
            let missing = try await client.post("/api/parquet/query", json: #"{"paths":["awkward"],"sql":"SELECT no_such_column FROM t","engine":"spark"}"#)
            #expect(missing.status == .badRequest)
            #expect(missing.errorCode == "sql_error")
            #expect(missing.errorMessage?.contains("no_such_column") == true, "\(missing.text)")
            let drop = try await client.post("/api/parquet/query", json: #"{"paths":["awkward"],"sql":"DROP TABLE t","engine":"spark"}"#)
            #expect(drop.status == .badRequest, "\(drop.text)")
            // Only the files SwiftLake passes are read: SQL over a path is off.
            let sneaky = try await client.post("/api/parquet/query", json: #"{"paths":["awkward"],"sql":"SELECT * FROM parquet.`/etc`","engine":"spark"}"#)
            #expect(sneaky.status == .badRequest, "\(sneaky.text)")
        }
    }

    @Test("Delta tables read the same on Spark and DuckDB, partitions, nulls and file skipping included")
    func deltaReadsMatch() async throws {
        guard let remote = Self.remote() else { return }
        let corpus = corpusDeltaTables
        try await Self.withSparkServer(roots: [corpus], remote: remote) { client in
            let tables = ["delta-2.2.0-partitioned-types", "delta-0.8.0-special-partition", "delta-0.8.0-null-partition",
                          "partition-type-primitives", "delta-1.2.1-only-struct-stats", "simple_table_with_checkpoint",
                          "delta-0.8-empty", "delta-0.8.0-partitioned", "table_with_edge_timestamps"]
            for table in tables {
                let all = try await Self.expectSameAnswer(client, "/api/delta/read", ["path": table, "sql": "SELECT * FROM t"], ordered: false)
                #expect(all != nil, "\(table)")
            }
            // Time travel and skipping: the same snapshot and the same files either way.
            var counts: [String: [Int?]] = [:]
            for engine in ["duckdb", "spark"] {
                let response = try await client.post("/api/delta/read", json: #"{"path":"delta-0.8.0-partitioned","version":0,"filter":"year = '2020'","engine":"\#(engine)"}"#)
                #expect(response.status == .ok, "\(response.text.prefix(300))")
                let json = try response.json()
                counts[engine] = [int(json["version"]), int(json["files_scanned"]), int(json["files_skipped"]), int(json["row_count"])]
            }
            #expect(counts["spark"] == counts["duckdb"])
            // Deletion vectors: Spark reads the files without the rows the vectors delete.
            // Hand-reasoned from the log: 0–9 at version 0, the vector of version 1 deletes 0 and 9.
            for version in [0, 1] {
                let answer = try await Self.expectSameAnswer(client, "/api/delta/read", [
                    "path": "table-with-dv-small", "version": version, "sql": "SELECT * FROM t ORDER BY 1"])
                let first = (answer?["rows"] as? [[Any]])?.map { int($0[0]) }
                #expect(first == (version == 0 ? Array(0...9) : Array(1...8)), "v\(version): \(first ?? [])")
            }
            // Column mapping: Spark reads the physical columns under their logical names, at
            // every version (renamed and dropped columns included), partition values too.
            // table_with_column_mapping: partitioned by a mapped column with a blank in its name.
            let mapped = try await Self.expectSameAnswer(client, "/api/delta/read", ["path": "table_with_column_mapping", "sql": "SELECT * FROM t"],
                                                         ordered: false)
            #expect((mapped?["rows"] as? [Any])?.count == 5, "\(mapped ?? [:])")
            for version in 0...4 {
                let answer = try await Self.expectSameAnswer(client, "/api/delta/read", [
                    "path": "table_with_partitioning_mapping", "version": version, "sql": "SELECT * FROM t"], ordered: false)
                #expect(answer != nil, "table_with_partitioning_mapping v\(version)")
            }
        }
    }

    @Test("auto reads a table with column mapping on Spark; a write on Spark is refused and changes nothing")
    func columnMappedTableOnSpark() async throws {
        guard let remote = Self.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-mapped-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: corpusDeltaTables + "/table_with_column_mapping", toPath: directory + "/mapped")
        // A threshold of 0: auto picks Spark for anything.
        try await Self.withSparkServer(roots: [directory], remote: remote, threshold: 0) { client in
            let read = try await client.post("/api/delta/read", json: #"{"path":"mapped","sql":"SELECT count(*) AS n FROM t"}"#)
            #expect(read.status == .ok, "\(read.text)")
            #expect(try read.json()["engine"] as? String == "spark", "\(read.text)")
            #expect(read.text.contains("[[5]]"), "\(read.text)")
            let log = try FileManager.default.contentsOfDirectory(atPath: directory + "/mapped/_delta_log").sorted()
            let deleted = try await client.post("/api/delta/delete", json: #"{"path":"mapped","predicate":"true","engine":"spark"}"#)
            #expect(deleted.status == .unprocessableContent, "\(deleted.text)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/mapped/_delta_log").sorted() == log)
        }
    }

    @Test("nested columns of a column-mapped table read under their logical names on Spark, as on DuckDB")
    func nestedColumnMappingOnSpark() async throws {
        guard let remote = Self.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-nested-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The file holds physical names at every level (as Delta writers write them); the log
        // maps them: id ← c1, info ← c2 {name ← c3, tags ← c4 [ {k ← c5} ]}, part ← c6.
        let script = #"""
            import json, os, sys
            import pyarrow as pa, pyarrow.parquet as pq
            root = sys.argv[1] + '/nested'
            os.makedirs(root + '/_delta_log'); os.makedirs(root + '/c6=x')
            element = pa.struct([('c5', pa.int32())])
            schema = pa.schema([('c1', pa.int64()), ('c2', pa.struct([('c3', pa.string()), ('c4', pa.list_(element))]))])
            rows = [{'c1': 1, 'c2': {'c3': 'a', 'c4': [{'c5': 10}, {'c5': 11}]}},
                    {'c1': 2, 'c2': None},
                    {'c1': 3, 'c2': {'c3': None, 'c4': []}}]
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), root + '/c6=x/part-0.parquet')
            def field(name, physical, id, type):
                return {'name': name, 'type': type, 'nullable': True,
                        'metadata': {'delta.columnMapping.id': id, 'delta.columnMapping.physicalName': physical}}
            tags = {'type': 'array', 'elementType': {'type': 'struct', 'fields': [field('k', 'c5', 5, 'integer')]}, 'containsNull': True}
            info = {'type': 'struct', 'fields': [field('name', 'c3', 3, 'string'), field('tags', 'c4', 4, tags)]}
            schema_string = json.dumps({'type': 'struct', 'fields': [field('id', 'c1', 1, 'long'), field('info', 'c2', 2, info),
                                                                      field('part', 'c6', 6, 'string')]})
            size = os.path.getsize(root + '/c6=x/part-0.parquet')
            actions = [
                {'protocol': {'minReaderVersion': 2, 'minWriterVersion': 5}},
                {'metaData': {'id': 'nested-mapping', 'format': {'provider': 'parquet', 'options': {}}, 'schemaString': schema_string,
                              'partitionColumns': ['part'], 'createdTime': 0,
                              'configuration': {'delta.columnMapping.mode': 'name', 'delta.columnMapping.maxColumnId': '6'}}},
                {'add': {'path': 'c6=x/part-0.parquet', 'partitionValues': {'c6': 'x'}, 'size': size, 'modificationTime': 0,
                         'dataChange': True, 'stats': json.dumps({'numRecords': 3})}},
            ]
            with open(root + '/_delta_log/00000000000000000000.json', 'w') as f:
                f.write('\n'.join(json.dumps(a) for a in actions) + '\n')
            print(json.dumps({'ok': True}))
            """#
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard try await runDeltaRs(script, [directory]) != nil else { return }
        try await Self.withSparkServer(roots: [directory], remote: remote) { client in
            let answer = try await Self.expectSameAnswer(client, "/api/delta/read", [
                "path": "nested", "sql": "SELECT id, info.name AS name, info.tags AS tags, part FROM t ORDER BY id"])
            let rows = answer?["rows"] as? [[Any]] ?? []
            // Hand-reasoned from the file written above.
            #expect(rows.map { int($0[0]) } == [1, 2, 3], "\(answer ?? [:])")
            #expect(rows.map { $0[1] as? String } == ["a", nil, nil], "\(rows)")
            #expect(rows.first.flatMap { ($0[2] as? [[String: Any]])?.map { int($0["k"]) } } == [10, 11], "\(rows)")
            #expect(rows.map { $0[3] as? String } == ["x", "x", "x"])
            try await Self.expectSameAnswer(client, "/api/delta/read", ["path": "nested", "sql": "SELECT * FROM t"], ordered: false)
        }
    }

    @Test("aggregates answer in DuckDB's types on Spark; a type Spark would compute differently is refused")
    func aggregatesAnswerInDuckDBTypes() async throws {
        guard let remote = Self.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await Self.writeAwkwardData(into: directory) else { return }
        try await Self.withSparkServer(roots: [directory], remote: remote) { client in
            let write = try await client.post("/api/delta/write", json: #"{"path":"sums","source":{"parquet":["awkward"]},"partition_by":["region"],"sql":"SELECT id, big, price, region FROM t","engine":"duckdb"}"#)
            #expect(write.status == .ok, "\(write.text)")
            // sum(DECIMAL(12,3)) is DECIMAL(22,3) in Spark, DECIMAL(38,3) in DuckDB; sum(INTEGER)
            // BIGINT against HUGEINT; count(*) is named count(1) against count_star().
            let answer = try await Self.expectSameAnswer(client, "/api/delta/read", [
                "path": "sums", "sql": "SELECT region, sum(price), sum(id) AS ids, sum(big) AS bigs, count(*) FROM t GROUP BY region ORDER BY region"])
            let types = (answer?["columns"] as? [[String: String]])?.map { $0["type"] ?? "" }
            #expect(types == ["VARCHAR", "DECIMAL(38,3)", "HUGEINT", "HUGEINT", "BIGINT"], "\(answer ?? [:])")
            // Hand-reasoned: north holds ids 0–24, so sum(id) = 300; sum(price) = Σ(1.25 i − 3) = 375 − 75 = 300.000.
            let north = (answer?["rows"] as? [[Any]])?.first { $0.first as? String == "north" }
            #expect(north.map { [($0[1] as? NSNumber)?.doubleValue, ($0[2] as? NSNumber)?.doubleValue] } == [300, 300], "\(north ?? [])")
            // avg of a decimal is a DOUBLE in DuckDB and a rounded DECIMAL in Spark: refused on Spark.
            let avg = try await client.post("/api/delta/read", json: #"{"path":"sums","sql":"SELECT avg(price) AS mean FROM t","engine":"spark"}"#)
            #expect(avg.status == .unprocessableContent, "\(avg.text)")
            #expect(avg.errorCode == "engine_unsupported")
            #expect(avg.text.contains("'mean'") && avg.text.contains("DOUBLE"), "\(avg.text)")
            try await Self.expectSameAnswer(client, "/api/delta/read", [
                "path": "sums", "sql": "SELECT avg(CAST(price AS DOUBLE)) AS mean FROM t"])
        }
    }

    @Test("health shows the Spark server's version and UI")
    func healthShowsSpark() async throws {
        guard let remote = Self.remote() else { return }
        try await Self.withSparkServer(roots: [FileManager.default.temporaryDirectory.path], remote: remote) { client in
            // The Spark server is shared with every other Spark test running in parallel, so a
            // health probe may time out while it is busy; a few probes must find it.
            var engines: [[String: Any]] = []
            var spark: [String: Any]?
            for _ in 0..<4 {
                let health = try await client.get("/api/health").json()
                engines = health["engines"] as? [[String: Any]] ?? []
                spark = engines.first { $0["name"] as? String == "spark" }
                if spark?["available"] as? Bool == true { break }
            }
            #expect(spark?["available"] as? Bool == true, "\(engines)")
            #expect((spark?["version"] as? String)?.hasPrefix("4.") == true, "\(engines)")
            #expect((spark?["ui_url"] as? String)?.hasSuffix(":4040") == true)
        }
    }

    @Test("a Spark server that is not there is a 503 that says what to do; DuckDB still answers")
    func unreachableSparkIs503() async throws {
        // A port nothing listens on (bound and closed), so no Spark server is needed.
        let port = try freeLoopbackPort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await SampleData.write(into: directory)
        try await Self.withSparkServer(roots: [directory], remote: "sc://127.0.0.1:\(port)") { client in
            let spark = try await client.post("/api/parquet/query", json: #"{"paths":["sales.parquet"],"sql":"SELECT count(*) AS n FROM t","engine":"spark"}"#)
            #expect(spark.status == .serviceUnavailable, "\(spark.text)")
            #expect(spark.errorCode == "spark_unavailable")
            #expect(spark.errorMessage?.contains("\"engine\": \"duckdb\"") == true)
            let duck = try await client.post("/api/parquet/query", json: #"{"paths":["sales.parquet"],"sql":"SELECT count(*) AS n FROM t"}"#)
            #expect(duck.status == .ok)
            #expect(try duck.json()["engine"] as? String == "duckdb")
            let health = try await client.get("/api/health").json()
            let engine = (health["engines"] as? [[String: Any]])?.first { $0["name"] as? String == "spark" }
            #expect(engine?["available"] as? Bool == false)
        }
    }

    @Test("engine spark without a Spark server configured is a 503; auto runs on DuckDB")
    func sparkNotConfigured() async throws {
        try await withServer(testOptions()) { client, _ in
            let spark = try await client.post("/api/parquet/query", json: #"{"paths":["sales.parquet"],"sql":"SELECT 1 AS one FROM t LIMIT 1","engine":"spark"}"#)
            #expect(spark.status == .serviceUnavailable)
            #expect(spark.errorCode == "engine_unavailable")
            #expect(spark.errorMessage?.contains("--spark") == true)
            let auto = try await client.post("/api/parquet/query", json: #"{"paths":["sales.parquet"],"sql":"SELECT 1 AS one FROM t LIMIT 1","engine":"auto"}"#)
            #expect(auto.status == .ok)
            #expect(try auto.json()["engine"] as? String == "duckdb")
        }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestFailure("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
