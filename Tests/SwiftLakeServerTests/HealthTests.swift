import Foundation
import HummingbirdTesting
import SwiftLake
import SwiftLakeServer
import Testing

@Suite struct HealthTests {
    @Test func healthReportsVersionEnginesAndRoots() async throws {
        try await withServer(testOptions()) { client, lake in
            for path in ["/api/health", "/health", "/api/spark/health"] {
                let response = try await client.get(path)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let body = try response.json()
                #expect(body["status"] as? String == "ok")
                #expect(body["version"] as? String == Lakehouse.version)
                let engines = try #require(body["engines"] as? [[String: Any]])
                #expect(engines.first?["name"] as? String == "duckdb")
                #expect(engines.first?["available"] as? Bool == true)
                #expect((body["uptime_seconds"] as? NSNumber)?.doubleValue ?? -1 >= 0)
                #expect(body["roots"] as? [String] == [lake.root])
            }
        }
    }
}
