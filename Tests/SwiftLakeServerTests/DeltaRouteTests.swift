import DeltaOracle
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import SwiftLake
import SwiftLakeServer
import Testing

/// The shared Delta corpus next to the repository.
private let deltaCorpus = corpusDeltaTables

@Suite struct DeltaRouteTests {
    @Test func readStreamsRowsWithVersionAndFileCounts() async throws {
        try await withServer(testOptions()) { client, _ in
            let latest = try await client.post("/api/delta/read", json: #"{"path": "orders_delta", "sql": "SELECT count(*) AS n, count(DISTINCT region) AS r FROM t"}"#)
            #expect(latest.status == .ok, "\(latest.text)")
            let body = try latest.json()
            #expect((body["rows"] as? [[Any]])?.first?.compactMap(int) == [100, 2])
            #expect(int(body["version"]) == 1 && int(body["files_scanned"]) == 2 && int(body["files_skipped"]) == 0)

            let skipped = try await client.post("/api/delta/read", json: #"{"path": "orders_delta", "filter": "id = 75"}"#).json()
            #expect(int(skipped["files_scanned"]) == 1 && int(skipped["files_skipped"]) == 1)
            #expect(int(skipped["row_count"]) == 1)

            let legacy = try await client.post("/api/spark/delta/read", json: #"{"path": "orders_delta", "version": 0, "format": "csv", "sql": "SELECT region, count(*) AS n FROM t GROUP BY region"}"#)
            #expect(legacy.status == .ok)
            #expect(legacy.text == "region,n\r\nnorth,50\r\n")
        }
    }

    @Test func historyDetailFilesAndErrors() async throws {
        try await withServer(testOptions()) { client, _ in
            let history = try await client.post("/api/spark/delta/history", json: #"{"path": "orders_delta", "limit": 1}"#).json()
            let entries = try #require(history["history"] as? [[String: Any]])
            #expect(entries.count == 1 && int(entries[0]["version"]) == 1 && entries[0]["operation"] as? String == "WRITE")
            let detail = try await client.post("/api/delta/detail", json: #"{"path": "orders_delta", "version": 0}"#).json()
            #expect(int(detail["num_files"]) == 1 && detail["partition_columns"] as? [String] == ["region"])
            let files = try await client.post("/api/delta/files", json: #"{"path": "orders_delta"}"#).json()
            let list = try #require(files["files"] as? [[String: Any]])
            #expect(list.count == 2 && (list[1]["partition_values"] as? [String: Any])?["region"] as? String == "south")

            let missing = try await client.post("/api/delta/read", json: #"{"path": "orders_delta", "version": 9}"#)
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("0") && missing.text.contains("1"))
            #expect(try await client.post("/api/delta/read", json: #"{"path": "sales.parquet"}"#).status != .ok)
            #expect(try await client.post("/api/delta/read", json: #"{"path": "orders_delta", "version": 0, "timestamp": "2024-01-01"}"#).status == .badRequest)
        }
    }

    @Test func corpusTableWithDeletionVectorsThroughREST() async throws {
        let lakehouse = try Lakehouse(configuration: LakehouseConfiguration(roots: [deltaCorpus]))
        let app = try buildApplication(lakehouse: lakehouse, options: testOptions(), logger: Logger(label: "delta-route-tests"))
        try await app.test(.router) { client in
            let body = try await client.post("/api/delta/read", json: """
                {"path": "\(deltaCorpus)/table-with-dv-small", "sql": "SELECT min(value), max(value), count(*) FROM t"}
                """).json()
            #expect((body["rows"] as? [[Any]])?.first?.compactMap(int) == [1, 8, 8])
            #expect(int(body["version"]) == 1)
        }
    }

    @Test func parquetOutputHoldsTheRowsAndTheHeadersSayWhatWasRead() async throws {
        let lakehouse = try Lakehouse(configuration: LakehouseConfiguration(roots: [deltaCorpus]))
        let app = try buildApplication(lakehouse: lakehouse, options: testOptions(), logger: Logger(label: "delta-route-tests"))
        try await app.test(.router) { client in
            // table-with-dv-small: ids 0–9 written at v0; v1's deletion vector deletes 0 and 9.
            let response = try await client.post("/api/delta/read", json: """
                {"path": "\(deltaCorpus)/table-with-dv-small", "sql": "SELECT value FROM t ORDER BY value", "format": "parquet"}
                """)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/vnd.apache.parquet")
            #expect(response.headers[HTTPField.Name("X-Delta-Version")!] == "1")
            #expect(response.headers[HTTPField.Name("X-Delta-Files-Scanned")!] == "1")
            #expect(response.headers[HTTPField.Name("X-Delta-Files-Skipped")!] == "0")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("delta-export-\(UUID().uuidString).parquet")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(response.bytes).write(to: file)
            let reader = try Lakehouse(configuration: LakehouseConfiguration(roots: [file.deletingLastPathComponent().path]))
            let rows = try await reader.query(ParquetQueryRequest(paths: [file.path], sql: "SELECT list(value ORDER BY value) FROM t")).collect()
            #expect(rows.rows[0][0].description == "[1, 2, 3, 4, 5, 6, 7, 8]")
        }
    }
}
