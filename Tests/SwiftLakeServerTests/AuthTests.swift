import Foundation
import HummingbirdTesting
import Logging
import SwiftLake
import SwiftLakeServer
import Testing

@Suite struct AuthTests {
    static let token = "s3cret-token"

    @Test func tokenIsRequiredWhenConfigured() async throws {
        try await withServer(testOptions { $0.authToken = Self.token }) { client, lake in
            let query = #"{"paths": ["sales.parquet"], "sql": "SELECT 1 AS one FROM t LIMIT 1"}"#
            let none = try await client.post("/api/parquet/query", json: query)
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "unauthorized")
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)

            let wrong = try await client.post("/api/parquet/query", json: query, headers: [.authorization: "Bearer nope"])
            #expect(wrong.status == .unauthorized)
            let basic = try await client.post("/api/parquet/query", json: query, headers: [.authorization: "Basic \(Self.token)"])
            #expect(basic.status == .unauthorized)

            let right = try await client.post("/api/parquet/query", json: query, headers: [.authorization: "Bearer \(Self.token)"])
            #expect(right.status == .ok)

            #expect(try await client.get("/metrics").status == .unauthorized)
            #expect(try await client.get("/metrics", headers: [.authorization: "Bearer \(Self.token)"]).status == .ok)
            // Unknown routes do not reveal themselves without the token.
            #expect(try await client.get("/api/unknown").status == .unauthorized)

            // Health needs no token, but shows the roots only with it.
            let health = try await client.get("/health")
            #expect(health.status == .ok)
            #expect(try health.json()["roots"] == nil)
            let authorised = try await client.get("/api/health", headers: [.authorization: "bearer \(Self.token)"])
            #expect(try authorised.json()["roots"] as? [String] == [lake.root])

            // The documentation is public so Swagger UI can load.
            #expect(try await client.get("/docs").status == .ok)
            #expect(try await client.get("/openapi.json").status == .ok)
        }
    }

    @Test func nonLoopbackHostNeedsAToken() async throws {
        let lake = try await SampleLake.make()
        defer { lake.remove() }
        let logger = Logger(label: "test")
        for host in ["0.0.0.0", "192.168.1.10", "::", "example.com"] {
            var options = testOptions()
            options.host = host
            #expect(throws: SwiftLakeError.self, "\(host)") {
                _ = try buildApplication(lakehouse: lake.lakehouse, options: options, logger: logger)
            }
            options.authToken = Self.token
            _ = try buildApplication(lakehouse: lake.lakehouse, options: options, logger: logger)
        }
        for host in ["127.0.0.1", "localhost", "::1", "127.0.0.2"] {
            var options = testOptions()
            options.host = host
            _ = try buildApplication(lakehouse: lake.lakehouse, options: options, logger: logger)
        }
    }
}
