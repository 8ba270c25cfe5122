import DuckDB
import Foundation
import Testing
@testable import SwiftLake

@Suite("Parquet query")
struct ParquetQueryTests {
    @Test func countsTheSampleSales() async throws {
        let (lake, _) = try await makeSampleLake()
        let result = try await rows(lake, ["sales.parquet"], "SELECT count(*), sum(quantity) FROM t")
        // quantity = 1 + (i*13) % 20 over i = 1…10000: 13 is coprime to 20, so every block of
        // 20 consecutive i covers residues 0…19 once: 500 blocks × (20 + 190) = 105,000.
        #expect(result == [[.bigint(10000), .hugeint(105_000)]])
    }

    @Test func structuredQueryAppliesColumnsFilterOrderAndLimit() async throws {
        let (lake, _) = try await makeSampleLake()
        let request = ParquetQueryRequest(paths: ["sales.parquet"], columns: ["id", "region"], filter: "id <= 10 AND region = 'north'",
                                          orderBy: ["id DESC"], limit: 2)
        let result = try await lake.query(request).collect()
        #expect(result.columns.map(\.name) == ["id", "region"])
        // region = ['north','south','east','west'][1 + id % 4] is north when id % 4 == 0: ids 4 and 8.
        #expect(result.rows == [[.bigint(8), .varchar("north")], [.bigint(4), .varchar("north")]])
        #expect(result.truncated == false)
    }

    @Test func limitTruncatesAndSaysSo() async throws {
        let (lake, _) = try await makeSampleLake()
        let cursor = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT id FROM t", limit: 3000))
        var total = 0
        while let batch = try await cursor.next() { total += batch.count }
        #expect(total == 3000)
        #expect(cursor.rowCount == 3000)
        #expect(cursor.truncated)

        let exact = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT id FROM t WHERE id <= 5", limit: 5)).collect()
        #expect(exact.rowCount == 5)
        #expect(exact.truncated == false)
    }

    @Test func defaultLimitAndMaximumApply() async throws {
        let directory = try TemporaryDirectory()
        try await SampleData.write(into: directory.path)
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path], defaultLimit: 10, maxRows: 100))
        let byDefault = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT id FROM t")).collect()
        #expect(byDefault.rowCount == 10 && byDefault.truncated)
        let capped = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT id FROM t", limit: 5000)).collect()
        #expect(capped.rowCount == 100 && capped.truncated)
        await expectError(.invalidRequest) { _ = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT 1", limit: -1)) }
    }

    @Test func hivePartitionedDirectoryExposesThePartitionColumn() async throws {
        let (lake, _) = try await makeSampleLake()
        let result = try await rows(lake, ["events"], "SELECT event_date, count(*) FROM t GROUP BY ALL ORDER BY 1")
        #expect(result.count == 7)
        #expect(result.first?.map(\.description) == ["2024-03-01", "1000"])
        let filtered = try await rows(lake, ["events/"], "SELECT count(*) FROM t WHERE event_date = '2024-03-07'")
        #expect(filtered == [[.bigint(1000)]])
    }

    @Test func globsAndManyFilesUnionByName() async throws {
        let (lake, _) = try await makeSampleLake()
        let result = try await rows(lake, ["batches/*.parquet"], "SELECT count(*), count(note), typeof(any_value(amount)) FROM t")
        // 100 + 100 + 60 rows; only batch_3's 60 rows have a note; INTEGER and BIGINT widen to BIGINT.
        #expect(result == [[.bigint(260), .bigint(60), .varchar("BIGINT")]])
        let recursive = try await rows(lake, ["**/batch_*.parquet"], "SELECT count(*) FROM t")
        #expect(recursive == [[.bigint(260)]])
    }

    /// Column pruning and predicate pushdown reach the Parquet scan: the plan's scan node lists
    /// only the referenced columns and carries the filter itself.
    @Test func columnPruningAndPredicatePushdownReachTheScan() async throws {
        let (lake, _) = try await makeSampleLake()
        let plan = try await rows(lake, ["sales.parquet"], "EXPLAIN SELECT product FROM t WHERE quantity > 15")
            .flatMap { $0 }.map(\.description).joined(separator: "\n")
        #expect(plan.contains("READ_PARQUET") || plan.contains("PARQUET_SCAN"), "no Parquet scan in:\n\(plan)")
        let scan = plan.components(separatedBy: "READ_PARQUET").dropFirst().joined()
        #expect(scan.contains("Projections:"), "no projection list in the scan:\n\(plan)")
        #expect(scan.contains("product"))
        #expect(scan.contains("Filters:"), "filter not pushed into the scan:\n\(plan)")
        #expect(scan.replacingOccurrences(of: " ", with: "").contains("quantity>15"), "filter not pushed into the scan:\n\(plan)")
        for unused in ["region", "price", "discount", "ts"] {
            #expect(!plan.contains(unused), "column \(unused) is read although unused:\n\(plan)")
        }
    }

    @Test func onlySingleReadOnlyStatementsRun() async throws {
        let (lake, _) = try await makeSampleLake()
        for sql in ["COPY t TO '/tmp/x.csv'", "ATTACH '/tmp/x.db'", "INSTALL httpfs", "LOAD httpfs", "SET threads = 1",
                    "SELECT 1; SELECT 2", "CREATE TABLE x AS SELECT 1", "PRAGMA threads = 1", "CALL dbgen(sf = 0.01)"] {
            do {
                _ = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: sql)).collect()
                Issue.record("\(sql) ran")
            } catch let error as SwiftLakeError {
                // Refused as a statement that may not run here, or by the sandbox itself (ATTACH).
                #expect(["statement_not_allowed", "multiple_statements", "sandbox_denied"].contains(error.code), "\(sql): \(error.code) \(error.message)")
            }
        }
        // The engine still answers afterwards.
        #expect(try await rows(lake, ["sales.parquet"], "SELECT count(*) FROM t") == [[.bigint(10000)]])
    }

    @Test func theSandboxRefusesFilesOutsideTheRoots() async throws {
        let (lake, _) = try await makeSampleLake()
        for sql in ["SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM read_text('/etc/hostname')",
                    "SELECT * FROM read_parquet('/usr/**/*.parquet')", "SELECT * FROM glob('/etc/*')"] {
            let error = await expectError(.forbidden) { _ = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: sql)).collect() }
            #expect(error?.code == "sandbox_denied", "\(sql)")
        }
    }

    @Test func sqlErrorsAreInvalidRequests() async throws {
        let (lake, _) = try await makeSampleLake()
        let syntax = await expectError(.invalidRequest) { _ = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELEC * FRM t")) }
        #expect(syntax?.code == "sql_syntax_error")
        let binder = await expectError(.invalidRequest) { _ = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT nope FROM t")) }
        #expect(binder?.message.contains("nope") == true)
        await expectError(.invalidRequest) { _ = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT 1", filter: "x")) }
    }

    @Test func corruptAndMissingFiles() async throws {
        let (lake, directory) = try await makeSampleLake()
        try Data("definitely not parquet".utf8).write(to: URL(fileURLWithPath: directory.file("broken.parquet")))
        let corrupt = await expectError(.unprocessable) { _ = try await lake.query(ParquetQueryRequest(paths: ["broken.parquet"], sql: "SELECT * FROM t")) }
        #expect(corrupt?.code == "corrupt_parquet")
        await expectError(.notFound) { _ = try await lake.query(ParquetQueryRequest(paths: ["missing.parquet"], sql: "SELECT 1")) }
        await expectError(.notFound) { _ = try await lake.query(ParquetQueryRequest(paths: ["nothing/*.parquet"], sql: "SELECT 1")) }
    }

    @Test func aQueryOverTheTimeLimitIsStopped() async throws {
        // Ten seconds: long enough for the follow-up query while the whole suite runs in
        // parallel on two cores (two seconds was not), far too short for the 10¹² rows of
        // the cross join.
        let (lake, _) = try await makeSampleLake(timeout: .seconds(10))
        let error = await expectError(.timeout) {
            _ = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"],
                                                         sql: "SELECT count(*) FROM t a, t b, t c WHERE (a.id * b.id + c.id) % 1000003 = 7")).collect()
        }
        #expect(error?.code == "query_timeout")
        #expect(try await rows(lake, ["sales.parquet"], "SELECT count(*) FROM t") == [[.bigint(10000)]])
    }

    @Test func exportsParquet() async throws {
        let (lake, _) = try await makeSampleLake()
        let staged = try await lake.exportParquet(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT id, price FROM t WHERE id <= 42", limit: 40))
        defer { staged.remove() }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: staged.path))
        #expect(bytes.prefix(4) == Data("PAR1".utf8) && bytes.suffix(4) == Data("PAR1".utf8))
        let reread = try await lake.duckdb.withConnection { connection in
            try connection.query("SELECT count(*), max(id) FROM read_parquet('\(staged.path)')").rows()
        }
        #expect(reread == [[.bigint(40), .bigint(40)]])
    }
}
