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

    @Test("update, delete and OPTIMIZE on Spark of a table with deletion vectors match DuckDB's; vectors are purged")
    func deletionVectorTables() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-optimize-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return }
        try await SparkEngineRouteTests.withSparkServer(roots: [directory], remote: remote) { client in
            func post(_ uri: String, _ body: String) async throws -> [String: Any] {
                let response = try await client.post(uri, json: body)
                #expect(response.status == .ok, "\(uri): \(response.text.prefix(400))")
                return (try? response.json()) ?? [:]
            }
            var results: [String: [[String: Any]]] = [:]
            for engine in ["spark", "duckdb"] {
                let table = "dv_\(engine)"
                // The same table for both: two files of north's 25 rows, and deletion vectors
                // (written by DuckDB) deleting id 7 from each.
                _ = try await post("/api/delta/create", #"{"path":"\#(table)","schema":[{"name":"id","type":"integer"},{"name":"name","type":"string"}],"properties":{"delta.enableDeletionVectors":"true"}}"#)
                for _ in 0..<2 {
                    _ = try await post("/api/delta/write", #"{"path":"\#(table)","mode":"append","source":{"parquet":["awkward/region=north"]},"sql":"SELECT id, name FROM t","engine":"duckdb"}"#)
                }
                let marked = try await post("/api/delta/delete", #"{"path":"\#(table)","predicate":"id = 7","engine":"duckdb"}"#)
                #expect(int((marked["metrics"] as? [String: Any])?["numDeletionVectorsAdded"]) == 2, "\(marked)")
                // Then, on the engine under test: an update and a delete that read those files,
                // and the compaction.
                let update = try await post("/api/delta/update", #"{"path":"\#(table)","predicate":"id < 3","updates":{"name":"'low'"},"engine":"\#(engine)"}"#)
                let delete = try await post("/api/delta/delete", #"{"path":"\#(table)","predicate":"id > 20","engine":"\#(engine)"}"#)
                // More vectors for the compaction to purge, whichever engine rewrote the files.
                _ = try await post("/api/delta/delete", #"{"path":"\#(table)","predicate":"id = 10","engine":"duckdb"}"#)
                let optimize = try await post("/api/delta/optimize", #"{"path":"\#(table)","engine":"\#(engine)"}"#)
                results[engine] = [update, delete, optimize]
                #expect(optimize["engine"] as? String == engine)
            }
            // Hand-reasoned: each file holds 0–24 less 7; ids 0–2 updated (3 per file), ids
            // 21–24 deleted (4 per file), then 10, leaving 2 × 19 = 38 rows in one compacted file.
            for engine in ["spark", "duckdb"] {
                guard let steps = results[engine], steps.count == 3 else { continue }
                #expect(int(steps[0]["rows_updated"]) == 6, "\(engine) \(steps[0])")
                #expect(int(steps[1]["rows_deleted"]) == 8, "\(engine) \(steps[1])")
                #expect(int(steps[2]["rows_rewritten"]) == 38 && steps[2]["committed"] as? Bool == true, "\(engine) \(steps[2])")
            }
            for version in 0...7 {
                let answer = try await SparkEngineRouteTests.expectSameAnswer(client, "/api/delta/read", [
                    "path": "dv_spark", "version": version, "sql": "SELECT id, name FROM t ORDER BY id, name"])
                let other = try await SparkEngineRouteTests.expectSameAnswer(client, "/api/delta/read", [
                    "path": "dv_duckdb", "version": version, "sql": "SELECT id, name FROM t ORDER BY id, name"])
                #expect(SparkEngineRouteTests.canonicalRows(answer ?? [:]) == SparkEngineRouteTests.canonicalRows(other ?? [:]), "v\(version)")
            }
            // After the compaction no live file has a deletion vector.
            let files = try await post("/api/delta/files", #"{"path":"dv_spark"}"#)
            let live = files["files"] as? [[String: Any]] ?? []
            #expect(live.count == 1 && live.allSatisfy { $0["deleted_rows"] == nil || $0["deleted_rows"] is NSNull }, "\(live)")
        }
    }
}
