import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ObjectStore
import SwiftLake
import SwiftLakeServer
import Testing

/// Parquet modify, merge, stats and metadata on the Spark engine through the REST API. Each
/// request runs once per engine; the files written are then read by pyarrow (an independent
/// reader, neither engine's) and must hold the same rows and the same Arrow schema (names and
/// types; Spark writes every column OPTIONAL, DuckDB some REQUIRED, see `expectSameOutput`), and the counts are checked against values reasoned from the data
/// (``SparkEngineRouteTests/writeAwkwardData(into:)``: ids 0–24 in `region=north`, 25–39 in
/// `region=south`; `name` NULL when id % 4 = 0, `tags` NULL when id % 5 = 0, `price` = id ×
/// 1.25 − 3, `flag` = id % 3 = 0). Requests DuckDB refuses are refused the same way on Spark;
/// what Spark cannot do identically is 422 `engine_unsupported`; a failure leaves nothing behind.
@Suite struct SparkEngineParquetRouteTests {
    /// A server over `roots` with Spark at `remote`, `auto` choosing Spark above `threshold` bytes.
    static func withServer<T: Sendable>(roots: [String], remote: String, threshold: Int64? = nil,
                                        _ test: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await SparkEngineRouteTests.withSparkServer(roots: roots, remote: remote, threshold: threshold, test)
    }

    /// A fresh directory with the awkward data, or nil when Python's duckdb is missing.
    static func awkwardDirectory() async throws -> String? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-parquet-\(UUID().uuidString)").path
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return nil }
        return directory
    }

    /// Posts `body` with `engine` set and returns the status and the JSON answer.
    static func post(_ client: any TestClientProtocol, _ uri: String, _ body: [String: Any], engine: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        var request = body
        request["engine"] = engine
        let text = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        let response = try await client.post(uri, json: text)
        return (response.status, (try? response.json()) ?? [:])
    }

    /// Runs `body` (whose `output` is a file name under `directory`) on both engines, each into
    /// its own output, and expects both to succeed, report their engine and write files that
    /// pyarrow reads as the same schema (names and types; not nullability, see below) and the
    /// same rows (in order when `ordered`). Returns DuckDB's answer and the rows as pyarrow
    /// renders them.
    @discardableResult
    static func expectSameOutput(_ client: any TestClientProtocol, _ uri: String, _ body: [String: Any], directory: String,
                                 ordered: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) async throws -> (answer: [String: Any], rows: [String])? {
        let output = try #require(body["output"] as? String)
        var answers: [[String: Any]] = []
        var files: [String] = []
        for engine in ["duckdb", "spark"] {
            var request = body
            request["output"] = "\(engine)-\(output)"
            let (status, answer) = try await post(client, uri, request, engine: engine)
            guard status == .ok else {
                Issue.record("\(engine): \(status) \(answer) for \(body)", sourceLocation: sourceLocation)
                return nil
            }
            #expect(answer["engine"] as? String == engine, sourceLocation: sourceLocation)
            answers.append(answer)
            files.append(directory + "/\(engine)-\(output)")
        }
        let (duck, spark) = (answers[0], answers[1])
        for key in ["rows_read", "rows_written", "rows_deleted", "rows_updated", "files_merged", "duplicates_removed"] where duck[key] != nil {
            #expect(int(spark[key]) == int(duck[key]), "\(key) differs for \(body)", sourceLocation: sourceLocation)
        }
        #expect(spark["columns"] as? [[String: String]] == duck["columns"] as? [[String: String]],
                "columns differ for \(body)", sourceLocation: sourceLocation)
        guard let read = try await readWithPyArrow(files) else { return nil }
        let (duckFile, sparkFile) = (read[0], read[1])
        #expect(sparkFile.fields == duckFile.fields, "pyarrow schemas differ for \(body)", sourceLocation: sourceLocation)
        // The one documented difference: Spark writes every column OPTIONAL; DuckDB writes
        // REQUIRED where its statistics prove a column has no NULLs.
        #expect(sparkFile.nullable.allSatisfy { $0 } && sparkFile.nullable.count == duckFile.nullable.count, sourceLocation: sourceLocation)
        #expect(ordered ? sparkFile.rows == duckFile.rows : sparkFile.rows.sorted() == duckFile.rows.sorted(),
                "rows differ for \(body):\nduckdb \(duckFile.rows.prefix(3))\nspark  \(sparkFile.rows.prefix(3))", sourceLocation: sourceLocation)
        #expect(duckFile.rows.count == int(duck["rows_written"]), sourceLocation: sourceLocation)
        return (duck, duckFile.rows)
    }

    /// Each file as pyarrow reads it: its fields (`name type`, nested types spelt out), its
    /// rows as JSON texts (keys sorted; decimals, times and bytes as Python prints them), and
    /// whether each top-level column is nullable (`OPTIONAL`).
    static func readWithPyArrow(_ files: [String]) async throws -> [(fields: [String], rows: [String], nullable: [Bool])]? {
        let script = """
            import json, sys
            import pyarrow.parquet as pq
            out = []
            for f in sys.argv[1:]:
                t = pq.read_table(f)
                fields = ['%s %s' % (x.name, x.type) for x in t.schema]
                rows = [json.dumps(r, default=str, sort_keys=True) for r in t.to_pylist()]
                out.append({'fields': fields, 'rows': rows, 'nullable': [x.nullable for x in t.schema]})
            print(json.dumps({'files': out}))
            """
        guard let answer = try await runDeltaRs(script, files) else { return nil }
        let read = (answer["files"] as? [[String: Any]]) ?? []
        guard read.count == files.count else { throw TestFailure("pyarrow read \(read.count) of \(files.count) files") }
        return read.map { (($0["fields"] as? [String]) ?? [], ($0["rows"] as? [String]) ?? [], ($0["nullable"] as? [Bool]) ?? []) }
    }

    /// The entries of `directory` and its subdirectories (to see that nothing was left behind).
    static func listing(_ directory: String) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// The rows' `id` values, from pyarrow's JSON rows.
    static func ids(_ rows: [String]) -> [Int] {
        rows.compactMap { row in
            (try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any]).flatMap { int($0["id"]) }
        }
    }

    @Test("modify on Spark writes the rows and types DuckDB writes, partition column, nulls, nested types and all")
    func modifyMatches() async throws {
        guard let remote = SparkEngineRouteTests.remote(), let directory = try await Self.awkwardDirectory() else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.withServer(roots: [directory], remote: remote) { client in
            let north = "awkward/region=north/part-0.parquet"
            // 25 rows; ids 1, 6, 11, 16, 21 deleted; of the other 20, the 6 with a NULL name (0, 4,
            // 8, 12, 20, 24) are not updated: 14 are.
            let changed = try await Self.expectSameOutput(client, "/api/parquet/modify", [
                "path": north, "output": "modified.parquet", "delete_where": "id % 5 = 1", "predicate": "name IS NOT NULL",
                "updates": ["price": "price * 2", "ratio": "ratio + 1", "local_at": "local_at + INTERVAL 1 DAY"],
                "add_columns": ["label": "upper(name)", "twice": "id * 2"], "drop_columns": ["payload"],
                "rename": ["seen_at": "seen"]], directory: directory)
            #expect(int(changed?.answer["rows_read"]) == 25)
            #expect(int(changed?.answer["rows_deleted"]) == 5)
            #expect(int(changed?.answer["rows_updated"]) == 14)
            #expect(int(changed?.answer["rows_written"]) == 20)
            #expect(Self.ids(changed?.rows ?? []) == (0..<25).filter { $0 % 5 != 1 })
            let columns = (changed?.answer["columns"] as? [[String: String]])?.map { $0["name"] ?? "" } ?? []
            #expect(columns.contains("region") && columns.contains("seen") && !columns.contains("payload"), "\(columns)")
            // Only a delete, and a codec Spark names differently (DuckDB's lz4 is LZ4_RAW).
            let deleted = try await Self.expectSameOutput(client, "/api/parquet/modify", [
                "path": north, "output": "deleted.parquet", "delete_where": "tags IS NULL OR flag", "compression": "lz4"], directory: directory)
            // tags NULL: 0, 5, 10, 15, 20; flag: 0, 3, 6, …, 24 (9); together 12 distinct ids.
            #expect(int(deleted?.answer["rows_deleted"]) == 12)
            // Everything deleted: an empty file with the same schema.
            let empty = try await Self.expectSameOutput(client, "/api/parquet/modify", [
                "path": north, "output": "empty.parquet", "delete_where": "true"], directory: directory)
            #expect(int(empty?.answer["rows_written"]) == 0)
            // In place: the input itself is replaced, and reads back as DuckDB's rewrite of a copy does.
            for engine in ["duckdb", "spark"] {
                try FileManager.default.copyItem(atPath: directory + "/" + north, toPath: directory + "/inplace-\(engine).parquet")
                let (status, answer) = try await Self.post(client, "/api/parquet/modify", [
                    "path": "inplace-\(engine).parquet", "overwrite": true, "delete_where": "id < 10"], engine: engine)
                #expect(status == .ok, "\(answer)")
                #expect(int(answer["rows_written"]) == 15)
            }
            let inPlace = try await Self.readWithPyArrow([directory + "/inplace-duckdb.parquet", directory + "/inplace-spark.parquet"])
            #expect(inPlace?[0].rows == inPlace?[1].rows)
            #expect(inPlace?[0].fields == inPlace?[1].fields)
            // Nothing of Spark's staging is left beside the outputs.
            #expect(!Self.listing(directory).contains { $0.contains(".swiftlake-") }, "\(Self.listing(directory))")
        }
    }

    @Test("merge on Spark writes DuckDB's rows in DuckDB's order, with dedupe and order_by")
    func mergeMatches() async throws {
        guard let remote = SparkEngineRouteTests.remote(), let directory = try await Self.awkwardDirectory() else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.withServer(roots: [directory], remote: remote) { client in
            // File order (north, then south), row order within each file.
            let all = try await Self.expectSameOutput(client, "/api/parquet/merge", ["paths": ["awkward"], "output": "all.parquet"], directory: directory)
            #expect(int(all?.answer["files_merged"]) == 2)
            #expect(Self.ids(all?.rows ?? []) == Array(0..<40))
            // The file listed last wins, and within it the last row: flag is true for 39, false for 38.
            let latest = try await Self.expectSameOutput(client, "/api/parquet/merge", [
                "paths": ["awkward"], "output": "latest.parquet", "dedupe_on": ["flag"]], directory: directory, ordered: false)
            #expect(Self.ids(latest?.rows ?? []).sorted() == [38, 39])
            #expect(int(latest?.answer["duplicates_removed"]) == 38)
            // The first by order_by wins, and the output is in that order: the dearest of each region.
            let dearest = try await Self.expectSameOutput(client, "/api/parquet/merge", [
                "paths": ["awkward"], "output": "dearest.parquet", "dedupe_on": ["region"], "order_by": ["price DESC"]], directory: directory)
            #expect(Self.ids(dearest?.rows ?? []) == [39, 24])
            // Sorting by a column with NULLs puts them last on both engines, as DuckDB does.
            let sorted = try await Self.expectSameOutput(client, "/api/parquet/merge", [
                "paths": ["awkward/*/*.parquet"], "output": "sorted.parquet", "order_by": ["name", "id DESC"], "compression": "zstd"],
                directory: directory)
            #expect(Self.ids(sorted?.rows ?? []).suffix(10) == [36, 32, 28, 24, 20, 16, 12, 8, 4, 0])
            #expect(!Self.listing(directory).contains { $0.contains(".swiftlake-") }, "\(Self.listing(directory))")
        }
    }

    @Test("merge on Spark widens types that differ between files as DuckDB does, and refuses what Spark cannot read so")
    func mergeWidensTypes() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-widen-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The sample batches: ids 1–100 (amount INTEGER), 51–150 (amount BIGINT) and 141–200
        // (columns in another order, and a `note` the others lack): 260 rows, 200 ids.
        _ = try await SampleData.write(into: directory)
        try await Self.withServer(roots: [directory], remote: remote) { client in
            let merged = try await Self.expectSameOutput(client, "/api/parquet/merge", [
                "paths": ["batches/*.parquet"], "output": "merged.parquet", "dedupe_on": ["id"], "order_by": ["id"]], directory: directory)
            let types = (merged?.answer["columns"] as? [[String: Any]])?.map { "\($0["name"] ?? "")=\($0["type"] ?? "")" }
            #expect(types == ["id=INTEGER", "amount=BIGINT", "source=VARCHAR", "note=VARCHAR"], "\(merged?.answer ?? [:])")
            #expect(int(merged?.answer["rows_read"]) == 260 && int(merged?.answer["rows_written"]) == 200)
            #expect(Self.ids(merged?.rows ?? []) == Array(1...200))
            // order_by ties on every duplicate: the row from the file listed last wins.
            let source = { (id: Int) in merged?.rows.first { $0.contains("\"id\": \(id),") } ?? "" }
            #expect(source(50).contains("batch_1") && source(51).contains("batch_2") && source(141).contains("batch_3"),
                    "\(source(50)) \(source(51)) \(source(141))")

            // An amount as text in one file: DuckDB widens the column to VARCHAR; Spark cannot
            // read integers as text, so it refuses and writes nothing.
            try FileManager.default.createDirectory(atPath: directory + "/text", withIntermediateDirectories: true)
            for (body, name) in [(["path": "batches/batch_1.parquet", "output": "text1.parquet", "add_columns": ["amount_text": "CAST(amount AS VARCHAR)"],
                                   "drop_columns": ["amount"]] as [String: Any], "amount as text"),
                                 (["path": "text1.parquet", "output": "text/batch_1.parquet", "rename": ["amount_text": "amount"]], "renamed")] {
                let (status, answer) = try await Self.post(client, "/api/parquet/modify", body, engine: "duckdb")
                #expect(status == .ok, "\(name): \(answer)")
            }
            try FileManager.default.copyItem(atPath: directory + "/batches/batch_2.parquet", toPath: directory + "/text/batch_2.parquet")
            let before = Self.listing(directory)
            let (status, answer) = try await Self.post(client, "/api/parquet/merge", ["paths": ["text"], "output": "text.parquet"], engine: "spark")
            #expect(status == .unprocessableContent, "\(answer)")
            #expect((answer["error"] as? [String: Any])?["code"] as? String == "engine_unsupported", "\(answer)")
            #expect(Self.listing(directory) == before)
            let (duckStatus, duck) = try await Self.post(client, "/api/parquet/merge", ["paths": ["text"], "output": "text.parquet"], engine: "duckdb")
            #expect(duckStatus == .ok, "\(duck)")
        }
    }

    @Test("stats on Spark give DuckDB's counts, minima, maxima and means; distinct estimates within their error")
    func statsMatch() async throws {
        guard let remote = SparkEngineRouteTests.remote(), let directory = try await Self.awkwardDirectory() else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.withServer(roots: [directory], remote: remote) { client in
            for body: [String: Any] in [["paths": ["awkward"]],
                                        ["paths": ["awkward"], "sql": "SELECT id, price, count(*) OVER () AS n, day FROM t WHERE id > 3"],
                                        // Means that are not exact: 7/3 and (−1.75 − 0.5 + 2) / 3 = −1/12.
                                        ["paths": ["awkward"], "sql": "SELECT id, price, CAST(price AS DECIMAL(4,1)) AS p4 FROM t WHERE id IN (1, 2, 4)"]] {
                var answers: [String: [String: Any]] = [:]
                for engine in ["duckdb", "spark"] {
                    let (status, answer) = try await Self.post(client, "/api/parquet/stats", body, engine: engine)
                    #expect(status == .ok, "\(engine): \(answer)")
                    #expect(answer["engine"] as? String == engine)
                    answers[engine] = answer
                }
                let duck = answers["duckdb"] ?? [:], spark = answers["spark"] ?? [:]
                #expect(int(spark["row_count"]) == int(duck["row_count"]))
                let duckColumns = duck["columns"] as? [[String: Any]] ?? [], sparkColumns = spark["columns"] as? [[String: Any]] ?? []
                #expect(duckColumns.count == sparkColumns.count && !duckColumns.isEmpty)
                for (d, s) in zip(duckColumns, sparkColumns) {
                    let name = d["name"] as? String ?? ""
                    for key in ["name", "type"] { #expect(s[key] as? String == d[key] as? String, "\(name).\(key)") }
                    for key in ["count", "null_count"] { #expect(int(s[key]) == int(d[key]), "\(name).\(key)") }
                    for key in ["min", "max"] {
                        #expect(Self.json(s[key]) == Self.json(d[key]), "\(name).\(key): spark \(Self.json(s[key])), duckdb \(Self.json(d[key]))")
                    }
                    let (dm, sm) = ((d["mean"] as? NSNumber)?.doubleValue, (s["mean"] as? NSNumber)?.doubleValue)
                    if d["type"] as? String == "DOUBLE", let dm, let sm {
                        // A floating-point sum depends on the order the rows are added in.
                        #expect(abs(dm - sm) <= abs(dm) * 1e-12, "\(name).mean: spark \(sm), duckdb \(dm)")
                    } else {
                        #expect(sm == dm, "\(name).mean: spark \(String(describing: sm)), duckdb \(String(describing: dm))")
                    }
                    let (dd, sd) = (int(d["distinct_estimate"]), int(s["distinct_estimate"]))
                    #expect((dd == nil) == (sd == nil), "\(name).distinct_estimate")
                    if let dd, let sd { #expect(abs(dd - sd) <= max(2, dd / 10), "\(name).distinct_estimate: spark \(sd), duckdb \(dd)") }
                }
            }
            // Hand-reasoned: 40 rows, ids 0–39, 10 NULL names, mean price 19.5 × 1.25 − 3.
            let (_, all) = try await Self.post(client, "/api/parquet/stats", ["paths": ["awkward"]], engine: "spark")
            let byName = Dictionary(((all["columns"] as? [[String: Any]]) ?? []).map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            #expect(int(all["row_count"]) == 40)
            #expect(int(byName["id"]?["min"]) == 0 && int(byName["id"]?["max"]) == 39)
            #expect((byName["id"]?["mean"] as? NSNumber)?.doubleValue == 19.5)
            #expect(int(byName["name"]?["null_count"]) == 10)
            #expect(int(byName["tags"]?["null_count"]) == 8)
            #expect((byName["price"]?["mean"] as? NSNumber)?.doubleValue == 21.375)
            #expect(int(byName["region"]?["distinct_estimate"]) == 2)
            let (_, few) = try await Self.post(client, "/api/parquet/stats", ["paths": ["awkward"], "sql": "SELECT id, price FROM t WHERE id IN (1, 2, 4)"], engine: "spark")
            let means = ((few["columns"] as? [[String: Any]]) ?? []).map { ($0["mean"] as? NSNumber)?.doubleValue ?? .nan }
            #expect(means.count == 2 && abs(means[0] - 7.0 / 3.0) < 1e-15 && abs(means[1] + 1.0 / 12.0) < 1e-15, "\(means)")
        }
    }

    @Test("bad requests fail alike on both engines, and a failure on Spark leaves nothing behind")
    func errorsMatch() async throws {
        guard let remote = SparkEngineRouteTests.remote(), let directory = try await Self.awkwardDirectory() else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: directory + "/awkward/region=south/part-0.parquet", toPath: directory + "/taken.parquet")
        try await Self.withServer(roots: [directory], remote: remote) { client in
            let north = "awkward/region=north/part-0.parquet"
            let before = Self.listing(directory)
            var cases: [(uri: String, body: [String: Any], status: HTTPResponse.Status, code: String)] = []
            cases.append(("/api/parquet/modify", ["path": north, "output": "taken.parquet", "delete_where": "id > 3"], .conflict, "output_exists"))
            cases.append(("/api/parquet/modify", ["path": north, "output": "x.parquet", "delete_where": "no_such_column > 3"], .badRequest, "invalid_expression"))
            cases.append(("/api/parquet/modify", ["path": north, "output": "x.parquet", "updates": ["nope": "1"]], .badRequest, "unknown_column"))
            cases.append(("/api/parquet/merge", ["paths": ["awkward"], "output": "taken.parquet"], .conflict, "output_exists"))
            cases.append(("/api/parquet/merge", ["paths": ["awkward"], "output": "x.parquet", "dedupe_on": ["nope"]], .badRequest, "unknown_column"))
            cases.append(("/api/parquet/merge", ["paths": ["awkward"], "output": "x.parquet", "order_by": ["nope DESC"]], .badRequest, "invalid_expression"))
            cases.append(("/api/parquet/stats", ["paths": ["awkward"], "sql": "SELECT nope FROM t"], .badRequest, "sql_error"))
            for (uri, body, status, code) in cases {
                var seen: [String: (HTTPResponse.Status, String?)] = [:]
                for engine in ["duckdb", "spark"] {
                    let (got, answer) = try await Self.post(client, uri, body, engine: engine)
                    seen[engine] = (got, (answer["error"] as? [String: Any])?["code"] as? String)
                }
                #expect(seen["duckdb"]?.0 == status && seen["duckdb"]?.1 == code, "duckdb \(uri) \(body): \(String(describing: seen["duckdb"]))")
                #expect(seen["spark"]?.0 == seen["duckdb"]?.0 && seen["spark"]?.1 == seen["duckdb"]?.1,
                        "\(uri) \(body): spark \(String(describing: seen["spark"])), duckdb \(String(describing: seen["duckdb"]))")
            }
            // Spark fails while writing (ANSI division by zero): no output, no staging directory.
            let (status, answer) = try await Self.post(client, "/api/parquet/modify", [
                "path": north, "output": "x.parquet", "updates": ["ratio": "ratio / (id - id)"]], engine: "spark")
            #expect(status == .unprocessableContent, "\(answer)")
            #expect((answer["error"] as? [String: Any])?["code"] as? String == "engine_unsupported")
            #expect(Self.listing(directory) == before, "left behind: \(Set(Self.listing(directory)).subtracting(before))")
        }
    }

    @Test("what Spark cannot do as DuckDB does is refused with 422 engine_unsupported, before anything is written")
    func sparkRefusals() async throws {
        guard let remote = SparkEngineRouteTests.remote(), let directory = try await Self.awkwardDirectory() else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.withServer(roots: [directory], remote: remote) { client in
            let north = "awkward/region=north/part-0.parquet"
            let before = Self.listing(directory)
            let refused: [(String, [String: Any])] = [
                ("/api/parquet/modify", ["path": north, "output": "x.parquet", "delete_where": "id > 3", "row_group_size": 5]),
                ("/api/parquet/modify", ["path": north, "output": "x.parquet", "delete_where": "id > 3", "compression": "brotli"]),
                // DECIMAL(12,3) / INTEGER is a DOUBLE in DuckDB, a DECIMAL in Spark.
                ("/api/parquet/modify", ["path": north, "output": "x.parquet", "add_columns": ["third": "price / 3"]]),
                // A decimal to an integer: DuckDB rounds, Spark truncates.
                ("/api/parquet/modify", ["path": north, "output": "x.parquet", "updates": ["id": "price"]]),
                // A DuckDB-only function.
                ("/api/parquet/modify", ["path": north, "output": "x.parquet", "add_columns": ["l": "list_value(id, id)"]]),
                ("/api/parquet/merge", ["paths": ["awkward"], "output": "x", "partition_by": ["flag"]]),
            ]
            for (uri, body) in refused {
                let (status, answer) = try await Self.post(client, uri, body, engine: "spark")
                let error = answer["error"] as? [String: Any]
                #expect(status == .unprocessableContent, "\(body): \(answer)")
                #expect(error?["code"] as? String == "engine_unsupported", "\(body): \(answer)")
                #expect((error?["message"] as? String)?.contains("\"engine\": \"duckdb\"") == true, "\(answer)")
                // DuckDB runs each of them.
                let (duckStatus, duckAnswer) = try await Self.post(client, uri, body, engine: "duckdb")
                #expect(duckStatus == .ok, "duckdb \(body): \(duckAnswer)")
                if let output = body["output"] as? String { try? FileManager.default.removeItem(atPath: directory + "/" + output) }
            }
            #expect(Self.listing(directory) == before, "left behind: \(Set(Self.listing(directory)).subtracting(before))")
            // The explicit cast makes both engines agree, so Spark runs it.
            try await Self.expectSameOutput(client, "/api/parquet/modify", [
                "path": north, "output": "total.parquet", "add_columns": ["total": "CAST(price * id AS DECIMAL(18,3))"]], directory: directory)
            // DECIMAL(12,3) × INTEGER is DECIMAL(18,3) in DuckDB, DECIMAL(23,3) in Spark: the same
            // scale, so Spark's values are cast to DuckDB's type and the files agree.
            let product = try await Self.expectSameOutput(client, "/api/parquet/modify", [
                "path": north, "output": "product.parquet", "add_columns": ["total": "price * id"]], directory: directory)
            let types = (product?.answer["columns"] as? [[String: Any]])?.compactMap { $0["name"] as? String == "total" ? $0["type"] as? String : nil }
            #expect(types == ["DECIMAL(18,3)"], "\(product?.answer ?? [:])")
        }
    }

    @Test("auto picks Spark above the threshold for modify, merge and stats; metadata reads the footer and says duckdb")
    func autoAndMetadata() async throws {
        guard let remote = SparkEngineRouteTests.remote(), let directory = try await Self.awkwardDirectory() else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let north = "awkward/region=north/part-0.parquet"
        try await Self.withServer(roots: [directory], remote: remote, threshold: 0) { client in
            let calls: [(String, [String: Any])] = [
                ("/api/parquet/modify", ["path": north, "output": "auto-m.parquet", "delete_where": "id > 3"]),
                ("/api/parquet/merge", ["paths": ["awkward"], "output": "auto-g.parquet"]),
                ("/api/parquet/stats", ["paths": ["awkward"]]),
            ]
            for (uri, body) in calls {
                let (status, answer) = try await Self.post(client, uri, body, engine: "auto")
                #expect(status == .ok, "\(answer)")
                #expect(answer["engine"] as? String == "spark", "\(uri)")
            }
            var footers: [String] = []
            for engine in ["duckdb", "spark", "auto"] {
                var (status, answer) = try await Self.post(client, "/api/parquet/metadata", ["path": north], engine: engine)
                #expect(status == .ok, "\(answer)")
                #expect(answer["engine"] as? String == "duckdb")
                answer["engine"] = nil
                footers.append(Self.json(answer))
            }
            #expect(Set(footers).count == 1)
        }
        // Below the threshold auto stays on DuckDB.
        try await Self.withServer(roots: [directory], remote: remote, threshold: 1 << 40) { client in
            let (status, answer) = try await Self.post(client, "/api/parquet/stats", ["paths": ["awkward"]], engine: "auto")
            #expect(status == .ok)
            #expect(answer["engine"] as? String == "duckdb")
        }
    }

    @Test("a query answered as Parquet on Spark holds DuckDB's rows and types, sorted and cut as asked")
    func parquetExportMatches() async throws {
        guard let remote = SparkEngineRouteTests.remote(), let directory = try await Self.awkwardDirectory() else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.withServer(roots: [directory], remote: remote) { client in
            var files: [String] = []
            for engine in ["duckdb", "spark"] {
                let body = #"{"paths":["awkward"],"sql":"SELECT id, price, name, day, seen_at, local_at, tags, nested, region FROM t WHERE id > 3 ORDER BY id DESC","limit":5,"format":"parquet","engine":"\#(engine)"}"#
                let response = try await client.post("/api/parquet/query", json: body)
                #expect(response.status == .ok, "\(engine): \(response.text.prefix(400))")
                #expect(response.headers[HTTPField.Name("X-SwiftLake-Engine")!] == engine)
                let file = directory + "/export-\(engine).parquet"
                try Data(response.bytes).write(to: URL(fileURLWithPath: file))
                files.append(file)
            }
            let read = try await Self.readWithPyArrow(files)
            #expect(read?[0].fields == read?[1].fields)
            #expect(read?[0].rows == read?[1].rows)
            #expect(Self.ids(read?[1].rows ?? []) == [39, 38, 37, 36, 35])
            // A bad query is Spark's 400, as for JSON answers.
            let bad = try await client.post("/api/parquet/query", json: #"{"paths":["awkward"],"sql":"SELECT nope FROM t","format":"parquet","engine":"spark"}"#)
            #expect(bad.status == .badRequest, "\(bad.text)")
        }
    }

    @Test("modify, merge and stats of files in S3 on Spark: read through s3a:// (or local copies), staged and uploaded out, as DuckDB's")
    func s3FilesOnSpark() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        guard let directory = try await Self.awkwardDirectory() else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard let moto = try await MotoBucket.make("swiftlake-sparkpq", skipping: "Spark Parquet-on-S3 test") else { return }
        let (environment, bucket, store) = (moto.environment, moto.name, moto.store)
        for region in ["north", "south"] {
            try await store.uploadFile(directory + "/awkward/region=\(region)/part-0.parquet", to: "lake/in/\(region).parquet")
        }
        var configuration = LakehouseConfiguration(roots: [directory, "s3://\(bucket)/lake"])
        configuration.sparkRemote = remote
        configuration.s3Environment = environment
        configuration.s3CacheDirectory = directory + "/.s3-cache"
        let lakehouse = try Lakehouse(configuration: configuration)
        var logger = Logger(label: "spark-parquet-s3-route-tests")
        logger.logLevel = .warning
        let app = try buildApplication(lakehouse: lakehouse, options: testOptions(), logger: logger)
        let root = "s3://\(bucket)/lake"
        try await app.test(.router) { client in
            let requests: [(uri: String, body: [String: Any], rows: Int)] = [
                ("/api/parquet/modify", ["path": "\(root)/in/north.parquet", "delete_where": "id >= 20", "updates": ["name": "upper(name)"]], 20),
                ("/api/parquet/merge", ["paths": ["\(root)/in/"], "dedupe_on": ["flag"], "order_by": ["id"]], 2),
            ]
            for (uri, body, rows) in requests {
                var downloaded: [String] = []
                for engine in ["duckdb", "spark"] {
                    var request = body
                    request["output"] = "\(root)/out/\(engine)-\(uri.split(separator: "/").last ?? "").parquet"
                    let (status, answer) = try await Self.post(client, uri, request, engine: engine)
                    #expect(status == .ok, "\(engine) \(uri): \(answer)")
                    #expect(answer["engine"] as? String == engine)
                    #expect(int(answer["rows_written"]) == rows, "\(engine) \(uri)")
                    // Written once more: the object exists now, on both engines alike.
                    let (again, refused) = try await Self.post(client, uri, request, engine: engine)
                    #expect(again == .conflict && (refused["error"] as? [String: Any])?["code"] as? String == "output_exists", "\(refused)")
                    let key = String((request["output"] as? String ?? "").dropFirst("s3://\(bucket)/".count))
                    let file = directory + "/downloaded-\(engine).parquet"
                    _ = try await store.download(key, to: file)
                    downloaded.append(file)
                }
                let read = try await Self.readWithPyArrow(downloaded)
                #expect(read?[0].fields == read?[1].fields, "\(uri)")
                #expect(read?[0].rows == read?[1].rows, "\(uri)")
                #expect(read?[0].rows.count == rows)
            }
            var stats: [String] = []
            for engine in ["duckdb", "spark"] {
                var (status, answer) = try await Self.post(client, "/api/parquet/stats", ["paths": ["\(root)/in/*.parquet"], "sql": "SELECT id, price, name FROM t"], engine: engine)
                #expect(status == .ok, "\(answer)")
                #expect(int(answer["row_count"]) == 40)
                answer["engine"] = nil
                answer["elapsed_ms"] = nil
                // The distinct estimates are each engine's HyperLogLog (29 and 31 for the 30 names here).
                answer["columns"] = (answer["columns"] as? [[String: Any]])?.map { column in
                    var column = column
                    column["distinct_estimate"] = nil
                    return column
                }
                stats.append(Self.json(answer))
            }
            #expect(stats[0] == stats[1])
            // No staging directory of Spark's is left in the cache or staging area.
            #expect(!Self.listing(directory).contains { $0.contains(".swiftlake-spark-") }, "\(Self.listing(directory))")
        }
        await lakehouse.spark?.close()
    }

    /// A JSON value as canonical text.
    static func json(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "null" }
        return String(decoding: (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])) ?? Data(), as: UTF8.self)
    }
}
