import Foundation
import HummingbirdTesting
import SwiftLake
import SwiftLakeServer
import Testing

@Suite struct ParquetOperationTests {
    @Test func modifyWritesANewFile() async throws {
        try await withServer(testOptions()) { client, lake in
            let response = try await client.post("/api/parquet/modify", json: """
                {"path": "sales.parquet", "output": "out/sales_modified.parquet", "delete_where": "region = 'west'",
                 "updates": {"price": "price * 2"}, "predicate": "product = 'widget'",
                 "add_columns": {"total": "price * quantity"}, "drop_columns": ["discount"], "rename": {"ts": "ordered_at"}}
                """)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect(body["output"] as? String == lake.path("out/sales_modified.parquet"))
            #expect(int(body["rows_read"]) == 10000)
            #expect(int(body["rows_deleted"]) == 2500)
            #expect(int(body["rows_written"]) == 7500)
            #expect(int(body["rows_updated"]) ?? 0 > 0)
            #expect(int(body["bytes_written"]) ?? 0 > 0)
            let names = (body["columns"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            #expect(names.contains("total") && names.contains("ordered_at") && !names.contains("discount"))
            // The input is untouched.
            let original = try await client.query(#"{"paths": ["sales.parquet"], "sql": "SELECT count(*) FROM t"}"#)
            #expect(int((original["rows"] as? [[Any]])?.first?.first) == 10000)
        }
    }

    @Test func modifyOverwritesInPlace() async throws {
        try await withServer(testOptions()) { client, lake in
            try FileManager.default.copyItem(atPath: lake.path("sales.parquet"), toPath: lake.path("copy.parquet"))
            let response = try await client.post("/api/parquet/modify", json: #"{"path": "copy.parquet", "delete_where": "id > 100", "overwrite": true}"#)
            #expect(response.status == .ok, "\(response.text)")
            #expect(int(try response.json()["rows_written"]) == 100)
            let after = try await client.query(#"{"paths": ["copy.parquet"], "sql": "SELECT count(*), max(id) FROM t"}"#)
            #expect((after["rows"] as? [[Any]])?.first.map { $0.map(int) } == [100, 100])

            // Without overwrite, writing over the input is refused.
            let refused = try await client.post("/api/parquet/modify", json: #"{"path": "copy.parquet", "delete_where": "id > 10"}"#)
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "missing_output")
        }
    }

    @Test func modifyRefusesAnExistingOutput() async throws {
        try await withServer(testOptions()) { client, _ in
            let response = try await client.post("/api/parquet/modify", json: #"{"path": "sales.parquet", "output": "customers.parquet", "delete_where": "id > 1"}"#)
            #expect(response.status == .conflict)
            #expect(response.errorCode == "output_exists")
        }
    }

    @Test func mergeDeduplicates() async throws {
        try await withServer(testOptions()) { client, lake in
            let response = try await client.post("/api/parquet/merge", json: """
                {"paths": ["batches/"], "output": "merged/batches.parquet", "dedupe_on": ["id"], "order_by": ["id"]}
                """)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect(body["output"] as? String == lake.path("merged/batches.parquet"))
            #expect(int(body["files_merged"]) == 3)
            #expect(int(body["rows_read"]) == 260)
            #expect(int(body["rows_written"]) == 200)
            #expect(int(body["duplicates_removed"]) == 60)
            let check = try await client.query(#"{"paths": ["merged/batches.parquet"], "sql": "SELECT count(*), count(DISTINCT id) FROM t"}"#)
            #expect((check["rows"] as? [[Any]])?.first.map { $0.map(int) } == [200, 200])
        }
    }

    @Test func metadataReportsRowsAndRowGroups() async throws {
        try await withServer(testOptions()) { client, lake in
            let response = try await client.post("/api/parquet/metadata", json: #"{"path": "sales.parquet"}"#)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect(body["path"] as? String == lake.path("sales.parquet"))
            #expect(int(body["num_rows"]) == 10000)
            // Written with ROW_GROUP_SIZE 2500, which DuckDB rounds to whole vectors (2048 rows).
            let groups = try #require(body["row_groups"] as? [[String: Any]])
            #expect(groups.count > 1)
            #expect(int(body["num_row_groups"]) == groups.count)
            #expect(groups.map { int($0["num_rows"]) ?? 0 }.reduce(0, +) == 10000)
            #expect((body["columns"] as? [[String: Any]])?.count == 7)
            #expect(int(body["file_size"]) ?? 0 > 0)
        }
    }

    @Test func statsSummariseEveryColumn() async throws {
        try await withServer(testOptions()) { client, _ in
            let response = try await client.post("/api/parquet/stats", json: #"{"paths": ["sales.parquet"]}"#)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect(int(body["row_count"]) == 10000)
            let columns = try #require(body["columns"] as? [[String: Any]])
            #expect(columns.count == 7)
            let discount = try #require(columns.first { $0["name"] as? String == "discount" })
            #expect(int(discount["null_count"]) == 1000)
            #expect(int(discount["count"]) == 9000)
            let id = try #require(columns.first { $0["name"] as? String == "id" })
            #expect(int(id["min"]) == 1)
            #expect(int(id["max"]) == 10000)

            let query = try await client.post("/api/parquet/stats", json: #"{"paths": ["events/"], "sql": "SELECT value FROM t WHERE kind = 'purchase'"}"#)
            #expect(query.status == .ok, "\(query.text)")
            #expect((try query.json()["columns"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func legacySparkPathsAnswerTheSame() async throws {
        try await withServer(testOptions()) { client, lake in
            let query = try await client.post("/api/spark/parquet/query", json: #"{"paths": ["sales.parquet"], "sql": "SELECT count(*) AS n FROM t"}"#)
            #expect(query.status == .ok)
            #expect(int((try query.json()["rows"] as? [[Any]])?.first?.first) == 10000)

            let modify = try await client.post("/api/spark/parquet/modify", json: #"{"path": "sales.parquet", "output": "legacy.parquet", "delete_where": "id > 10"}"#)
            #expect(modify.status == .ok, "\(modify.text)")
            #expect(int(try modify.json()["rows_written"]) == 10)

            let merge = try await client.post("/api/spark/parquet/merge", json: #"{"paths": ["batches/*.parquet"], "output": "legacy_merged.parquet"}"#)
            #expect(merge.status == .ok, "\(merge.text)")
            #expect(int(try merge.json()["rows_written"]) == 260)

            let health = try await client.get("/api/spark/health")
            #expect(health.status == .ok)
            #expect(FileManager.default.fileExists(atPath: lake.path("legacy_merged.parquet")))
        }
    }
}
