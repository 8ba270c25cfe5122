import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/delta/{checkpoint,vacuum,restore}` over the sample table `orders_delta`
/// (version 0: orders 1–50, version 1: + orders 51–100).
@Suite struct DeltaMaintenanceRouteTests {
    @Test("checkpoint writes the latest version's checkpoint once; reads still work")
    func checkpoint() async throws {
        try await withServer(testOptions()) { client, lake in
            let response = try await client.post("/api/delta/checkpoint", json: #"{"path": "orders_delta"}"#)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect(int(body["version"]) == 1)
            #expect(body["created"] as? Bool == true)
            #expect(int(body["num_add_files"]) == 2)
            #expect(body["checkpoint"] as? String == "_delta_log/00000000000000000001.checkpoint.parquet")
            #expect(FileManager.default.fileExists(atPath: lake.path("orders_delta/_delta_log/00000000000000000001.checkpoint.parquet")))
            let again = try await client.post("/api/delta/checkpoint", json: #"{"path": "orders_delta", "cleanup_logs": false}"#).json()
            #expect(again["created"] as? Bool == false)
            #expect(again["log_cleanup"] == nil)
            let count = try await client.post("/api/delta/read", json: #"{"path": "orders_delta", "sql": "SELECT count(*) AS n FROM t"}"#).json()
            #expect(int((count["rows"] as? [[Any]])?.first?.first) == 100)

            let missing = try await client.post("/api/delta/checkpoint", json: #"{"path": "orders_delta", "version": 7}"#)
            #expect(missing.status == .notFound)
            let outside = try await client.post("/api/delta/checkpoint", json: #"{"path": "/etc"}"#)
            #expect(outside.status == .forbidden)
        }
    }

    @Test("vacuum: dry run lists, a short retention is 422 with how to force it")
    func vacuum() async throws {
        try await withServer(testOptions()) { client, _ in
            let dry = try await client.post("/api/delta/vacuum", json: #"{"path": "orders_delta", "dry_run": true}"#)
            #expect(dry.status == .ok, "\(dry.text)")
            let body = try dry.json()
            #expect(body["dry_run"] as? Bool == true)
            #expect((body["files"] as? [Any])?.isEmpty == true)
            #expect(body["retention_hours"] as? Double == 168)

            let short = try await client.post("/api/delta/vacuum", json: #"{"path": "orders_delta", "retention_hours": 1}"#)
            #expect(short.status == .unprocessableContent)
            #expect(short.errorCode == "retention_too_short")
            #expect(short.errorMessage?.contains("enforce_retention") == true)

            let forced = try await client.post("/api/delta/vacuum",
                                               json: #"{"path": "orders_delta", "retention_hours": 0, "enforce_retention": false}"#)
            #expect(forced.status == .ok, "\(forced.text)")
            #expect(int(try forced.json()["num_files_deleted"]) == 0)
            let bad = try await client.post("/api/delta/vacuum", json: #"{"path": "orders_delta", "retention_hours": "a week"}"#)
            #expect(bad.status == .badRequest)
        }
    }

    @Test("restore to version 0 commits version 2 holding version 0's rows")
    func restore() async throws {
        try await withServer(testOptions()) { client, _ in
            let response = try await client.post("/api/delta/restore", json: #"{"path": "orders_delta", "version": 0}"#)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect(int(body["version"]) == 2)
            #expect(int(body["restored_version"]) == 0)
            #expect(int(body["num_removed_files"]) == 1)
            #expect(int(body["num_restored_files"]) == 0)
            let count = try await client.post("/api/delta/read", json: #"{"path": "orders_delta", "sql": "SELECT count(*) AS n FROM t"}"#).json()
            #expect(int((count["rows"] as? [[Any]])?.first?.first) == 50)
            #expect(int(count["version"]) == 2)

            let neither = try await client.post("/api/delta/restore", json: #"{"path": "orders_delta"}"#)
            #expect(neither.status == .badRequest)
            #expect(neither.errorCode == "missing_version")
            let tooNew = try await client.post("/api/delta/restore", json: #"{"path": "orders_delta", "version": 9}"#)
            #expect(tooNew.status == .notFound)
            let noTable = try await client.post("/api/delta/restore", json: #"{"path": "nothing_here", "version": 0}"#)
            #expect(noTable.status == .notFound)
        }
    }
}
