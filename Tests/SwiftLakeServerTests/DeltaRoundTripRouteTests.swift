import DeltaOracle
import Foundation
import HummingbirdTesting
import SwiftLake
import SwiftLakeServer
import TestProcess
import Testing

/// Acceptance test of "Delta writing": every operation, run by SwiftLake through the REST API,
/// leaves a table that delta-rs (the real `deltalake` 1.6.6 package) reads identically at every
/// version; delta-rs then appends, updates and deletes on it and SwiftLake reads the result.
///
/// Both sides render every value with DuckDB (`CAST(… AS VARCHAR)`, UTC): SwiftLake over `t`,
/// the Python side over delta-rs's Arrow table, as `Tests/DeltaOracle/delta_rows_oracle.py`
/// does. Each version is compared by row count, the order-independent digest
/// (``DeltaOracle/digestQuery(columns:table:)``) and the sorted rows; the latest version of
/// each side is also compared with rows written out here by hand.
@Suite("Delta round trip with delta-rs through REST", .serialized)
struct DeltaRoundTripRouteTests {
    /// The table's columns; the digest and the rendered rows use them in name order.
    static let columns = ["amount", "day", "id", "note", "region", "ts"]

    @Test("SwiftLake's operations read identically by delta-rs at every version, and delta-rs's writes read back by SwiftLake")
    func roundTrip() async throws {
        try await withServer(testOptions()) { client, lake in
            func ok(_ uri: String, _ json: String) async throws -> [String: Any] {
                let response = try await client.post(uri, json: json)
                try #require(response.status == .ok, "\(uri) \(json): \(response.status) \(response.text)")
                return try response.json()
            }
            func committed(_ uri: String, _ json: String) async throws -> Int {
                let body = try await ok(uri, json)
                return try #require(int(body["version"]), "\(uri): no version in \(body)")
            }
            let path = "rt"
            let row1 = #"{"id": 1, "region": "north", "amount": 9.5, "ts": "2024-05-01T12:00:00Z", "day": "2024-05-01", "note": "it's \"quoted\""}"#
            let row2 = #"{"id": 2, "region": "south west", "amount": null, "ts": null, "day": null, "note": null}"#
            let row3 = #"{"id": 3, "region": null, "amount": 0.05, "ts": "2024-12-31T23:59:59.123456Z", "day": "2024-02-29", "note": "comma, pipe | semi;"}"#
            let row4 = #"{"id": 4, "region": "north", "amount": -12345678.9, "ts": "1970-01-01T00:00:00Z", "day": "1969-12-31", "note": ""}"#

            // v0: create, partitioned by region.
            var versions: [Int] = []
            let created = try await ok("/api/delta/create", #"""
                {"path": "rt", "schema": [{"name": "id", "type": "long", "nullable": false}, {"name": "region", "type": "string"},
                 {"name": "amount", "type": "decimal(10,2)"}, {"name": "ts", "type": "timestamp"}, {"name": "day", "type": "date"},
                 {"name": "note", "type": "string"}], "partition_columns": ["region"]}
                """#)
            versions.append(try #require(int(created["version"])))
            // v1: append (nulls, a NULL partition, decimals, timestamps, dates, quotes).
            versions.append(try await committed("/api/delta/write", #"{"path": "rt", "rows": [\#(row1), \#(row2), \#(row3), \#(row4)]}"#))
            // v2: replace_where the north partition.
            versions.append(try await committed("/api/delta/write", #"""
                {"path": "rt", "mode": "overwrite", "replace_where": "region = 'north'", "rows": [
                 {"id": 10, "region": "north", "amount": 1, "ts": "2023-03-04T05:06:07Z", "day": "2023-03-04", "note": "a'b"},
                 {"id": 11, "region": "north", "amount": 99999999.99, "ts": null, "day": "2000-01-01", "note": "x|y"}]}
                """#))
            // v3: update (a NULL amount stays NULL; a quote in the new text).
            versions.append(try await committed("/api/delta/update",
                #"{"path": "rt", "predicate": "id = 2", "updates": {"amount": "amount + 1", "note": "'o''k'"}}"#))
            // v4: delete from the NULL partition.
            versions.append(try await committed("/api/delta/delete", #"{"path": "rt", "predicate": "id = 3"}"#))
            // v5: merge: one update, one insert.
            versions.append(try await committed("/api/delta/merge", #"""
                {"path": "rt", "source": {"rows": [
                  {"id": 2, "region": "south west", "amount": 5.55, "ts": "2024-06-01T00:00:00.5Z", "day": "2024-06-01", "note": "merged"},
                  {"id": 20, "region": "south west", "amount": 0.01, "ts": "2024-06-02T00:00:00Z", "day": "2024-06-02", "note": "new \"one\""}]},
                 "on": "t.id = s.id", "clauses": [{"when": "matched", "action": "update", "set": {"amount": "s.amount", "note": "s.note"}},
                 {"when": "not_matched", "action": "insert_all"}]}
                """#))
            // v6: one more append to the north partition, so optimize has two files to compact there.
            versions.append(try await committed("/api/delta/write",
                #"{"path": "rt", "rows": [{"id": 12, "region": "north", "amount": 2.5, "ts": "2024-01-01T00:00:00Z", "day": "2024-01-01", "note": null}]}"#))
            // v7: optimize.
            let optimized = try await ok("/api/delta/optimize", #"{"path": "rt"}"#)
            #expect(optimized["committed"] as? Bool == true, "optimize compacted nothing: \(optimized)")
            versions.append(try #require(int(optimized["version"])))
            // v8: add a constraint every row satisfies.
            versions.append(try await committed("/api/delta/constraints", #"{"path": "rt", "name": "id_positive", "expression": "id > 0"}"#))
            // v9: restore version 3 (files removed since come back, files added since go).
            versions.append(try await committed("/api/delta/restore", #"{"path": "rt", "version": 3}"#))
            // v10: append after the restore.
            versions.append(try await committed("/api/delta/write",
                #"{"path": "rt", "rows": [{"id": 30, "region": "east", "amount": 3, "ts": "2030-01-01T00:00:00Z", "day": "2030-01-01", "note": "after restore"}]}"#))
            #expect(versions == Array(0...10), "versions committed: \(versions)")
            // Checkpoint and a VACUUM dry run commit nothing and delete nothing.
            let checkpoint = try await ok("/api/delta/checkpoint", #"{"path": "rt"}"#)
            #expect(int(checkpoint["version"]) == 10 && checkpoint["created"] as? Bool == true, "\(checkpoint)")
            let vacuum = try await ok("/api/delta/vacuum", #"{"path": "rt", "dry_run": true}"#)
            #expect(vacuum["dry_run"] as? Bool == true && (vacuum["files"] as? [Any])?.isEmpty == true, "\(vacuum)")
            let latest = 10

            // The state at v10, written out by hand (DuckDB's text, UTC): v3's rows plus id 30.
            // Columns in name order: amount, day, id, note, region, ts.
            let expectedV10 = [
                ["1.00", "2023-03-04", "10", "a'b", "north", "2023-03-04 05:06:07+00"],
                ["99999999.99", "2000-01-01", "11", "x|y", "north", nil],
                [nil, nil, "2", "o'k", "south west", nil],
                ["0.05", "2024-02-29", "3", "comma, pipe | semi;", nil, "2024-12-31 23:59:59.123456+00"],
                ["3.00", "2030-01-01", "30", "after restore", "east", "2030-01-01 00:00:00+00"],
            ].map(Self.key).sorted()

            // delta-rs's view of every version, then its own append, update and delete.
            let table = lake.path(path)
            let answer = try await runDeltaRs(Self.script, [table, String(latest)])
            let oracle = try #require(answer, "delta-rs is unavailable")
            let versionsRead = try #require(oracle["versions"] as? [String: [String: Any]], "no versions in \(oracle)")
            for version in 0...latest {
                let theirs = try #require(versionsRead[String(version)], "delta-rs gave nothing for version \(version)")
                try #require(theirs["error"] == nil, "delta-rs failed to read version \(version): \(theirs["error"]!)")
                let ours = try await Self.swiftLakeView(client, path: path, version: version)
                #expect((theirs["columns"] as? [String])?.sorted() == Self.columns, "version \(version): delta-rs columns \(theirs["columns"] ?? "-")")
                #expect(theirs["count"] as? String == ours.count && theirs["digest"] as? String == ours.digest,
                        "version \(version): delta-rs count/digest \(theirs["count"] ?? "-")/\(theirs["digest"] ?? "-"), SwiftLake \(ours.count)/\(ours.digest)")
                #expect(Self.rows(theirs) == ours.rows, "version \(version): delta-rs rows \(Self.rows(theirs)) vs SwiftLake \(ours.rows)")
                if version == latest {
                    #expect(ours.rows == expectedV10, "SwiftLake's v10 is not the expected state")
                    #expect(Self.rows(theirs) == expectedV10, "delta-rs's v10 is not the expected state")
                }
            }

            // delta-rs: append (v11), update (v12), delete (v13).
            let after = try #require(oracle["after"] as? [String: [String: Any]], "no delta-rs writes in \(oracle)")
            let expectedV13 = [
                ["99999999.99", "2000-01-01", "11", "x|y", "north", nil],
                [nil, nil, "2", "o'k", "south west", nil],
                ["0.05", "2024-02-29", "3", "comma, pipe | semi;", nil, "2024-12-31 23:59:59.123456+00"],
                ["3.00", "2030-01-01", "30", "after restore", "east", "2030-01-01 00:00:00+00"],
                ["7.25", "2025-07-04", "40", "dr \"two\"", "north", "2025-07-04 01:02:03.000004+00"],
                ["-0.01", nil, "41", nil, nil, nil],
            ].map(Self.key).sorted()
            for version in (latest + 1)...(latest + 3) {
                let theirs = try #require(after[String(version)], "delta-rs did not commit version \(version): \(after.keys.sorted())")
                let ours = try await Self.swiftLakeView(client, path: path, version: version)
                #expect(theirs["count"] as? String == ours.count && theirs["digest"] as? String == ours.digest,
                        "delta-rs version \(version): count/digest \(theirs["count"] ?? "-")/\(theirs["digest"] ?? "-"), SwiftLake \(ours.count)/\(ours.digest)")
                #expect(Self.rows(theirs) == ours.rows, "delta-rs version \(version): delta-rs rows \(Self.rows(theirs)) vs SwiftLake \(ours.rows)")
            }
            let latestBody = try JSONSerialization.data(withJSONObject: ["path": path, "sql": "SELECT \(Self.renderList) FROM t"])
            let latestRead = try await ok("/api/delta/read", String(decoding: latestBody, as: UTF8.self))
            let latestRows = ((latestRead["rows"] as? [[Any]]) ?? []).map { $0.map { $0 as? String } }.map(Self.key).sorted()
            #expect(latestRows == expectedV13, "SwiftLake's latest read after delta-rs's writes: \(latestRows)")
            #expect(Self.rows(after[String(latest + 3)] ?? [:]) == expectedV13, "delta-rs's own latest rows are not the expected ones")
            let history = try await ok("/api/delta/history", #"{"path": "rt"}"#)
            #expect(int((history["history"] as? [[String: Any]])?.first?["version"]) == latest + 3)
        }
    }

    /// The columns rendered as DuckDB text, in name order.
    static let renderList = columns.map { "CAST(\"\($0)\" AS VARCHAR)" }.joined(separator: ", ")

    /// One row as a comparable key (NULL distinct from every text).
    static func key(_ row: [String?]) -> String {
        row.map { $0.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL" }.joined(separator: " | ")
    }

    static func rows(_ answer: [String: Any]) -> [String] {
        ((answer["rows"] as? [[Any]]) ?? []).map { $0.map { $0 as? String } }.map(key).sorted()
    }

    /// SwiftLake's count, digest and sorted rows of `version`, through `POST /api/delta/read`.
    static func swiftLakeView(_ client: any TestClientProtocol, path: String, version: Int) async throws
        -> (count: String, digest: String, rows: [String]) {
        let digestSQL = digestQuery(columns: columns, table: "t")
        let digestBody = try JSONSerialization.data(withJSONObject: ["path": path, "version": version, "sql": digestSQL])
        let digest = try await client.post("/api/delta/read", json: String(decoding: digestBody, as: UTF8.self))
        try #require(digest.status == .ok, "SwiftLake read of version \(version): \(digest.text)")
        let row = try #require((try digest.json()["rows"] as? [[Any]])?.first)
        let rowsBody = try JSONSerialization.data(withJSONObject: ["path": path, "version": version, "sql": "SELECT \(renderList) FROM t"])
        let rows = try await client.post("/api/delta/read", json: String(decoding: rowsBody, as: UTF8.self))
        try #require(rows.status == .ok, "SwiftLake read of version \(version): \(rows.text)")
        let list = ((try rows.json()["rows"] as? [[Any]]) ?? []).map { $0.map { $0 as? String } }.map(key).sorted()
        return (row[0] as? String ?? "", row[1] as? String ?? "", list)
    }

    /// delta-rs's side: argv = table, latest version. Prints one JSON object:
    /// `{"versions": {v: {columns, count, digest, rows} | {error}}, "after": {v: {…}}}`.
    static let script = #"""
        import json, os, sys
        import deltalake, duckdb, pyarrow as pa
        from datetime import datetime, date, timezone
        from decimal import Decimal
        from deltalake import DeltaTable, QueryBuilder, write_deltalake
        assert deltalake.__version__ == "1.6.6", deltalake.__version__
        path, latest = sys.argv[1], int(sys.argv[2])
        con = duckdb.connect()
        con.execute("SET TimeZone='UTC'")
        DIGEST = \#(pythonString(digestSQL))
        def q(c):
            return '"%s"' % c.replace('"', '""')
        def view(version):
            try:
                dt = DeltaTable(path, version=version)
                if dt.version() != version:
                    return {"error": "opened version %d" % dt.version()}
                arrow = pa.table(QueryBuilder().register("t", dt).execute("SELECT * FROM t").read_all())
                cols = arrow.column_names
                digest_cols = ", ".join("coalesce(CAST(%s AS VARCHAR), '<null>')" % q(c) for c in sorted(cols))
                d = con.execute(DIGEST.replace("{columns}", digest_cols).replace("{table}", "arrow")).fetchall()[0]
                sel = ", ".join("CAST(%s AS VARCHAR)" % q(c) for c in sorted(cols))
                rows = [list(r) for r in con.execute("SELECT %s FROM arrow" % sel).fetchall()]
                return {"columns": cols, "count": d[0], "digest": d[1], "rows": rows}
            except Exception as e:
                return {"error": repr(e)}
        out = {"versions": {str(v): view(v) for v in range(0, latest + 1)}, "after": {}}
        schema = pa.schema([("id", pa.int64(), False), ("region", pa.string()), ("amount", pa.decimal128(10, 2)),
                            ("ts", pa.timestamp("us", tz="UTC")), ("day", pa.date32()), ("note", pa.string())])
        data = pa.Table.from_pylist([
            {"id": 40, "region": "north", "amount": Decimal("7.25"), "ts": datetime(2025, 7, 4, 1, 2, 3, 4, tzinfo=timezone.utc),
             "day": date(2025, 7, 4), "note": "dr"},
            {"id": 41, "region": None, "amount": Decimal("-0.01"), "ts": None, "day": None, "note": None}], schema=schema)
        write_deltalake(path, data, mode="append")
        out["after"][str(latest + 1)] = view(latest + 1)
        DeltaTable(path).update(predicate="id = 40", updates={"note": "'dr \"two\"'"})
        out["after"][str(latest + 2)] = view(latest + 2)
        DeltaTable(path).delete(predicate="id = 10")
        out["after"][str(latest + 3)] = view(latest + 3)
        print(json.dumps(out))
        """#

    static func pythonString(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text])
        let json = String(decoding: data, as: UTF8.self)
        return String(json.dropFirst().dropLast())
    }
}

/// Runs `python3 -c script arguments…` (delta-rs's side) on a thread of its own and parses its
/// stdout as a JSON object. Returns nil, saying why, when python3 with deltalake 1.6.6 and
/// duckdb is missing and the full suite was not requested (SWIFTLAKE_TEST_FULL=1 fails then).
/// Modelled on `runPythonOracle` in SwiftLakeTests, which this target cannot see.
func runDeltaRs(_ script: String, _ arguments: [String]) async throws -> [String: Any]? {
    let full = ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1"
    let python = ProcessInfo.processInfo.environment["SWIFTLAKE_PYTHON"] ?? "python3"
    // Leave without interpreter teardown: deltalake's native threads sometimes abort the
    // process while Python shuts down.
    let exit = "\nimport os as _os, sys as _sys\n_sys.stdout.flush()\n_sys.stderr.flush()\n_os._exit(0)\n"
    func run(_ args: [String]) async -> (Int32, String, String) {
        let output = await runProcess([python] + args)
        return (output.status, output.stdoutText, output.stderrText)
    }
    let (probe, _, _) = await run(["-c", "import deltalake, duckdb, pyarrow, sys; sys.exit(0 if deltalake.__version__ == '1.6.6' else 1)"])
    if probe != 0 {
        if full { Issue.record("python3 with deltalake==1.6.6, duckdb and pyarrow is required (scripts/setup-python.sh installs them)") }
        print("SKIPPED: python3 with deltalake==1.6.6 not found; run scripts/setup-python.sh (make test does)")
        return nil
    }
    let (status, stdout, stderr) = await run(["-c", script + exit] + arguments)
    guard status == 0 else {
        Issue.record("delta-rs script failed (status \(status)): \(stderr.suffix(2000))")
        return nil
    }
    let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    return try #require(object as? [String: Any], "delta-rs printed no JSON object: \(stdout.prefix(500))")
}
