import DuckDB
import Foundation
import Testing
@testable import SwiftLake

@Suite("Engine: connection pool, progress, sandbox lock")
struct EngineTests {
    @Test func moreConcurrentOperationsThanConnectionsAllComplete() async throws {
        let directory = try TemporaryDirectory()
        try await SampleData.write(into: directory.path)
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path], maxConcurrentOperations: 2))
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<12 {
                group.addTask {
                    let cursor = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT count(*) FROM t WHERE id > \(i)"))
                    return try await cursor.collect().rows[0][0].intValue
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts.sorted() == (0..<12).map { 10000 - $0 }.sorted())
        #expect(lake.duckdb.pool.available == 2)
    }

    @Test func batchesFetchedTogetherKeepEveryRowOnceAndTheLimit() async throws {
        let (lake, _) = try await makeSampleLake()
        let cursor = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT id FROM t ORDER BY id", limit: 7_000))
        var ids: [Int] = []
        var trips = 0
        while case let batches = try await cursor.nextBatches(rows: 3_000), !batches.isEmpty {
            trips += 1
            let rows = batches.reduce(0) { $0 + $1.count }
            #expect(rows >= 3_000 || batches.isEmpty || ids.count + rows == 7_000, "a trip brings at least the rows asked for, unless the result ends")
            for batch in batches { for r in 0..<batch.count { ids.append(batch.row(r)[0].intValue ?? -1) } }
        }
        #expect(ids == Array(1...7_000))
        #expect(cursor.truncated && cursor.rowCount == 7_000)
        // Every trip but the last brings at least 3,000 of the 7,000 rows, so 2 or 3 trips.
        #expect((2...3).contains(trips), "\(trips) trips")
    }

    @Test func cursorsClosedEarlyOrDroppedGiveTheirConnectionBack() async throws {
        let directory = try TemporaryDirectory()
        try await SampleData.write(into: directory.path)
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path], maxConcurrentOperations: 1))
        for _ in 0..<3 {
            let cursor = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT * FROM t", limit: 100_000))
            _ = try await cursor.next()
            cursor.close()
        }
        do {
            let dropped = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT * FROM t", limit: 100_000))
            _ = dropped.columns
        }
        await expectError(.invalidRequest) { _ = try await lake.query(ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELEC")) }
        #expect(lake.duckdb.pool.available == 1)
        #expect(try await rows(lake, ["sales.parquet"], "SELECT count(*) FROM t") == [[.bigint(10000)]])
    }

    @Test func aReusedTableDefinitionSeesFilesThatChanged() async throws {
        let directory = try TemporaryDirectory()
        try await SampleData.write(into: directory.path)
        // One connection, so every query reuses the same definition of t.
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path], maxConcurrentOperations: 1))
        #expect(try await rows(lake, ["batches/batch_1.parquet"], "SELECT count(*), max(amount) FROM t") == [[.bigint(100), .integer(1000)]])
        // Same rows count, new values; then a new schema (an extra column, another type).
        _ = try await lake.modify(ParquetModifyRequest(path: "batches/batch_1.parquet", updates: ["amount": "amount * 2"], overwrite: true))
        #expect(try await rows(lake, ["batches/batch_1.parquet"], "SELECT count(*), max(amount) FROM t") == [[.bigint(100), .integer(2000)]])
        _ = try await lake.merge(ParquetMergeRequest(paths: ["batches/batch_3.parquet"], output: "batches/batch_1.parquet", overwrite: true))
        #expect(try await rows(lake, ["batches/batch_1.parquet"], "SELECT count(*), max(amount), count(note) FROM t") == [[.bigint(60), .bigint(200_000), .bigint(60)]])
    }

    @Test func longOperationsReportProgress() async throws {
        let directory = try TemporaryDirectory()
        try await SampleData.write(into: directory.path)
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path]))
        let seen = Mutex<[Double]>([])
        // A few seconds of work over a scan DuckDB can estimate.
        let cursor = try await lake.query(
            ParquetQueryRequest(paths: ["sales.parquet"], sql: "SELECT count(*) FROM t a, t b WHERE (a.id * 7 + b.id) % 1009 = 3"),
            progress: { value in seen.withLock { $0.append(value) } })
        _ = try await cursor.collect()
        let values = seen.withLock { $0 }
        #expect(!values.isEmpty, "no progress was reported")
        #expect(values.allSatisfy { (0...100).contains($0) })
    }

    @Test func theSandboxCannotBeReopenedFromAConnection() async throws {
        let directory = try TemporaryDirectory()
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path]))
        for statement in ["SET enable_external_access = true", "SET allowed_directories = ['/']", "SET lock_configuration = false",
                          "SET GLOBAL memory_limit = '1TB'"] {
            await #expect(throws: (any Error).self, "\(statement) was accepted") {
                try await lake.duckdb.withConnection { connection in try connection.execute(statement) }
            }
        }
    }
}

import Synchronization
