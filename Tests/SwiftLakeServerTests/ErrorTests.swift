import Foundation
import HummingbirdTesting
import SwiftLake
import SwiftLakeServer
import Testing

@Suite struct ErrorTests {
    /// A query that must still work after an error.
    static let healthyQuery = #"{"paths": ["sales.parquet"], "sql": "SELECT count(*) AS n FROM t"}"#

    private func expectStillServing(_ client: any TestClientProtocol) async throws {
        let body = try await client.query(Self.healthyQuery)
        #expect(int((body["rows"] as? [[Any]])?.first?.first) == 10000)
    }

    @Test func malformedJSON() async throws {
        try await withServer(testOptions()) { client, _ in
            let response = try await client.post("/api/parquet/query", json: #"{"paths": ["sales.parquet"],"#)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.errorCode == "invalid_request_body")
            #expect(response.errorMessage?.hasPrefix("request body is not valid JSON") == true)
            #expect(response.text.hasPrefix(#"{"error":{"code":"invalid_request_body","message":"#))
            try await expectStillServing(client)
        }
    }

    @Test func emptyBodyAndNonObjectBody() async throws {
        try await withServer(testOptions()) { client, _ in
            let empty = try await client.post("/api/parquet/query", json: "")
            #expect(empty.status == .badRequest)
            #expect(empty.errorCode == "empty_body")
            let array = try await client.post("/api/parquet/query", json: "[1, 2]")
            #expect(array.status == .badRequest)
            #expect(array.errorMessage?.contains("must be a JSON object") == true)
        }
    }

    @Test func missingAndMistypedFieldsAreNamed() async throws {
        try await withServer(testOptions()) { client, _ in
            let missing = try await client.post("/api/parquet/metadata", json: "{}")
            #expect(missing.status == .badRequest)
            #expect(missing.errorMessage?.hasPrefix("missing required field 'path'") == true)

            let missingOutput = try await client.post("/api/parquet/merge", json: #"{"paths": ["batches/"]}"#)
            #expect(missingOutput.status == .badRequest)
            #expect(missingOutput.errorMessage?.hasPrefix("missing required field 'output'") == true)

            let noPaths = try await client.post("/api/parquet/query", json: #"{"sql": "SELECT 1"}"#)
            #expect(noPaths.status == .badRequest)
            #expect(noPaths.errorMessage?.contains("paths") == true)

            let limit = try await client.post("/api/parquet/query", json: #"{"paths": ["sales.parquet"], "limit": "ten"}"#)
            #expect(limit.status == .badRequest)
            #expect(limit.errorMessage == "field 'limit' must be an integer.")

            let paths = try await client.post("/api/parquet/query", json: #"{"paths": 5}"#)
            #expect(paths.status == .badRequest)
            #expect(paths.errorMessage?.hasPrefix("field 'paths' must be a list of strings") == true)

            let updates = try await client.post("/api/parquet/modify", json: #"{"path": "sales.parquet", "updates": {"price": 5}}"#)
            #expect(updates.status == .badRequest)
            #expect(updates.errorMessage?.hasPrefix("field 'updates.price' must be a string") == true)

            let format = try await client.post("/api/parquet/query", json: #"{"paths": ["sales.parquet"], "format": "xml"}"#)
            #expect(format.status == .badRequest)
            #expect(format.errorCode == "unknown_format")
            try await expectStillServing(client)
        }
    }

    @Test func missingFileIs404() async throws {
        try await withServer(testOptions()) { client, _ in
            let response = try await client.post("/api/parquet/query", json: #"{"paths": ["missing.parquet"]}"#)
            #expect(response.status == .notFound)
            #expect(response.errorCode == "file_not_found")
            let metadata = try await client.post("/api/parquet/metadata", json: #"{"path": "nope/x.parquet"}"#)
            #expect(metadata.status == .notFound)
            try await expectStillServing(client)
        }
    }

    @Test func corruptParquetIs422() async throws {
        try await withServer(testOptions()) { client, lake in
            try Data("this is not parquet at all, just some bytes".utf8).write(to: URL(fileURLWithPath: lake.path("x.parquet")))
            let query = try await client.post("/api/parquet/query", json: #"{"paths": ["x.parquet"]}"#)
            #expect(query.status == .unprocessableContent, "\(query.text)")
            #expect(query.errorCode == "corrupt_parquet")
            let metadata = try await client.post("/api/parquet/metadata", json: #"{"path": "x.parquet"}"#)
            #expect(metadata.status == .unprocessableContent, "\(metadata.text)")
            try await expectStillServing(client)
        }
    }

    @Test func sqlErrorsAre400() async throws {
        try await withServer(testOptions()) { client, _ in
            let syntax = try await client.post("/api/parquet/query", json: #"{"paths": ["sales.parquet"], "sql": "SELEC * FROM t"}"#)
            #expect(syntax.status == .badRequest)
            #expect(syntax.errorCode == "sql_syntax_error")
            let column = try await client.post("/api/parquet/query", json: #"{"paths": ["sales.parquet"], "sql": "SELECT nope FROM t"}"#)
            #expect(column.status == .badRequest)
            try await expectStillServing(client)
        }
    }

    @Test func pathsOutsideTheRootsAre403() async throws {
        try await withServer(testOptions()) { client, lake in
            for path in ["../outside.parquet", "../../etc/passwd", "/etc/passwd", "events/../../x.parquet"] {
                let response = try await client.post("/api/parquet/query", json: #"{"paths": ["\#(path)"]}"#)
                #expect(response.status == .forbidden, "\(path): \(response.text)")
                #expect(response.errorCode == "path_outside_roots")
            }
            // A symlink inside the root that points out of it.
            let outside = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-outside-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: outside) }
            try FileManager.default.copyItem(atPath: lake.path("sales.parquet"), toPath: outside + "/secret.parquet")
            try FileManager.default.createSymbolicLink(atPath: lake.path("link.parquet"), withDestinationPath: outside + "/secret.parquet")
            try FileManager.default.createSymbolicLink(atPath: lake.path("linkdir"), withDestinationPath: outside)
            for path in ["link.parquet", "linkdir/secret.parquet"] {
                let response = try await client.post("/api/parquet/query", json: #"{"paths": ["\#(path)"]}"#)
                #expect(response.status == .forbidden, "\(path): \(response.text)")
            }
            let metadata = try await client.post("/api/parquet/metadata", json: #"{"path": "link.parquet"}"#)
            #expect(metadata.status == .forbidden)
            let output = try await client.post("/api/parquet/modify", json: #"{"path": "sales.parquet", "output": "../escape.parquet", "delete_where": "id > 1"}"#)
            #expect(output.status == .forbidden)
            try await expectStillServing(client)
        }
    }

    @Test(arguments: [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_parquet('/etc/hostname')",
        "COPY t TO '/tmp/swiftlake-escape.csv'",
        "COPY (SELECT * FROM t) TO '/tmp/swiftlake-escape.parquet' (FORMAT parquet)",
        "ATTACH '/tmp/swiftlake-escape.db' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET threads = 1",
        "SET enable_external_access = true",
        "SELECT 1; SELECT 2",
        "SELECT count(*) FROM t; DROP VIEW t",
        "CREATE TABLE x AS SELECT * FROM t",
    ])
    func sandboxEscapesAreRefused(sql: String) async throws {
        try await withServer(testOptions()) { client, _ in
            let escaped = sql.replacingOccurrences(of: "\"", with: "\\\"")
            let response = try await client.post("/api/parquet/query", json: #"{"paths": ["sales.parquet"], "sql": "\#(escaped)"}"#)
            #expect(response.status == .badRequest || response.status == .forbidden, "\(sql): \(response.status) \(response.text)")
            #expect(response.errorCode != nil)
            #expect(!FileManager.default.fileExists(atPath: "/tmp/swiftlake-escape.csv"))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/swiftlake-escape.parquet"))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/swiftlake-escape.db"))
            try await expectStillServing(client)
        }
    }

    @Test func bodyTooLargeIs413() async throws {
        try await withServer(testOptions { $0.maxBodyBytes = 256 }) { client, _ in
            let big = #"{"paths": ["sales.parquet"], "sql": "SELECT count(*) FROM t WHERE region <> '\#(String(repeating: "x", count: 400))'"}"#
            let response = try await client.post("/api/parquet/query", json: big)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "body_too_large")
            try await expectStillServing(client)
        }
    }

    @Test func unknownRouteIs404AndWrongMethodIs405() async throws {
        try await withServer(testOptions()) { client, _ in
            let unknown = try await client.get("/api/nothing/here")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "application/json")
            #expect(unknown.errorCode == "route_not_found")

            let wrongMethod = try await client.get("/api/parquet/query")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "POST")
            #expect(wrongMethod.errorCode == "method_not_allowed")

            let postHealth = try await client.post("/health", json: "{}")
            #expect(postHealth.status == .methodNotAllowed)
            #expect(postHealth.headers[.allow] == "GET")
            try await expectStillServing(client)
        }
    }

    @Test func sparkEngineIsUnavailable() async throws {
        try await withServer(testOptions()) { client, _ in
            let response = try await client.post("/api/parquet/query", json: #"{"paths": ["sales.parquet"], "engine": "spark"}"#)
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "engine_unavailable")
        }
    }
}
