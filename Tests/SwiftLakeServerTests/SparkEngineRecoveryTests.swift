import DeltaOracle
import Foundation
import HummingbirdTesting
import SwiftLake
import Testing

/// The Spark server dies in the middle of an operation: on a Spark Connect server of the
/// test's own (scripts/spark-server.sh, started with posix_spawn: Foundation's Process never
/// sees the script end while the server it started lives), killed with SIGKILL while Spark
/// writes a large append. The request is a 503 that says Spark is unreachable, the table is
/// as it was (version, files, no staging left), and once the server is back on the same
/// port the same SwiftLake server runs Spark requests again.
@Suite(.serialized) struct SparkEngineRecoveryTests {
    @Test("a Spark server killed mid-write is a 503, the table is untouched, and SwiftLake reconnects",
          .timeLimit(.minutes(10)))
    func killedServerMidWrite() async throws {
        // Runs where the other Spark tests run (make test); the shared server is not used.
        guard SparkEngineRouteTests.remote() != nil else { return }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-recovery-\(UUID().uuidString)").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-recovery-data-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        @Sendable func killServer() -> Bool {
            guard let pid = try? String(contentsOfFile: state + "/spark.pid", encoding: .utf8),
                  let group = pid_t(pid.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
            return kill(-group, SIGKILL) == 0
        }
        defer {
            _ = killServer()
            try? FileManager.default.removeItem(atPath: state)
            try? FileManager.default.removeItem(atPath: directory)
        }
        guard try await SparkEngineRouteTests.writeAwkwardData(into: directory) else { return }
        let started = try await runSparkServerScript("start", environment: ["SWIFTLAKE_SPARK_DIR": state])
        try #require(started.status == 0, "spark-server.sh start failed: \(started.output)")
        let remote = started.output
        let port = try #require(remote.split(separator: ":").last.map(String.init))

        try await SparkEngineRouteTests.withSparkServer(roots: [directory], remote: remote) { client in
            let created = try await client.post("/api/delta/write", json: #"{"path":"events","source":{"parquet":["awkward"]},"sql":"SELECT id, name FROM t","engine":"duckdb"}"#)
            #expect(created.status == .ok, "\(created.text)")
            let before = try FileManager.default.subpathsOfDirectory(atPath: directory + "/events").sorted()
            let warm = try await client.post("/api/delta/read", json: #"{"path":"events","sql":"SELECT count(*) AS n FROM t","engine":"spark"}"#)
            #expect(warm.status == .ok, "\(warm.text)")

            // An append big enough to be running when the server dies (hundreds of millions of rows).
            let append = Task {
                try await client.post("/api/delta/write", json: #"{"path":"events","mode":"append","sql":"SELECT CAST(id % 1000000 AS INT) AS id, concat('row ', id) AS name FROM range(0, 3000000000)","engine":"spark"}"#)
            }
            try await Task.sleep(for: .seconds(8))
            #expect(killServer(), "the Spark server was not running")
            let response = try await append.value
            #expect(response.status == .serviceUnavailable, "\(response.status) \(response.text.prefix(400))")
            #expect(response.errorCode == "spark_unavailable", "\(response.text.prefix(400))")
            #expect(response.text.contains(remote), "the message names the server: \(response.text.prefix(400))")

            // The table is exactly as it was: same version, same files, no staging directory.
            #expect(try FileManager.default.subpathsOfDirectory(atPath: directory + "/events").sorted() == before)
            let history = try await client.post("/api/delta/history", json: #"{"path":"events"}"#).json()
            #expect((history["history"] as? [Any])?.count == 1)
            let down = try await client.get("/api/health").json()
            let spark = (down["engines"] as? [[String: Any]])?.first { $0["name"] as? String == "spark" }
            #expect(spark?["available"] as? Bool == false, "\(down)")

            // Back on the same port: the same SwiftLake server runs Spark requests again.
            let restarted = try await runSparkServerScript("start", environment: ["SWIFTLAKE_SPARK_DIR": state, "SWIFTLAKE_SPARK_PORT": port])
            try #require(restarted.status == 0, "spark-server.sh start (again) failed: \(restarted.output)")
            var again: (code: Int, text: String) = (0, "")
            for _ in 0..<10 {
                let response = try await client.post("/api/delta/write", json: #"{"path":"events","mode":"append","sql":"SELECT 1000 AS id, 'back' AS name","engine":"spark"}"#)
                again = (response.status.code, response.text)
                if response.status != .serviceUnavailable { break }
                try await Task.sleep(for: .seconds(1))
            }
            #expect(again.code == 200, "\(again.code) \(again.text.prefix(400))")
            let read = try await client.post("/api/delta/read", json: #"{"path":"events","sql":"SELECT count(*) AS n, max(id) AS top FROM t","engine":"spark"}"#)
            #expect(read.status == .ok, "\(read.text)")
            let rows = try read.json()["rows"] as? [[Any]]
            #expect(rows.map { $0.first.map { int($0[0]) } } == .some(.some(41)), "\(read.text)")
            #expect(rows.map { $0.first.map { int($0[1]) } } == .some(.some(1000)), "\(read.text)")
        }
        // delta-rs reads the two versions: the 40 rows, then one more.
        let script = """
            import deltalake, json, sys
            t = deltalake.DeltaTable(sys.argv[1] + '/events')
            print(json.dumps({'version': t.version(), 'rows': [len(deltalake.DeltaTable(sys.argv[1] + '/events', version=v).to_pyarrow_table()) for v in range(t.version() + 1)]}))
            """
        guard let oracle = try await runDeltaRs(script, [directory]) else { return }
        #expect(int(oracle["version"]) == 1 && oracle["rows"] as? [Int] == [40, 41], "\(oracle)")
    }
}
