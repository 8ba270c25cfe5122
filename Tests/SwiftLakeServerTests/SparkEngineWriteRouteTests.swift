import Foundation
import HummingbirdTesting
import SwiftLake
import Testing

/// Delta writes on the Spark engine through the REST API: the same requests run once with
/// `"engine": "spark"` and once with `"engine": "duckdb"` on two tables; delta-rs (the
/// oracle) must read both tables identically at every version, and the counts must be the
/// hand-reasoned ones.
@Suite struct SparkEngineWriteRouteTests {
    @Test("write (Parquet sources and JSON rows), delete and update on Spark leave tables delta-rs reads as it reads DuckDB's")
    func writesMatchDuckDB() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-write-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return }
        try await SparkEngineRouteTests.withSparkServer(roots: [directory], remote: remote) { client in
            func post(_ uri: String, _ body: [String: Any], engine: String) async throws -> [String: Any] {
                var request = body
                request["engine"] = engine
                let text = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
                let response = try await client.post(uri, json: text)
                #expect(response.status == .ok, "\(engine) \(uri): \(response.text.prefix(500))")
                let json = (try? response.json()) ?? [:]
                #expect(json["engine"] as? String == engine)
                return json
            }
            var answers: [String: [[String: Any]]] = [:]
            for (engine, table) in [("spark", "by_spark"), ("duckdb", "by_duckdb")] {
                var steps: [[String: Any]] = []
                steps.append(try await post("/api/delta/write", [
                    "path": table, "source": ["parquet": ["awkward"]], "partition_by": ["region"],
                    "sql": "SELECT id, big, price, name, day, seen_at, local_at, flag, tags, nested, attrs, region FROM t"], engine: engine))
                steps.append(try await post("/api/delta/write", [
                    "path": table, "mode": "append", "source": ["parquet": ["awkward/region=south"]],
                    "sql": "SELECT id + 100 AS id, price, 'south' AS region FROM t WHERE id < 30"], engine: engine))
                steps.append(try await post("/api/delta/delete", ["path": table, "predicate": "id % 3 = 0"], engine: engine))
                steps.append(try await post("/api/delta/update", [
                    "path": table, "predicate": "price > 20", "updates": ["name": "upper(name)", "price": "price * 2"]], engine: engine))
                // JSON rows, typed against the table's columns (DuckDB stages them for Spark).
                steps.append(try await post("/api/delta/write", [
                    "path": table, "mode": "append", "rows": [
                        ["id": 200, "price": 1.5, "name": "json", "day": "2024-02-29", "seen_at": "2024-03-01T12:00:00Z", "flag": true, "region": "north"],
                        ["id": 201, "price": NSNull(), "name": NSNull(), "region": "south"],
                    ]], engine: engine))
                answers[engine] = steps
            }
            // Hand-reasoned: 40 rows written, 5 appended (ids 125–129), ids divisible by 3 deleted:
            // 14 of 0–39 and 2 of 125–129 (126, 129).
            for engine in ["spark", "duckdb"] {
                let steps = answers[engine] ?? []
                guard steps.count == 5 else { continue }
                #expect(int(steps[0]["rows_inserted"]) == 40, "\(engine)")
                #expect(int(steps[1]["rows_inserted"]) == 5, "\(engine)")
                #expect(int(steps[2]["rows_deleted"]) == 16, "\(engine)")
                #expect(int(steps[3]["rows_updated"]) == int(answers["duckdb"]?[3]["rows_updated"]), "\(engine)")
                #expect(int(steps[4]["rows_inserted"]) == 2, "\(engine)")
                #expect((0...4).map { int(steps[$0]["version"]) } == [0, 1, 2, 3, 4], "\(engine)")
            }
            let script = """
                import deltalake, json, sys
                root = sys.argv[1]
                def rows(name, version):
                    table = deltalake.DeltaTable(root + '/' + name, version=version)
                    data = table.to_pyarrow_table().to_pylist()
                    return sorted((json.dumps(r, sort_keys=True, default=str) for r in data)), table.schema().to_json()
                out = {'equal': [], 'counts': []}
                for version in range(5):
                    a, sa = rows('by_spark', version)
                    b, sb = rows('by_duckdb', version)
                    out['equal'].append(a == b and sa == sb)
                    out['counts'].append(len(a))
                print(json.dumps(out))
                """
            guard let oracle = try await runDeltaRs(script, [directory]) else { return }
            #expect(oracle["equal"] as? [Bool] == [true, true, true, true, true], "\(oracle)")
            #expect(oracle["counts"] as? [Int] == [40, 45, 29, 29, 31])
        }
    }

    @Test("an overwrite with replace_where on Spark replaces only the rows it matches, as on DuckDB; bad ones change nothing")
    func replaceWhereMatchesDuckDB() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-replace-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return }
        try await SparkEngineRouteTests.withSparkServer(roots: [directory], remote: remote) { client in
            func post(_ uri: String, _ body: [String: Any], engine: String) async throws -> (status: Int, json: [String: Any]) {
                var request = body
                request["engine"] = engine
                let response = try await client.post(uri, json: String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self))
                return (Int(response.status.code), (try? response.json()) ?? [:])
            }
            let columns = "id, big, price, name, day, seen_at, local_at, flag, tags, nested, attrs, region"
            var answers: [String: [(status: Int, json: [String: Any])]] = [:]
            for (engine, table) in [("spark", "by_spark"), ("duckdb", "by_duckdb")] {
                let created = try await post("/api/delta/write", ["path": table, "source": ["parquet": ["awkward"]], "partition_by": ["region"],
                                                                  "sql": "SELECT \(columns) FROM t"], engine: "duckdb")
                #expect(created.status == 200, "\(created.json)")
                let steps: [[String: Any]] = [
                    // A whole partition: the south file goes unread.
                    ["mode": "overwrite", "replace_where": "region = 'south'",
                     "sql": "SELECT id + 1000 AS id, big, price, name, day, seen_at, local_at, flag, tags, nested, attrs, region FROM t WHERE region = 'south'"],
                    // Part of the north file: ids 0–4 replaced, its 20 other rows copied.
                    ["mode": "overwrite", "replace_where": "id < 5",
                     "sql": "SELECT id, big, price, 'replaced' AS name, day, seen_at, local_at, flag, tags, nested, attrs, region FROM t WHERE id < 5"],
                    // A row the predicate does not hold for: refused, nothing written.
                    ["mode": "overwrite", "replace_where": "id < 5", "sql": "SELECT \(columns) FROM t WHERE id = 10"],
                    // Not an overwrite: refused.
                    ["mode": "append", "replace_where": "id < 5", "sql": "SELECT \(columns) FROM t WHERE id < 5"],
                ]
                for var step in steps {
                    step["path"] = table
                    step["source"] = ["parquet": ["awkward"]]
                    answers[engine, default: []].append(try await post("/api/delta/write", step, engine: engine))
                }
            }
            for engine in ["spark", "duckdb"] {
                let steps = answers[engine] ?? []
                try #require(steps.count == 4)
                #expect(steps.map(\.status) == [200, 200, 400, 400], "\(engine): \(steps.map(\.json))")
                #expect(steps[0].json["engine"] as? String == engine)
                #expect([int(steps[0].json["rows_inserted"]), int(steps[0].json["rows_deleted"]), int(steps[0].json["rows_copied"])] == [15, 15, 0], "\(engine) \(steps[0].json)")
                #expect([int(steps[1].json["rows_inserted"]), int(steps[1].json["rows_deleted"]), int(steps[1].json["rows_copied"])] == [5, 5, 20], "\(engine) \(steps[1].json)")
                #expect([int(steps[0].json["version"]), int(steps[1].json["version"])] == [1, 2])
                let codes = steps[2...].map { ($0.json["error"] as? [String: Any])?["code"] as? String }
                #expect(codes == ["replace_where_violation", "replace_where_needs_overwrite"], "\(engine)")
            }
            let script = """
                import deltalake, json, sys
                root = sys.argv[1]
                def rows(name, version):
                    table = deltalake.DeltaTable(root + '/' + name, version=version)
                    return sorted(json.dumps(r, sort_keys=True, default=str) for r in table.to_pyarrow_table().to_pylist())
                out = {'equal': [], 'latest': [deltalake.DeltaTable(root + '/' + n).version() for n in ('by_spark', 'by_duckdb')]}
                for version in range(3):
                    out['equal'].append(rows('by_spark', version) == rows('by_duckdb', version))
                latest = [json.loads(r) for r in rows('by_spark', 2)]
                out['ids'] = sorted(r['id'] for r in latest)
                out['replaced'] = sorted(r['id'] for r in latest if r['name'] == 'replaced')
                print(json.dumps(out))
                """
            guard let oracle = try await runDeltaRs(script, [directory]) else { return }
            #expect(oracle["equal"] as? [Bool] == [true, true, true], "\(oracle)")
            #expect(oracle["latest"] as? [Int] == [2, 2], "\(oracle)")
            #expect(oracle["ids"] as? [Int] == Array(0...24) + Array(1025...1039), "\(oracle)")
            #expect(oracle["replaced"] as? [Int] == Array(0...4), "\(oracle)")
        }
    }

    @Test("a Spark write that breaks a NOT NULL column or a CHECK constraint changes nothing")
    func violationsChangeNothing() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-write-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return }
        try await SparkEngineRouteTests.withSparkServer(roots: [directory], remote: remote) { client in
            let create = try await client.post("/api/delta/create", json: #"{"path":"checked","schema":[{"name":"id","type":"integer","nullable":false},{"name":"name","type":"string"}],"properties":{"delta.constraints.positive":"id >= 0"}}"#)
            #expect(create.status == .ok, "\(create.text)")
            let nulls = try await client.post("/api/delta/write", json: #"{"path":"checked","source":{"parquet":["awkward"]},"sql":"SELECT CASE WHEN id = 3 THEN NULL ELSE id END AS id, name FROM t","engine":"spark"}"#)
            #expect(nulls.status == .badRequest, "\(nulls.text)")
            #expect(nulls.errorCode == "not_null_violation")
            let negative = try await client.post("/api/delta/write", json: #"{"path":"checked","source":{"parquet":["awkward"]},"sql":"SELECT id - 5 AS id, name FROM t","engine":"spark"}"#)
            #expect(negative.status == .unprocessableContent, "\(negative.text)")
            #expect(negative.errorCode == "check_constraint_violation")
            let wrongType = try await client.post("/api/delta/write", json: #"{"path":"checked","source":{"parquet":["awkward"]},"sql":"SELECT name AS id FROM t","engine":"spark"}"#)
            #expect(wrongType.status == .badRequest, "\(wrongType.text)")
            #expect(wrongType.errorCode == "type_mismatch")
            // Nothing was committed, and no data file was left behind.
            let history = try await client.post("/api/delta/history", json: #"{"path":"checked"}"#).json()
            #expect((history["history"] as? [Any])?.count == 1)
            let leftovers = try FileManager.default.subpathsOfDirectory(atPath: directory + "/checked").filter { $0.hasSuffix(".parquet") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
    }
}
