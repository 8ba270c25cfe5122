import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ObjectStore
import SwiftLake
import SwiftLakeServer
import Testing

/// Delta tables in S3 on the Spark engine, against moto_server and the test Spark Connect
/// server (`make test` starts both): Spark reads the files through `s3a://` (make test's
/// server reaches moto; local copies fetched through the S3 cache otherwise, see
/// ``SparkS3DirectReadTests``) and writes into a local mirror that SwiftLake uploads before
/// committing. The same requests run on both engines on two tables in one bucket; delta-rs
/// reads both through the same endpoint, identically at every version.
@Suite struct SparkEngineS3RouteTests {
    @Test("write, delete, update, OPTIMIZE and reads on Spark of tables in S3 match DuckDB's, read by delta-rs")
    func s3TablesOnSparkMatchDuckDB() async throws {
        guard let remote = SparkEngineRouteTests.remote() else { return }
        guard let moto = try await MotoBucket.make("swiftlake-spark", skipping: "Spark-on-S3 test") else { return }
        let (endpoint, environment, bucket, store) = (moto.endpoint, moto.environment, moto.name, moto.store)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-s3-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return }

        var configuration = LakehouseConfiguration(roots: [directory, "s3://\(bucket)/lake"])
        configuration.sparkRemote = remote
        configuration.s3Environment = environment
        configuration.s3CacheDirectory = directory + "/.s3-cache"
        let lakehouse = try Lakehouse(configuration: configuration)
        var logger = Logger(label: "spark-s3-route-tests")
        logger.logLevel = .warning
        let app = try buildApplication(lakehouse: lakehouse, options: testOptions(), logger: logger)
        try await app.test(.router) { client in
            func post(_ uri: String, _ body: [String: Any], engine: String) async throws -> [String: Any] {
                var request = body
                request["engine"] = engine
                let text = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
                let response = try await client.post(uri, json: text)
                #expect(response.status == .ok, "\(engine) \(uri): \(response.text.prefix(500))")
                let json = (try? response.json()) ?? [:]
                #expect(json["engine"] as? String == engine, "\(uri)")
                return json
            }
            var versions: [String: [Int?]] = [:]
            for engine in ["spark", "duckdb"] {
                let table = "s3://\(bucket)/lake/by_\(engine)"
                var steps: [[String: Any]] = []
                steps.append(try await post("/api/delta/write", [
                    "path": table, "source": ["parquet": ["awkward"]], "partition_by": ["region"],
                    "sql": "SELECT id, big, price, name, day, seen_at, local_at, flag, tags, nested, attrs, region FROM t"], engine: engine))
                // A Delta source in S3: the table's own rows of north, shifted.
                steps.append(try await post("/api/delta/write", [
                    "path": table, "mode": "append", "source": ["delta": table],
                    "sql": "SELECT id + 100 AS id, price, region FROM t WHERE region = 'north' AND id < 5"], engine: engine))
                steps.append(try await post("/api/delta/delete", ["path": table, "predicate": "id % 3 = 0"], engine: engine))
                steps.append(try await post("/api/delta/update", [
                    "path": table, "predicate": "price > 20", "updates": ["name": "upper(name)", "price": "price * 2"]], engine: engine))
                steps.append(try await post("/api/delta/optimize", ["path": table], engine: engine))
                versions[engine] = steps.map { int($0["version"]) }
                // Hand-reasoned: 40 rows, 5 appended (ids 100–104), then the multiples of 3
                // go: 14 of 0–39 and one of 100–104 (102), leaving 30.
                #expect(int(steps[0]["rows_inserted"]) == 40, "\(engine)")
                #expect(int(steps[1]["rows_inserted"]) == 5, "\(engine)")
                #expect(int(steps[2]["rows_deleted"]) == 15, "\(engine)")
            }
            #expect(versions["spark"]?.prefix(4) == [0, 1, 2, 3], "\(versions)")
            #expect(versions["duckdb"]?.prefix(4) == [0, 1, 2, 3], "\(versions)")
            // The same read on both engines, of both tables.
            for engine in ["spark", "duckdb"] {
                let answer = try await SparkEngineRouteTests.expectSameAnswer(client, "/api/delta/read", [
                    "path": "s3://\(bucket)/lake/by_\(engine)", "sql": "SELECT id, price, name, region FROM t ORDER BY id"])
                #expect(int(answer?["row_count"]) == 30, "\(engine)")
            }
            let script = """
                import deltalake, json, sys
                table_root, endpoint = sys.argv[1], sys.argv[2]
                opts = {"AWS_ENDPOINT_URL": endpoint, "AWS_ALLOW_HTTP": "true", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_REGION": "us-east-1"}
                def rows(name, version=None):
                    table = deltalake.DeltaTable(table_root + '/' + name, version=version, storage_options=opts)
                    data = table.to_pyarrow_table().to_pylist()
                    return sorted((json.dumps(r, sort_keys=True, default=str) for r in data)), table.schema().to_json()
                out = {'equal': [], 'counts': []}
                for version in range(4):
                    a, b = rows('by_spark', version), rows('by_duckdb', version)
                    out['equal'].append(a == b)
                    out['counts'].append(len(a[0]))
                out['latest_equal'] = rows('by_spark') == rows('by_duckdb') and rows('by_spark')[0] == rows('by_spark', 3)[0]
                print(json.dumps(out))
                """
            guard let oracle = try await runDeltaRs(script, ["s3://\(bucket)/lake", endpoint]) else { return }
            #expect(oracle["equal"] as? [Bool] == [true, true, true, true], "\(oracle)")
            #expect(oracle["counts"] as? [Int] == [40, 45, 30, 30], "\(oracle)")
            #expect(oracle["latest_equal"] as? Bool == true, "\(oracle)")
        }
        await lakehouse.spark?.close()
        // Nothing staged was left behind in S3: every data object is named by the log.
        let objects = try await store.list(prefix: "lake/")
        #expect(!objects.contains { $0.path.contains("_swiftlake-write-") }, "\(objects.map(\.path))")
    }
}
