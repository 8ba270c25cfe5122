import Foundation
import HummingbirdTesting
import SwiftLake
import SwiftLakeServer
import Testing

@Suite struct DeltaWriteRouteTests {
    @Test func createWriteUpdateDeleteThroughREST() async throws {
        try await withServer(testOptions()) { client, lake in
            let created = try await client.post("/api/delta/create", json: """
                {"path": "w", "schema": [{"name": "id", "type": "long", "nullable": false}, {"name": "region", "type": "string"}],
                 "partition_columns": ["region"]}
                """)
            #expect(created.status == .ok, "\(created.text)")
            #expect(int(try created.json()["version"]) == 0)
            #expect(try await client.post("/api/delta/create", json: #"{"path": "w", "schema": [{"name": "id", "type": "long"}]}"#).status == .conflict)

            let written = try await client.post("/api/delta/write", json: """
                {"path": "w", "rows": [{"id": 1, "region": "north"}, {"id": 2, "region": "south"}, {"id": 3, "region": "south"}]}
                """)
            #expect(written.status == .ok, "\(written.text)")
            let body = try written.json()
            #expect(int(body["version"]) == 1 && int(body["rows_inserted"]) == 3 && int(body["files_added"]) == 2)

            let fromParquet = try await client.post("/api/spark/delta/write", json: """
                {"path": "w", "source_paths": ["sales.parquet"], "sql": "SELECT 100 + row_number() OVER () AS id, 'east' AS region FROM t LIMIT 2"}
                """)
            #expect(fromParquet.status == .ok, "\(fromParquet.text)")

            let updated = try await client.post("/api/delta/update", json: #"{"path": "w", "predicate": "id = 2", "updates": {"id": "id * 10"}}"#).json()
            #expect(int(updated["rows_updated"]) == 1 && int(updated["rows_copied"]) == 1)
            let deleted = try await client.post("/api/spark/delta/delete", json: #"{"path": "w", "predicate": "region = 'north'"}"#).json()
            #expect(int(deleted["rows_deleted"]) == 1 && int(deleted["files_removed"]) == 1 && int(deleted["version"]) == 4)

            let read = try await client.post("/api/delta/read", json: #"{"path": "w", "sql": "SELECT id FROM t ORDER BY id"}"#).json()
            #expect((read["rows"] as? [[Any]])?.compactMap { int($0.first) } == [3, 20, 101, 102])
            let history = try await client.post("/api/delta/history", json: #"{"path": "w"}"#).json()
            #expect((history["history"] as? [[String: Any]])?.compactMap { $0["operation"] as? String } == ["DELETE", "UPDATE", "WRITE", "WRITE", "CREATE TABLE"])
            _ = lake
        }
    }

    @Test func writeErrorsUseTheErrorShape() async throws {
        try await withServer(testOptions()) { client, _ in
            _ = try await client.post("/api/delta/write", json: #"{"path": "e", "rows": [{"id": 1}]}"#)
            let badType = try await client.post("/api/delta/write", json: #"{"path": "e", "rows": [{"id": "one"}]}"#)
            #expect(badType.status == .badRequest)
            let error = try #require(try badType.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "type_mismatch" && (error["message"] as? String)?.contains("'id'") == true)
            #expect(try await client.post("/api/delta/delete", json: #"{"path": "missing", "predicate": "id = 1"}"#).status == .notFound)
            #expect(try await client.post("/api/delta/update", json: #"{"path": "e", "updates": {"nope": "1"}}"#).status == .badRequest)
            #expect(try await client.post("/api/delta/write", json: #"{"path": "e", "mode": "error", "rows": [{"id": 1}]}"#).status == .conflict)
            #expect(try await client.post("/api/delta/write", json: #"{"path": "../outside", "rows": [{"id": 1}]}"#).status == .forbidden)
        }
    }

    @Test func tablesWithDeletionVectorsAreWrittenWithVectors() async throws {
        let corpus = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus/delta-rs-tables/table-with-dv-small").path
        try await withServer(testOptions()) { client, lake in
            let copy = lake.path("dv")
            try FileManager.default.copyItem(atPath: corpus, toPath: copy)
            // Spark deleted 0 and 9 of 0–9; the delete extends its deletion vector instead of rewriting the file.
            let deleted = try await client.post("/api/delta/delete", json: #"{"path": "dv", "predicate": "value = 1"}"#)
            #expect(deleted.status == .ok, "\(deleted.text)")
            let body = try deleted.json()
            #expect(int(body["rows_deleted"]) == 1 && int(body["files_added"]) == 0 && int(body["files_removed"]) == 0)
            #expect(try await client.post("/api/delta/write", json: #"{"path": "dv", "rows": [{"value": 100}]}"#).status == .ok)
            let read = try await client.post("/api/delta/read", json: #"{"path": "dv", "sql": "SELECT value FROM t ORDER BY value"}"#).json()
            #expect((read["rows"] as? [[Any]])?.compactMap { int($0.first) } == [2, 3, 4, 5, 6, 7, 8, 100])
        }
    }
}
