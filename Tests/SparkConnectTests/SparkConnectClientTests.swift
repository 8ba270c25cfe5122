import DeltaOracle
import Foundation
import Testing

@testable import SparkConnect

/// The client against a real local Spark Connect server (scripts/spark-server.sh). Expected
/// values are reasoned by hand from the SQL literals, not captured from a run.
@Suite("Spark Connect client", .serialized)
struct SparkConnectClientTests {
    /// 2024-01-02 is 54 × 365 + 13 leap days + 1 = 19724 days after 1970-01-01;
    /// 03:04:05.123456 is 11045.123456 s into it.
    static let micros20240102 = Int64(19724) * 86_400_000_000 + 11_045_123_456

    @Test func everyTypeComesBackAsItsValue() async throws {
        try await withSpark { spark in
            let rows = try await spark.sql("""
                SELECT CAST(1 AS TINYINT), CAST(-2 AS SMALLINT), 2147483647, 9223372036854775807,
                       CAST(1.5 AS FLOAT), CAST(0.25 AS DOUBLE),
                       CAST(1.5 AS DECIMAL(10,2)), CAST('-123456789012345678901234567890.12345678' AS DECIMAL(38,8)),
                       'héllo 🌍', X'CAFE', true,
                       DATE'2024-01-02', TIMESTAMP'2024-01-02 03:04:05.123456', TIMESTAMP_NTZ'2024-01-02 03:04:05.123456',
                       array(1, NULL, 3), named_struct('a', 1, 'b', 'x'), map('k', 1, 'l', NULL),
                       NULL, CAST(NULL AS INT), array(array(1L), array()), array(named_struct('d', DATE'1969-12-31')),
                       INTERVAL '1-2' YEAR TO MONTH, INTERVAL '1 02:03:04.5' DAY TO SECOND
                """).rows()
            #expect(rows.count == 1)
            let expected: [SparkValue] = [
                .byte(1), .short(-2), .int(2_147_483_647), .long(Int64.max),
                .float(1.5), .double(0.25),
                .decimal(SparkDecimal(unscaled: 150, precision: 10, scale: 2)),
                .decimal(SparkDecimal(unscaled: -12_345_678_901_234_567_890_123_456_789_012_345_678, precision: 38, scale: 8)),
                .string("héllo 🌍"), .binary([0xCA, 0xFE]), .boolean(true),
                .date(daysSinceEpoch: 19724),
                .timestamp(microsecondsSinceEpoch: Self.micros20240102, timeZone: "UTC"),
                .timestamp(microsecondsSinceEpoch: Self.micros20240102, timeZone: nil),
                .array([.int(1), .null, .int(3)]),
                .structure(names: ["a", "b"], values: [.int(1), .string("x")]),
                .map(keys: [.string("k"), .string("l")], values: [.int(1), .null]),
                .null, .null,
                .array([.array([.long(1)]), .array([])]),
                .array([.structure(names: ["d"], values: [.date(daysSinceEpoch: -1)])]),
                .yearMonthInterval(months: 14),
                // 1 day 2 h 3 min 4.5 s
                .dayTimeInterval(microseconds: 86_400_000_000 + 7_200_000_000 + 180_000_000 + 4_500_000),
            ]
            let row = try #require(rows.first)
            #expect(row.count == expected.count)
            for (index, (got, want)) in zip(row, expected).enumerated() {
                #expect(got == want, "column \(index + 1)")
            }
        }
    }

    @Test func nullsInColumnsOfEveryKind() async throws {
        try await withSpark { spark in
            let batches = try await spark.collect("""
                SELECT * FROM VALUES (1, 'a', CAST(2.50 AS DECIMAL(5,2)), array(1)), (NULL, NULL, NULL, NULL), (3, 'c', NULL, array())
                AS t(i, s, d, a)
                """)
            let rows = batches.flatMap(\.rows)
            #expect(rows == [
                [.int(1), .string("a"), .decimal(SparkDecimal(unscaled: 250, precision: 5, scale: 2)), .array([.int(1)])],
                [.null, .null, .null, .null],
                [.int(3), .string("c"), .null, .array([])],
            ])
            let schema = try #require(batches.first?.schema)
            #expect(schema.fields.map(\.name) == ["i", "s", "d", "a"])
            #expect(schema.fields.map(\.type) == [.int(bitWidth: 32, signed: true), .utf8,
                                                  .decimal(precision: 5, scale: 2, bitWidth: 128), .list])
        }
    }

    @Test func largeResultStreamsInManyBatches() async throws {
        try await withSpark { spark in
            var batches = 0
            var rows = 0
            var sum: Int64 = 0
            var ordered = true
            var next: Int64 = 0
            for try await batch in spark.sql("SELECT id FROM range(2000000)") {
                batches += 1
                rows += batch.rowCount
                guard case .int64(let ids) = batch.columns[0].values else {
                    Issue.record("id is not a bigint column")
                    return
                }
                for id in ids {
                    sum &+= id
                    if id != next { ordered = false }
                    next = id + 1
                }
            }
            #expect(batches > 1)
            #expect(rows == 2_000_000)
            // 0 + 1 + … + 1999999 = 1999999 × 2000000 / 2
            #expect(sum == 1_999_999_000_000)
            #expect(ordered)
        }
    }

    @Test func schemaExplainAndVersionThroughAnalyzePlan() async throws {
        try await withSpark { spark in
            let schema = try await spark.schema(of: """
                SELECT 1 AS a, CAST(1.5 AS DECIMAL(10,2)) AS d, array(1) AS arr, map('k', 1L) AS m,
                       named_struct('x', 'y') AS s, DATE'2024-01-01' AS day, TIMESTAMP'2024-01-01 00:00:00' AS ts,
                       CAST(NULL AS STRING) AS maybe
                """)
            #expect(schema.description
                == "struct<a:int,d:decimal(10,2),arr:array<int>,m:map<string,bigint>,s:struct<x:string>,day:date,ts:timestamp,maybe:string>")
            #expect(schema.fields.first { $0.name == "a" }?.nullable == false)
            #expect(schema.fields.first { $0.name == "maybe" }?.nullable == true)
            #expect(try await spark.sparkVersion() == "4.3.0")
            let plan = try await spark.explain("SELECT id * 2 FROM range(10)", mode: .extended)
            #expect(plan.contains("Range (0, 10"))
            #expect(plan.contains("== Physical Plan =="))
        }
    }

    @Test func configSetAndGet() async throws {
        try await withSpark { spark in
            #expect(try await spark.config("spark.sql.session.timeZone") == "UTC")
            try await spark.setConfig(["spark.sql.session.timeZone": "America/New_York", "swiftlake.test.key": "value 1"])
            #expect(try await spark.config("spark.sql.session.timeZone") == "America/New_York")
            #expect(try await spark.config("swiftlake.test.key") == "value 1")
            #expect(try await spark.config("swiftlake.test.never.set") == nil)
            // The session's zone is the one timestamps come back in: 2024-01-02 03:04:05.123456 in
            // New York (UTC-5 in January) is 08:04:05.123456 UTC.
            let rows = try await spark.sql("SELECT TIMESTAMP'2024-01-02 03:04:05.123456'").rows()
            #expect(rows == [[.timestamp(microsecondsSinceEpoch: Self.micros20240102 + 5 * 3_600_000_000,
                                         timeZone: "America/New_York")]])
            try await spark.unsetConfig(["swiftlake.test.key"])
            #expect(try await spark.config("swiftlake.test.key") == nil)
        }
    }

    @Test func sqlErrorsCarryErrorClassAndSQLState() async throws {
        try await withSpark { spark in
            do {
                _ = try await spark.collect("SELECT * FROM swiftlake_no_such_table")
                Issue.record("a missing table did not fail")
            } catch let error as SparkConnectError {
                let server = try #require(error.serverError, "\(error)")
                #expect(server.errorClass == "TABLE_OR_VIEW_NOT_FOUND")
                #expect(server.sqlState == "42P01")
                #expect(server.message.contains("swiftlake_no_such_table"))
                #expect(server.exceptionClasses.contains("org.apache.spark.sql.AnalysisException"))
            }
            // ANSI mode (Spark 4's default): division by zero is an error at run time.
            do {
                _ = try await spark.collect("SELECT 1 / (id - id) FROM range(1)")
                Issue.record("a division by zero did not fail")
            } catch let error as SparkConnectError {
                let server = try #require(error.serverError, "\(error)")
                #expect(server.errorClass == "DIVIDE_BY_ZERO")
                #expect(server.sqlState == "22012")
            }
            do {
                _ = try await spark.schema(of: "SELEC 1")
                Issue.record("a syntax error did not fail")
            } catch let error as SparkConnectError {
                #expect(error.serverError?.errorClass == "PARSE_SYNTAX_ERROR")
                #expect(error.serverError?.sqlState == "42601")
            }
            // The session still works after errors.
            #expect(try await spark.sql("SELECT 42").rows() == [[.int(42)]])
        }
    }

    // Bounded so that a failed interrupt fails the test instead of hanging the run (a CI run
    // once waited forever on a query of 10^12 rows that no interrupt had reached): interrupts
    // are tried for two minutes (a busy server can take tens of seconds to list the operation
    // under its tag), and the whole test is cancelled after five.
    @Test(.timeLimit(.minutes(5)))
    func interruptStopsALongQuery() async throws {
        try await withSpark { spark in
            let result = spark.sql("SELECT sum(hash(id)) FROM range(0, 100000000000)", tags: ["swiftlake-long"])
            let consumer = Task { try await result.collect() }
            var interrupted: [String] = []
            for _ in 0..<240 where interrupted.isEmpty {
                try await Task.sleep(for: .milliseconds(500))
                interrupted = try await spark.interrupt(tag: "swiftlake-long")
            }
            #expect(interrupted == [result.operationID])
            guard !interrupted.isEmpty else {
                _ = try? await spark.interrupt(operationID: result.operationID)
                consumer.cancel()
                return
            }
            do {
                _ = try await withTaskCancellationHandler { try await consumer.value } onCancel: { consumer.cancel() }
                Issue.record("the interrupted query returned a result")
            } catch let error as SparkConnectError {
                let server = try #require(error.serverError, "\(error)")
                #expect(server.isInterrupted, "\(server)")
            }
            #expect(try await spark.sql("SELECT 1").rows() == [[.int(1)]])
        }
    }

    @Test func unreachableServerIsUnavailable() async throws {
        // A port nothing listens on (bound then closed).
        let spark = try SparkConnectClient(SparkConnectionString(host: "127.0.0.1", port: 9))
        do {
            _ = try await spark.sparkVersion()
            Issue.record("a call to a closed port succeeded")
        } catch let error as SparkConnectError {
            #expect(error.isUnavailable, "\(error)")
        }
        do {
            _ = try await spark.collect("SELECT 1")
            Issue.record("a query to a closed port succeeded")
        } catch let error as SparkConnectError {
            #expect(error.isUnavailable, "\(error)")
        }
        await spark.close()
    }

    /// On a server of the test's own, which ends each response stream after 1 MB: a 3M-row
    /// result comes whole through reattaches (ReattachExecute from the last response ID; the
    /// server's log shows each). Then the server is killed (SIGKILL) mid-query: the query fails
    /// as unavailable; started again on the same port, the same client works again.
    @Test func killedServerIsUnavailableThenReconnects() async throws {
        guard try sparkConnection() != nil else { return }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let environment = ["SWIFTLAKE_SPARK_DIR": state.path,
                           "SWIFTLAKE_SPARK_CONF": "spark.connect.execute.reattachable.senderMaxStreamSize=1m"]
        let started = try await runSparkServerScript("start", environment: environment)
        defer {
            // The server's process group, as scripts/spark-server.sh stop ends it (synchronously).
            if let pid = try? String(contentsOfFile: state.appendingPathComponent("spark.pid").path, encoding: .utf8),
               let group = pid_t(pid.trimmingCharacters(in: .whitespacesAndNewlines)) {
                _ = kill(-group, SIGKILL)
            }
            try? FileManager.default.removeItem(at: state)
        }
        try #require(started.status == 0, "spark-server.sh start failed")
        let connection = try SparkConnectionString(started.output)
        let spark = try SparkConnectClient(connection)
        #expect(try await spark.sql("SELECT 1").rows() == [[.int(1)]])

        let long = spark.sql("SELECT id FROM range(3000000)")
        var rows = 0
        var sum: Int64 = 0
        for try await batch in long {
            rows += batch.rowCount
            guard case .int64(let ids) = batch.columns[0].values else { return }
            sum = ids.reduce(sum, &+)
        }
        #expect(rows == 3_000_000)
        // 0 + 1 + … + 2999999 = 2999999 × 3000000 / 2
        #expect(sum == 4_499_998_500_000)
        let log = try String(contentsOfFile: state.appendingPathComponent("spark.log").path, encoding: .utf8)
        let streams = log.components(separatedBy: "Starting for opId=\(long.operationID)").count - 1
        #expect(streams > 2, "the server sent the result in \(streams) stream(s)")

        let result = spark.sql("SELECT sum(hash(id)) FROM range(0, 1000000000000)")
        let consumer = Task { try await result.collect() }
        try await Task.sleep(for: .seconds(3))
        let pid = try String(contentsOfFile: state.appendingPathComponent("spark.pid").path, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let group = try #require(pid_t(pid))
        #expect(kill(-group, SIGKILL) == 0)
        do {
            _ = try await consumer.value
            Issue.record("the query survived its server")
        } catch let error as SparkConnectError {
            #expect(error.isUnavailable, "\(error)")
        }
        do {
            _ = try await spark.sparkVersion()
            Issue.record("a call to the killed server succeeded")
        } catch let error as SparkConnectError {
            #expect(error.isUnavailable, "\(error)")
        }

        let restarted = try await runSparkServerScript("start", environment: environment.merging(
            ["SWIFTLAKE_SPARK_PORT": String(connection.port)]) { $1 })
        try #require(restarted.status == 0, "spark-server.sh start (again) failed")
        // The channel reconnects with a backoff of at most 1 s.
        var answer: [[SparkValue]]?
        for _ in 0..<5 where answer == nil {
            do {
                answer = try await spark.sql("SELECT 2").rows()
            } catch let error as SparkConnectError where error.isUnavailable {
                try await Task.sleep(for: .seconds(1))
            }
        }
        #expect(answer == [[.int(2)]])
        await spark.close()
    }
}
