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
