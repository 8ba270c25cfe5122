import Foundation
import HummingbirdTesting
import Logging
import SwiftLake
import SwiftLakeServer
import Testing

/// Keeps every message logged through it.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    var messages: [String] { lock.withLock { recorded } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { recorded.append(event.message.description) }
    }
}

@Suite struct RequestLogTests {
    @Test func oneLinePerRequestWithMethodPathStatusAndTime() async throws {
        let lake = try await SampleLake.make()
        defer { lake.remove() }
        let handler = RecordingLogHandler()
        let logger = Logger(label: "swiftlake-request-log-test") { _ in handler }
        let app = try buildApplication(lakehouse: lake.lakehouse, options: testOptions(), logger: logger)
        try await app.test(.router) { client in
            _ = try await client.post("/api/parquet/query", json: #"{"paths": ["sales.parquet"], "limit": 3}"#)
            _ = try await client.post("/api/parquet/query", json: #"{"paths": ["missing.parquet"]}"#)
            _ = try await client.get("/nowhere")
        }
        let lines = handler.messages
        let queries = lines.filter { $0.hasPrefix("POST /api/parquet/query ") }
        #expect(queries.count == 2, "\(lines)")
        #expect(queries.first?.range(of: #"^POST /api/parquet/query 200 [0-9.]+ ms$"#, options: .regularExpression) != nil, "\(queries)")
        #expect(queries.last?.range(of: #"^POST /api/parquet/query 404 [0-9.]+ ms$"#, options: .regularExpression) != nil, "\(queries)")
        #expect(lines.contains { $0.hasPrefix("GET /nowhere 404 ") })
    }
}
