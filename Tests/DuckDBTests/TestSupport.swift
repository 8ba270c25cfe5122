import Dispatch
import Foundation
import Testing

@testable import DuckDB

/// A connection to a fresh in-memory database, with timestamps rendered in UTC.
func memoryConnection() throws -> Connection {
    let connection = try Database().connect()
    try connection.execute("SET TimeZone = 'UTC'")
    return connection
}

/// The single value of a one-row, one-column query.
func scalar(_ connection: Connection, _ sql: String, _ parameters: [Value] = []) throws -> Value {
    let rows = try connection.query(sql, parameters: parameters).rows()
    #expect(rows.count == 1)
    return rows.first?.first ?? .null
}

/// A scratch directory removed when the test ends.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("duckdb-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Runs work on another thread and lets the test wait for its outcome.
final class BackgroundWork<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: Result<T, any Error>?

    init(_ body: @escaping @Sendable () throws -> T) {
        Thread.detachNewThread { [self] in
            let result = Result { try body() }
            lock.lock()
            outcome = result
            lock.unlock()
        }
    }

    /// The outcome, or `nil` if the work did not finish within `seconds`. Polls rather than
    /// blocks, so a waiting test holds none of Swift's few cooperative threads.
    func wait(seconds: Double) async -> Result<T, any Error>? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let outcome = finishedOutcome { return outcome }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return finishedOutcome
    }

    private var finishedOutcome: Result<T, any Error>? {
        lock.lock()
        defer { lock.unlock() }
        return outcome
    }

    var isFinished: Bool {
        lock.lock()
        defer { lock.unlock() }
        return outcome != nil
    }
}

/// A query that runs for minutes unless interrupted (the filter keeps DuckDB from shortcutting the join).
let endlessQuery = "SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = -1"
