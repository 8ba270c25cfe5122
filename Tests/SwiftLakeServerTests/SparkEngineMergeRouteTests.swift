import DeltaOracle
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import ObjectStore
import SwiftLake
import SwiftLakeServer
import Testing

/// MERGE on the Spark engine through the REST API: the same merges run with `"engine": "spark"`
/// and `"engine": "duckdb"` on two copies of one table; delta-rs (the oracle) must read both
/// copies identically at every version, the metrics must be equal and the hand-reasoned ones,
/// and the files each merge added must have been written by the engine asked for (their
/// Parquet footers' `created_by`).
@Suite struct SparkEngineMergeRouteTests {
    /// Metrics that depend on the file layout's bytes or on time, not on the merge's rows.
    static let layoutMetrics: Set<String> = ["executionTimeMs", "numTargetBytesAdded", "numTargetBytesRemoved"]

    /// Posts `body` to `/api/delta/merge` with `engine` and returns the status and answer.
    static func merge(_ client: any TestClientProtocol, _ body: [String: Any], engine: String) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        var request = body
        request["engine"] = engine
        let text = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        let response = try await client.post("/api/delta/merge", json: text)
        return (response.status, (try? response.json()) ?? [:])
    }

    /// A merge's metrics as integers.
    static func metrics(_ answer: [String: Any]) -> [String: Int] {
        ((answer["metrics"] as? [String: Any]) ?? [:]).compactMapValues { int($0) }
    }

    /// The delta-rs oracle: for each version of both tables, whether delta-rs reads the same
    /// rows (as a multiset) and schema, the row count, and who wrote the files that version
    /// added (`spark`, `duckdb`), per table.
    static let oracle = """
        import deltalake, json, sys, urllib.parse
        import pyarrow.parquet as pq
        root, versions = sys.argv[1], int(sys.argv[2])
        def rows(name, version):
            table = deltalake.DeltaTable(root + '/' + name, version=version)
            data = table.to_pyarrow_table().to_pylist()
            return sorted(json.dumps(r, sort_keys=True, default=str) for r in data), table.schema().to_json()
        def writers(name, version):
            found = set()
            for line in open(root + '/' + name + '/_delta_log/%020d.json' % version):
                add = json.loads(line).get('add')
                if add:
                    made = pq.ParquetFile(root + '/' + name + '/' + urllib.parse.unquote(add['path'])).metadata.created_by or ''
                    found.add('spark' if ('parquet-mr' in made or 'parquet-java' in made) else 'duckdb' if 'DuckDB' in made else made)
            return sorted(found)
        out = {'equal': [], 'counts': [], 'spark': [], 'duckdb': [], 'diff': []}
        for version in range(versions):
            a, sa = rows('by_spark', version)
            b, sb = rows('by_duckdb', version)
            out['equal'].append(a == b and sa == sb)
            out['counts'].append(len(a))
            out['spark'].append(writers('by_spark', version))
            out['duckdb'].append(writers('by_duckdb', version))
            if a != b:
                out['diff'].append({'version': version, 'spark_only': sorted(set(a) - set(b))[:4], 'duckdb_only': sorted(set(b) - set(a))[:4]})
        print(json.dumps(out))
        """

    @Test("MERGE on Spark, every clause kind and source kind, leaves tables delta-rs reads as it reads DuckDB's")
    func mergesMatchDuckDB() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-merge-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return }
        try await SparkEngineRouteTests.withSparkServer(roots: [directory], remote: remote) { client in
            // One table (nulls, decimals, both timestamp kinds, dates, lists; partitioned by
            // region: north ids 0–24, south 25–39), copied twice; and a partitioned Delta source.
            let base = try await client.post("/api/delta/write", json: """
                {"path": "base", "source": {"parquet": ["awkward"]}, "partition_by": ["region"], "engine": "duckdb",
                 "sql": "SELECT id, big, price, name, day, seen_at, local_at, flag, tags, region FROM t"}
                """)
            #expect(base.status == .ok, "\(base.text)")
            for copy in ["by_spark", "by_duckdb"] {
                try FileManager.default.copyItem(atPath: directory + "/base", toPath: directory + "/" + copy)
            }
            let changes = try await client.post("/api/delta/write", json: """
                {"path": "changes", "partition_by": ["kind"], "engine": "duckdb",
                 "rows": [{"id": 6, "kind": "a", "amount": 10.5}, {"id": 7, "kind": "b", "amount": -1.0}, {"id": 200, "kind": "a", "amount": 3.0}]}
                """)
            #expect(changes.status == .ok, "\(changes.text)")

            // Each merge as JSON, its `path` filled in per table.
            let steps: [(name: String, json: String)] = [
                ("JSON rows: matched delete/update/update_all, not matched insert/insert_all", #"""
                {"source": {"rows": [
                    {"id": 1, "op": "delete"},
                    {"id": 2, "op": "bump", "price": 1.5, "name": "two", "seen_at": "2025-01-02T03:04:05Z"},
                    {"id": 4, "op": "bump", "price": -2.25, "name": null},
                    {"id": 5, "op": "all", "price": null, "name": "five", "region": "south", "day": "2001-02-03"},
                    {"id": 100, "op": "new", "price": 7.125, "name": "hundred", "region": "north"},
                    {"id": 101, "op": "new", "price": null, "name": "hundred one", "region": "south"},
                    {"id": 102, "op": "new", "name": "no region", "region": null}]},
                 "on": "t.id = s.id",
                 "clauses": [
                    {"when": "matched", "condition": "s.op = 'delete'", "action": "delete"},
                    {"when": "matched", "condition": "s.op = 'bump'", "action": "update",
                     "set": {"price": "t.price + s.price", "name": "coalesce(s.name, t.name, 'unnamed')", "seen_at": "coalesce(s.seen_at, t.seen_at)"}},
                    {"when": "matched", "action": "update_all"},
                    {"when": "not_matched", "condition": "s.price > 0", "action": "insert",
                     "values": {"id": "s.id", "price": "s.price", "name": "upper(s.name)", "region": "s.region"}},
                    {"when": "not_matched", "action": "insert_all"}]}
                """#),
                ("Parquet source reshaped by sql, with not matched by source update and delete", #"""
                {"source": {"source_paths": ["awkward"],
                            "sql": "SELECT id + 20 AS id, price * 2 AS price, name, local_at, region FROM t WHERE id % 2 = 0"},
                 "on": "t.id = s.id",
                 "clauses": [
                    {"when": "matched", "condition": "t.name IS NULL", "action": "update",
                     "set": {"name": "concat('filled ', CAST(s.id AS STRING))", "local_at": "s.local_at"}},
                    {"when": "matched", "action": "update", "set": {"price": "s.price", "local_at": "t.local_at + INTERVAL 1 DAY"}},
                    {"when": "not_matched", "condition": "s.id < 50", "action": "insert_all"},
                    {"when": "not_matched_by_source", "condition": "t.id < 4", "action": "delete"},
                    {"when": "not_matched_by_source", "condition": "t.region = 'north'", "action": "update", "set": {"name": "coalesce(t.name, 'none')"}}]}
                """#),
                ("a partitioned Delta source with sql, clauses in the issue's shape", #"""
                {"source": {"delta": {"path": "changes"}, "sql": "SELECT id, amount FROM t WHERE kind IS NOT NULL"},
                 "source_alias": "src", "target_alias": "tgt", "on": "tgt.id = src.id",
                 "when_matched": [{"action": "delete", "predicate": "src.amount < 0"}, {"action": "update", "set": {"price": "src.amount"}}],
                 "when_not_matched": [{"action": "insert", "values": {"id": "src.id", "price": "src.amount", "region": "'east'"}}]}
                """#),
                ("a merge that changes nothing", #"""
                {"source": {"rows": [{"id": 9999, "name": "nobody"}]}, "on": "t.id = s.id",
                 "clauses": [{"when": "matched", "action": "update", "set": {"name": "s.name"}}]}
                """#),
                ("several source rows per target row, refused", #"""
                {"source": {"rows": [{"id": 8, "name": "x"}, {"id": 8, "name": "y"}]}, "on": "t.id = s.id",
                 "clauses": [{"when": "matched", "action": "update_all"}]}
                """#),
                ("several source rows per target row with only an unconditional delete", #"""
                {"source": {"rows": [{"id": 8}, {"id": 8}, {"id": 9}]}, "on": "t.id = s.id",
                 "clauses": [{"when": "matched", "action": "delete"}, {"when": "not_matched", "action": "insert_all"}]}
                """#),
                ("several source rows per target row, no matched clause: the matched row is copied once", #"""
                {"source": {"rows": [{"id": 10}, {"id": 10}]}, "on": "t.id = s.id",
                 "clauses": [{"when": "not_matched_by_source", "condition": "t.id = 11", "action": "delete"}]}
                """#),
            ]
            var answers: [String: [(status: HTTPResponse.Status, json: [String: Any])]] = [:]
            for (engine, table) in [("spark", "by_spark"), ("duckdb", "by_duckdb")] {
                for step in steps {
                    var body = try #require(try JSONSerialization.jsonObject(with: Data(step.json.utf8)) as? [String: Any], "\(step.name)")
                    body["path"] = table
                    answers[engine, default: []].append(try await Self.merge(client, body, engine: engine))
                }
            }
            let spark = answers["spark"] ?? [], duck = answers["duckdb"] ?? []
            try #require(spark.count == steps.count && duck.count == steps.count)
            for (i, step) in steps.enumerated() {
                let expected: HTTPResponse.Status = i == 4 ? .badRequest : .ok
                #expect(spark[i].status == expected, "spark, \(step.name): \(spark[i].json)")
                #expect(duck[i].status == expected, "duckdb, \(step.name): \(duck[i].json)")
                // Everything but bytes and time equal.
                let (a, b) = (Self.metrics(spark[i].json), Self.metrics(duck[i].json))
                #expect(a.filter { !Self.layoutMetrics.contains($0.key) } == b.filter { !Self.layoutMetrics.contains($0.key) },
                        "metrics differ, \(step.name): spark \(a) duckdb \(b)")
                for key in ["version", "committed", "files_scanned", "files_skipped"] {
                    #expect("\(spark[i].json[key] ?? "-")" == "\(duck[i].json[key] ?? "-")", "\(key), \(step.name)")
                }
                if expected == .ok {
                    #expect(spark[i].json["engine"] as? String == "spark", "\(step.name): \(spark[i].json)")
                    #expect(duck[i].json["engine"] as? String == "duckdb", "\(step.name): \(duck[i].json)")
                }
            }
            #expect(spark[4].json["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "multiple_source_rows_match")
            #expect(duck[4].json["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "multiple_source_rows_match")

            // Hand-reasoned, for both engines (reasoning in the comments).
            for (engine, steps) in [("spark", spark), ("duckdb", duck)] {
                let m = steps.map { Self.metrics($0.json) }
                // 1: id 1 deleted; 2, 4 (bump) and 5 (update_all) updated; 100 (price > 0), 101 and
                // 102 (NULL price: insert_all) inserted. All four matches are in the north file (25
                // rows), the only one rewritten: 21 rows copied; north, south and NULL partitions written.
                #expect(m[0]["numSourceRows"] == 7 && m[0]["numTargetRowsDeleted"] == 1 && m[0]["numTargetRowsMatchedDeleted"] == 1, "\(engine) \(m[0])")
                #expect(m[0]["numTargetRowsUpdated"] == 3 && m[0]["numTargetRowsInserted"] == 3 && m[0]["numTargetRowsCopied"] == 21, "\(engine) \(m[0])")
                #expect(m[0]["numOutputRows"] == 27 && m[0]["numTargetFilesRemoved"] == 1 && m[0]["numTargetFilesAdded"] == 3, "\(engine) \(m[0])")
                // 2: source ids 20–58 even. Matched 20–38 even: 5 with NULL names (id % 4 = 0), 5
                // others. Inserted 40–48. Not matched by source: 0, 2, 3 deleted (t.id < 4); the 18
                // other north rows updated; south and NULL-region rows unchanged. The north file
                // (24 rows) changes whole, the south one (15) keeps its 8 odd ids.
                #expect(m[1]["numSourceRows"] == 20 && m[1]["numTargetRowsMatchedUpdated"] == 10, "\(engine) \(m[1])")
                #expect(m[1]["numTargetRowsNotMatchedBySourceUpdated"] == 18 && m[1]["numTargetRowsNotMatchedBySourceDeleted"] == 3, "\(engine) \(m[1])")
                #expect(m[1]["numTargetRowsInserted"] == 5 && m[1]["numTargetRowsCopied"] == 8 && m[1]["numTargetFilesRemoved"] == 2, "\(engine) \(m[1])")
                // 3: 7 deleted (amount < 0), 6 updated, 200 inserted; the north file (24 rows) rewritten.
                #expect(m[2]["numSourceRows"] == 3 && m[2]["numTargetRowsMatchedDeleted"] == 1 && m[2]["numTargetRowsMatchedUpdated"] == 1, "\(engine) \(m[2])")
                #expect(m[2]["numTargetRowsInserted"] == 1 && m[2]["numTargetRowsCopied"] == 22, "\(engine) \(m[2])")
                // 4: nothing to do, nothing committed.
                #expect(steps[3].json["committed"] as? Bool == false && m[3]["numTargetFilesAdded"] == 0, "\(engine) \(m[3])")
                // 6: 8 and 9 deleted (8 matched twice), nothing inserted; 7: 11 deleted, 10 (matched
                // twice, no matched clause) copied once with the other 19 rows of its file.
                #expect(m[5]["numTargetRowsDeleted"] == 2 && m[5]["numTargetRowsInserted"] == 0 && m[5]["numTargetRowsCopied"] == 21, "\(engine) \(m[5])")
                #expect(m[6]["numTargetRowsDeleted"] == 1 && m[6]["numTargetRowsCopied"] == 20, "\(engine) \(m[6])")
                let versions = steps.map { int($0.json["version"]) }
                #expect(versions == [1, 2, 3, 3, nil, 4, 5], "\(engine)")
            }

            guard let oracle = try await runDeltaRs(Self.oracle, [directory, "6"]) else { return }
            #expect(oracle["equal"] as? [Bool] == Array(repeating: true, count: 6), "\(oracle)")
            // 40; −1 +3; −3 +5; −1 +1; −2; −1.
            #expect(oracle["counts"] as? [Int] == [40, 42, 44, 44, 42, 41], "\(oracle)")
            let written = Array(repeating: ["spark"], count: 5)
            #expect((oracle["spark"] as? [[String]]).map { Array($0.dropFirst()) } == written, "\(oracle)")
            #expect((oracle["duckdb"] as? [[String]]).map { Array($0.dropFirst()) } == Array(repeating: ["duckdb"], count: 5), "\(oracle)")
        }
    }

    /// A server over `roots` with Spark at `remote` and `auto` picking Spark above `threshold` bytes.
    static func withSparkServer<T: Sendable>(roots: [String], remote: String, threshold: Int64,
                                             _ test: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        var configuration = LakehouseConfiguration(roots: roots)
        configuration.sparkRemote = remote
        configuration.sparkThresholdBytes = threshold
        let lakehouse = try Lakehouse(configuration: configuration)
        var logger = Logger(label: "spark-engine-merge-route-tests")
        logger.logLevel = .warning
        let app = try buildApplication(lakehouse: lakehouse, options: testOptions(), logger: logger)
        let result = try await app.test(.router) { client in try await test(client) }
        await lakehouse.spark?.close()
        return result
    }

    @Test("engine spark refuses a table with deletion vectors and changes nothing; auto merges it on DuckDB and others on Spark")
    func refusalsAndAuto() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-merge-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Threshold 0: `auto` picks Spark for every merge Spark can run.
        try await Self.withSparkServer(roots: [directory], remote: remote, threshold: 0) { client in
            let values = (1...6).map { #"{"id": \#($0), "name": "n\#($0)"}"# }.joined(separator: ", ")
            for (table, properties) in [("dv", #", "properties": {"delta.enableDeletionVectors": "true"}"#), ("plain", "")] {
                let create = try await client.post("/api/delta/create", json: #"{"path": "\#(table)", "schema": [{"name": "id", "type": "long"}, {"name": "name", "type": "string"}]\#(properties)}"#)
                #expect(create.status == .ok, "\(create.text)")
                let write = try await client.post("/api/delta/write", json: #"{"path": "\#(table)", "rows": [\#(values)], "engine": "duckdb"}"#)
                #expect(write.status == .ok, "\(write.text)")
            }
            func files(_ table: String) throws -> [String] {
                try FileManager.default.subpathsOfDirectory(atPath: directory + "/" + table).sorted()
            }
            let before = try files("dv")
            var merge = try #require(try JSONSerialization.jsonObject(with: Data(#"""
                {"path": "dv", "source": {"rows": [{"id": 2, "name": "two"}, {"id": 9, "name": "nine"}]}, "on": "t.id = s.id",
                 "clauses": [{"when": "matched", "action": "update_all"}, {"when": "not_matched", "action": "insert_all"}]}
                """#.utf8)) as? [String: Any])
            let refused = try await Self.merge(client, merge, engine: "spark")
            #expect(refused.status == .unprocessableContent, "\(refused.json)")
            let error = refused.json["error"] as? [String: Any]
            #expect(error?["code"] as? String == "engine_unsupported")
            #expect((error?["message"] as? String)?.contains(#""engine": "duckdb""#) == true, "\(refused.json)")
            #expect(try files("dv") == before, "the refused merge left files behind")

            // Column mapping (a corpus table, copied): refused the same way, nothing written.
            let mapped = directory + "/mapped"
            try FileManager.default.copyItem(atPath: corpusDeltaTables + "/table_with_column_mapping", toPath: mapped)
            let mappedBefore = try files("mapped")
            let mappedMerge = try #require(try JSONSerialization.jsonObject(with: Data(#"""
                {"path": "mapped", "source": {"rows": [{"x": "a"}]}, "on": "t.\"Super Name\" = s.x",
                 "clauses": [{"when": "matched", "action": "delete"}]}
                """#.utf8)) as? [String: Any])
            let mappedRefused = try await Self.merge(client, mappedMerge, engine: "spark")
            #expect(mappedRefused.status == .unprocessableContent, "\(mappedRefused.json)")
            #expect((mappedRefused.json["error"] as? [String: Any])?["code"] as? String == "engine_unsupported")
            #expect(try files("mapped") == mappedBefore)

            // auto: DuckDB merges the table with deletion vectors (and marks the changed row in one).
            let auto = try await Self.merge(client, merge, engine: "auto")
            #expect(auto.status == .ok, "\(auto.json)")
            #expect(Self.metrics(auto.json)["numTargetDeletionVectorsAdded"] == 1, "\(auto.json)")
            #expect(Self.metrics(auto.json)["numTargetRowsUpdated"] == 1 && Self.metrics(auto.json)["numTargetRowsInserted"] == 1)

            // auto on the plain table: Spark (the files it adds are Spark's).
            merge["path"] = "plain"
            let sparkAuto = try await Self.merge(client, merge, engine: "auto")
            #expect(sparkAuto.status == .ok, "\(sparkAuto.json)")
            #expect(Self.metrics(sparkAuto.json)["numTargetRowsUpdated"] == 1 && Self.metrics(sparkAuto.json)["numTargetRowsInserted"] == 1, "\(sparkAuto.json)")
            let script = """
                import deltalake, json, sys, urllib.parse
                import pyarrow.parquet as pq
                root = sys.argv[1] + '/plain'
                table = deltalake.DeltaTable(root)
                made = []
                for line in open(root + '/_delta_log/%020d.json' % table.version()):
                    add = json.loads(line).get('add')
                    if add:
                        made.append(pq.ParquetFile(root + '/' + urllib.parse.unquote(add['path'])).metadata.created_by or '')
                rows = sorted((r['id'], r['name']) for r in table.to_pyarrow_table().to_pylist())
                print(json.dumps({'version': table.version(), 'spark': bool(made) and all('parquet-mr' in m or 'parquet-java' in m for m in made), 'rows': rows}))
                """
            guard let oracle = try await runDeltaRs(script, [directory]) else { return }
            #expect(oracle["version"] as? Int == 2)
            #expect(oracle["spark"] as? Bool == true, "\(oracle)")
            let rows = (oracle["rows"] as? [[Any]])?.map { "\($0[0]):\($0[1])" }
            #expect(rows == ["1:n1", "2:two", "3:n3", "4:n4", "5:n5", "6:n6", "9:nine"], "\(oracle)")
        }
    }

    @Test("a failed merge on Spark (a CHECK constraint, a NOT NULL column, a bad expression, a failing cast) changes nothing")
    func failuresChangeNothing() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-merge-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await SparkEngineRouteTests.withSparkServer(roots: [directory], remote: remote) { client in
            let create = try await client.post("/api/delta/create", json: #"{"path": "checked", "schema": [{"name": "id", "type": "long", "nullable": false}, {"name": "qty", "type": "integer"}], "properties": {"delta.constraints.positive": "qty >= 0"}}"#)
            #expect(create.status == .ok, "\(create.text)")
            let values = (1...5).map { #"{"id": \#($0), "qty": \#($0)}"# }.joined(separator: ", ")
            let write = try await client.post("/api/delta/write", json: #"{"path": "checked", "rows": [\#(values)], "engine": "duckdb"}"#)
            #expect(write.status == .ok, "\(write.text)")
            let before = try FileManager.default.subpathsOfDirectory(atPath: directory + "/checked").sorted()
            // `engines`: where the failure is checked. The DuckDB merge accepts "1) OR (1" (its check
            // wraps the text in parentheses first), so that one is Spark's alone.
            let both = ["spark", "duckdb"]
            let failures: [(name: String, json: String, code: String?, engines: [String])] = [
                ("CHECK constraint", #"{"source": {"rows": [{"id": 1, "qty": -5}]}, "on": "t.id = s.id", "clauses": [{"when": "matched", "action": "update_all"}]}"#,
                 "check_constraint_violation", both),
                ("NOT NULL column", #"{"source": {"rows": [{"id": 50, "qty": 1}]}, "on": "t.id = s.id", "clauses": [{"when": "not_matched", "action": "insert", "values": {"qty": "s.qty"}}]}"#,
                 "not_null_violation", both),
                ("unknown column", #"{"source": {"rows": [{"id": 2, "qty": 1}]}, "on": "t.id = s.id", "clauses": [{"when": "matched", "action": "update", "set": {"qty": "no_such_column + 1"}}]}"#,
                 "invalid_expression", both),
                ("not one expression", #"{"source": {"rows": [{"id": 2, "qty": 1}]}, "on": "t.id = s.id", "clauses": [{"when": "matched", "action": "update", "set": {"qty": "1) OR (1"}}]}"#,
                 "invalid_expression", ["spark"]),
                ("a cast that fails while rows are written", #"{"source": {"rows": [{"id": 3, "qty": 1, "note": "abc"}]}, "on": "t.id = s.id", "clauses": [{"when": "matched", "action": "update", "set": {"qty": "CAST(s.note AS INT)"}}]}"#,
                 nil, both),
            ]
            for failure in failures {
                var body = try #require(try JSONSerialization.jsonObject(with: Data(failure.json.utf8)) as? [String: Any])
                body["path"] = "checked"
                var statuses: [Int] = []
                for engine in failure.engines {
                    let answer = try await Self.merge(client, body, engine: engine)
                    statuses.append(answer.status.code)
                    let code = (answer.json["error"] as? [String: Any])?["code"] as? String
                    #expect((400...499).contains(answer.status.code), "\(engine), \(failure.name): \(answer.json)")
                    if let expected = failure.code { #expect(code == expected, "\(engine), \(failure.name): \(answer.json)") }
                }
                #expect(Set(statuses).count == 1, "\(failure.name): \(failure.engines) answered \(statuses)")
            }
            // Nothing committed, no file left behind.
            let history = try await client.post("/api/delta/history", json: #"{"path": "checked"}"#).json()
            #expect((history["history"] as? [Any])?.count == 2)
            #expect(try FileManager.default.subpathsOfDirectory(atPath: directory + "/checked").sorted() == before)
        }
    }

    @Test("MERGE on Spark into a table in S3, with sources in S3, matches DuckDB's, read by delta-rs")
    func s3MergesMatchDuckDB() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        guard let moto = try await MotoBucket.make("swiftlake-merge", skipping: "Spark merge on S3") else { return }
        let (endpoint, environment, bucket, store) = (moto.endpoint, moto.environment, moto.name, moto.store)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-merge-s3-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return }
        var configuration = LakehouseConfiguration(roots: [directory, "s3://\(bucket)/lake"])
        configuration.sparkRemote = remote
        configuration.s3Environment = environment
        configuration.s3CacheDirectory = directory + "/.s3-cache"
        let lakehouse = try Lakehouse(configuration: configuration)
        var logger = Logger(label: "spark-merge-s3-route-tests")
        logger.logLevel = .warning
        let app = try buildApplication(lakehouse: lakehouse, options: testOptions(), logger: logger)
        let lake = "s3://\(bucket)/lake"
        try await app.test(.router) { client in
            // The same table twice (DuckDB writes both alike), a Delta source in S3, Parquet in S3.
            for table in ["by_spark", "by_duckdb", "source"] {
                let sql = table == "source" ? "SELECT id + 30 AS id, price, name, region FROM t WHERE id % 4 = 1" : "SELECT id, price, name, day, seen_at, region FROM t"
                let write = try await client.post("/api/delta/write", json: #"{"path": "\#(lake)/\#(table)", "source": {"parquet": ["awkward"]}, "partition_by": ["region"], "sql": "\#(sql)", "engine": "duckdb"}"#)
                #expect(write.status == .ok, "\(write.text)")
            }
            let keys = try Array(Data(contentsOf: URL(fileURLWithPath: directory + "/awkward/region=north/part-0.parquet")))
            try await store.put("lake/keys.parquet", keys)
            let steps = [
                #"{"source": {"delta": {"path": "\#(lake)/source"}}, "on": "t.id = s.id", "clauses": [{"when": "matched", "condition": "s.id % 2 = 1", "action": "update", "set": {"name": "concat('s3 ', s.name)"}}, {"when": "not_matched", "action": "insert_all"}, {"when": "not_matched_by_source", "condition": "t.id < 3", "action": "delete"}]}"#,
                #"{"source": {"rows": [{"id": 10, "price": 1.25}, {"id": 500, "price": 2.5, "region": "west"}]}, "on": "t.id = s.id", "clauses": [{"when": "matched", "action": "delete"}, {"when": "not_matched", "action": "insert_all"}]}"#,
                // Parquet in S3 on Spark; DuckDB's merge reads no Parquet from S3 yet
                // (unsupported_s3_operation), so it reads the same file from the local disk.
                #"{"source": {"source_paths": ["KEYS"], "sql": "SELECT id + 3 AS id, name FROM t WHERE id < 3"}, "on": "t.id = s.id", "clauses": [{"when": "matched", "action": "update", "set": {"name": "upper(coalesce(s.name, 'x'))"}}]}"#,
            ]
            var answers: [String: [[String: Any]]] = [:]
            for engine in ["spark", "duckdb"] {
                for step in steps {
                    let keysPath = engine == "spark" ? "\(lake)/keys.parquet" : "awkward/region=north/part-0.parquet"
                    let text = step.replacingOccurrences(of: "KEYS", with: keysPath)
                    var body = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                    body["path"] = "\(lake)/by_\(engine)"
                    let answer = try await Self.merge(client, body, engine: engine)
                    #expect(answer.status == .ok, "\(engine): \(answer.json)")
                    answers[engine, default: []].append(answer.json)
                }
            }
            for i in steps.indices {
                let (a, b) = (Self.metrics(answers["spark"]?[i] ?? [:]), Self.metrics(answers["duckdb"]?[i] ?? [:]))
                #expect(a.filter { !Self.layoutMetrics.contains($0.key) } == b.filter { !Self.layoutMetrics.contains($0.key) }, "step \(i): spark \(a) duckdb \(b)")
            }
            // Hand-reasoned: the source has ids i + 30 for i % 4 = 1: 31, 35, 39 match (odd:
            // updated), 43–67 (7) are inserted, 0–2 deleted (not matched by source, < 3); then 10
            // deleted and 500 inserted; then ids 3–5 updated from the Parquet keys 0–2.
            let m = (answers["spark"] ?? []).map { Self.metrics($0) }
            if m.count == steps.count {
                #expect(m[0]["numTargetRowsMatchedUpdated"] == 3 && m[0]["numTargetRowsInserted"] == 7 && m[0]["numTargetRowsNotMatchedBySourceDeleted"] == 3, "\(m[0])")
                #expect(m[1]["numTargetRowsDeleted"] == 1 && m[1]["numTargetRowsInserted"] == 1, "\(m[1])")
                #expect(m[2]["numTargetRowsUpdated"] == 3 && m[2]["numSourceRows"] == 3, "\(m[2])")
            }
            let script = """
                import deltalake, json, sys, urllib.parse
                import pyarrow.parquet as pq, pyarrow.fs as pafs
                lake, endpoint, bucket, versions = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
                opts = {"AWS_ENDPOINT_URL": endpoint, "AWS_ALLOW_HTTP": "true", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_REGION": "us-east-1"}
                fs = pafs.S3FileSystem(access_key=opts["AWS_ACCESS_KEY_ID"], secret_key=opts["AWS_SECRET_ACCESS_KEY"], region="us-east-1",
                                       endpoint_override=endpoint.split("://")[1], scheme="http")
                def rows(name, version):
                    table = deltalake.DeltaTable(lake + '/' + name, version=version, storage_options=opts)
                    data = table.to_pyarrow_table().to_pylist()
                    return sorted(json.dumps(r, sort_keys=True, default=str) for r in data), table.schema().to_json()
                def writers(name, version):
                    found = set()
                    with fs.open_input_stream(bucket + '/lake/' + name + '/_delta_log/%020d.json' % version) as log:
                        for line in log.read().decode().splitlines():
                            add = json.loads(line).get('add')
                            if add:
                                with fs.open_input_file(bucket + '/lake/' + name + '/' + urllib.parse.unquote(add['path'])) as f:
                                    made = pq.ParquetFile(f).metadata.created_by or ''
                                found.add('spark' if ('parquet-mr' in made or 'parquet-java' in made) else 'duckdb' if 'DuckDB' in made else made)
                    return sorted(found)
                out = {'equal': [], 'counts': [], 'spark': []}
                for version in range(versions):
                    a, b = rows('by_spark', version), rows('by_duckdb', version)
                    out['equal'].append(a == b)
                    out['counts'].append(len(a[0]))
                    out['spark'].append(writers('by_spark', version))
                print(json.dumps(out))
                """
            let versions = steps.count + 1
            guard let oracle = try await runDeltaRs(script, [lake, endpoint, bucket, "\(versions)"]) else { return }
            #expect(oracle["equal"] as? [Bool] == Array(repeating: true, count: versions), "\(oracle)")
            // 40; −3 +7; −1 +1; unchanged.
            #expect((oracle["counts"] as? [Int]).map { Array($0.prefix(3)) } == [40, 44, 44], "\(oracle)")
            #expect((oracle["spark"] as? [[String]]).map { Array($0.dropFirst()) } == Array(repeating: ["spark"], count: steps.count), "\(oracle)")
        }
        await lakehouse.spark?.close()
        let objects = try await store.list(prefix: "lake/")
        #expect(!objects.contains { $0.path.contains("_swiftlake-write-") }, "\(objects.map(\.path))")
    }
}
