import Foundation
import HummingbirdTesting
import SwiftLake
import SwiftLakeServer
import Testing

@Suite struct MetricsTests {
    @Test func metricsCountRequestsRowsAndErrors() async throws {
        try await withServer(testOptions()) { client, _ in
            _ = try await client.query(#"{"paths": ["sales.parquet"], "columns": ["id"], "limit": 25}"#)
            _ = try await client.query(#"{"paths": ["sales.parquet"], "columns": ["id"], "limit": 5}"#)
            _ = try await client.post("/api/parquet/query", json: #"{"paths": ["missing.parquet"]}"#)
            _ = try await client.get("/health")

            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = response.text
            #expect(text.contains(#"swiftlake_http_requests_total{method="POST",route="/api/parquet/query",status="200"} 2"#), "\(text)")
            #expect(text.contains(#"swiftlake_http_requests_total{method="POST",route="/api/parquet/query",status="404"} 1"#))
            #expect(text.contains(#"swiftlake_http_requests_total{method="GET",route="/health",status="200"} 1"#))
            #expect(text.contains(#"swiftlake_query_rows_returned_total{route="/api/parquet/query"} 30"#))
            #expect(text.contains(#"swiftlake_errors_total{code="file_not_found"} 1"#))
            #expect(text.contains("swiftlake_http_request_duration_seconds_bucket"))
            #expect(text.contains("swiftlake_http_requests_in_flight"))
        }
    }

    @Test func eachApplicationHasItsOwnRegistry() async throws {
        try await withServer(testOptions()) { client, _ in
            let text = try await client.get("/metrics").text
            #expect(!text.contains(#"route="/api/parquet/query""#))
        }
    }
}
