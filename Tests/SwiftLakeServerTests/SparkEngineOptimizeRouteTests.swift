import Foundation
import HummingbirdTesting
import SwiftLake
import Testing

/// OPTIMIZE on the Spark engine through the REST API: two tables built by the same requests
/// are compacted, one with `"engine": "spark"`, one with `"engine": "duckdb"`; delta-rs (the
/// oracle) must read both identically at every version, and the counts are hand-reasoned.
@Suite struct SparkEngineOptimizeRouteTests {
    @Test("OPTIMIZE on Spark compacts the bins DuckDB compacts, one file per bin, rows unchanged")
    func optimizeMatchesDuckDB() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-optimize-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return }
        try await SparkEngineRouteTests.withSparkServer(roots: [directory], remote: remote) { client in
            func post(_ uri: String, _ body: [String: Any]) async throws -> [String: Any] {
                let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                let response = try await client.post(uri, json: text)
                #expect(response.status == .ok, "\(uri): \(response.text.prefix(500))")
                return (try? response.json()) ?? [:]
            }
            var results: [String: [[String: Any]]] = [:]
            for (engine, table) in [("spark", "by_spark"), ("duckdb", "by_duckdb")] {
                // The same ten small files in both tables (written by DuckDB): five per partition.
                _ = try await post("/api/delta/write", ["path": table, "source": ["parquet": ["awkward"]], "partition_by": ["region"],
                                                        "sql": "SELECT id, big, price, name, day, seen_at, local_at, tags, nested, region FROM t",
                                                        "engine": "duckdb"])
                for k in 1...4 {
                    _ = try await post("/api/delta/write", ["path": table, "mode": "append", "source": ["parquet": ["awkward"]],
                                                            "sql": "SELECT id + \(1000 * k) AS id, price, name, region FROM t WHERE id % 3 = 0",
                                                            "engine": "duckdb"])
                }
                let north = try await post("/api/delta/optimize", ["path": table, "where": "region = 'north'", "engine": engine])
                let rest = try await post("/api/delta/optimize", ["path": table, "engine": engine])
                let again = try await post("/api/delta/optimize", ["path": table, "engine": engine])
                results[engine] = [north, rest, again]
            }
            // Hand-reasoned: north holds ids 0–24 (9 of them multiples of 3), south 25–39 (5),
            // so 25 + 4 × 9 = 61 rows in north's five files and 15 + 4 × 5 = 35 in south's.
            for engine in ["spark", "duckdb"] {
                guard let steps = results[engine], steps.count == 3 else { continue }
                let (north, rest, again) = (steps[0], steps[1], steps[2])
                #expect(north["engine"] as? String == engine)
                #expect(north["committed"] as? Bool == true && int(north["version"]) == 5, "\(engine) \(north)")
                #expect([int(north["num_batches"]), int(north["num_files_removed"]), int(north["num_files_added"]), int(north["rows_rewritten"])]
                        == [1, 5, 1, 61], "\(engine) \(north)")
                #expect(rest["committed"] as? Bool == true && int(rest["version"]) == 6, "\(engine) \(rest)")
                #expect([int(rest["num_batches"]), int(rest["num_files_removed"]), int(rest["num_files_added"]), int(rest["rows_rewritten"])]
                        == [1, 5, 1, 35], "\(engine) \(rest)")
                // Nothing left to compact: no commit, and the engine asked for is the one named.
                #expect(again["committed"] as? Bool == false && int(again["version"]) == 6, "\(engine) \(again)")
                #expect(again["engine"] as? String == engine, "\(again)")
            }
            // The compaction commits change no data: every add and remove says dataChange false.
            for table in ["by_spark", "by_duckdb"] {
                for version in [5, 6] {
                    let log = try String(contentsOfFile: directory + "/\(table)/_delta_log/" + String(format: "%020d.json", version), encoding: .utf8)
                    let actions = log.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                    let files = actions.compactMap { ($0["add"] ?? $0["remove"]) as? [String: Any] }
                    #expect(files.count == 6 && files.allSatisfy { $0["dataChange"] as? Bool == false }, "\(table) v\(version)")
                    let info = actions.compactMap { $0["commitInfo"] as? [String: Any] }.first
                    #expect(info?["operation"] as? String == "OPTIMIZE")
                }
            }
            let script = """
                import deltalake, json, sys
                root = sys.argv[1]
                def rows(name, version):
                    table = deltalake.DeltaTable(root + '/' + name, version=version)
                    data = table.to_pyarrow_table().to_pylist()
                    return sorted((json.dumps(r, sort_keys=True, default=str) for r in data)), len(table.file_uris())
                out = {'equal': [], 'counts': [], 'files': []}
                for version in range(7):
                    (a, fa), (b, fb) = rows('by_spark', version), rows('by_duckdb', version)
                    out['equal'].append(a == b)
                    out['counts'].append(len(a))
                    out['files'].append([fa, fb])
                latest = deltalake.DeltaTable(root + '/by_spark')
                out['unchanged'] = rows('by_spark', 4)[0] == rows('by_spark', 6)[0]
                out['operation'] = latest.history(1)[0]['operation']
                print(json.dumps(out))
                """
            guard let oracle = try await runDeltaRs(script, [directory]) else { return }
            #expect(oracle["equal"] as? [Bool] == Array(repeating: true, count: 7), "\(oracle)")
            #expect(oracle["counts"] as? [Int] == [40, 54, 68, 82, 96, 96, 96], "\(oracle)")
            #expect(oracle["files"] as? [[Int]] == [[2, 2], [4, 4], [6, 6], [8, 8], [10, 10], [6, 6], [2, 2]], "\(oracle)")
            #expect(oracle["unchanged"] as? Bool == true)
            #expect(oracle["operation"] as? String == "OPTIMIZE")
        }
    }

    @Test("OPTIMIZE on Spark of files with deletion vectors is refused before anything is written")
    func deletionVectorsAreRefused() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-optimize-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return }
        try await SparkEngineRouteTests.withSparkServer(roots: [directory], remote: remote) { client in
            let create = try await client.post("/api/delta/create", json: #"{"path":"dv","schema":[{"name":"id","type":"integer"},{"name":"name","type":"string"}],"properties":{"delta.enableDeletionVectors":"true"}}"#)
            #expect(create.status == .ok, "\(create.text)")
            for _ in 0..<2 {
                let write = try await client.post("/api/delta/write", json: #"{"path":"dv","mode":"append","source":{"parquet":["awkward/region=north"]},"sql":"SELECT id, name FROM t","engine":"duckdb"}"#)
                #expect(write.status == .ok, "\(write.text)")
            }
            let delete = try await client.post("/api/delta/delete", json: #"{"path":"dv","predicate":"id = 7","engine":"duckdb"}"#)
            #expect(delete.status == .ok, "\(delete.text)")
            let before = try FileManager.default.subpathsOfDirectory(atPath: directory + "/dv").sorted()

            let optimize = try await client.post("/api/delta/optimize", json: #"{"path":"dv","engine":"spark"}"#)
            #expect(optimize.status == .unprocessableContent, "\(optimize.text)")
            #expect(optimize.errorCode == "engine_unsupported")
            #expect(optimize.text.contains("deletion vectors"), "\(optimize.text)")
            // Nothing committed, nothing written.
            #expect(try FileManager.default.subpathsOfDirectory(atPath: directory + "/dv").sorted() == before)
            // DuckDB compacts it, dropping the deleted rows: 2 × 25 rows less the two id 7s.
            let duckdb = try await client.post("/api/delta/optimize", json: #"{"path":"dv"}"#)
            #expect(duckdb.status == .ok, "\(duckdb.text)")
            let json = try duckdb.json()
            #expect(json["engine"] as? String == "duckdb")
            #expect(int(json["rows_rewritten"]) == 48, "\(json)")
        }
    }
}
