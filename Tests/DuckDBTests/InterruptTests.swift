import Foundation
import Testing

@testable import DuckDB

@Suite("Interrupts, timeouts and progress")
struct InterruptTests {
    @Test func interruptFromAnotherThreadStopsALongQuery() async throws {
        let connection = try memoryConnection()
        let work = BackgroundWork { try connection.query(endlessQuery).rows() }
        let start = Date()
        // Interrupt until the query gives up: an interrupt sent before the query starts is ignored
        // by DuckDB. The query never ends by itself, so ending at all is the interrupt's doing;
        // the bound is generous because a loaded machine may start the worker thread late.
        while !work.isFinished, Date().timeIntervalSince(start) < 120 {
            try await Task.sleep(for: .seconds(0.05))
            connection.interrupt()
        }
        let outcome = try #require(await work.wait(seconds: 5))
        let error = try #require(throws: DuckDBError.self) { try outcome.get() }
        #expect(error.code == .interrupted)
        // The connection works again afterwards.
        #expect(try scalar(connection, "SELECT 1") == .integer(1))
    }

    @Test func withTimeoutInterruptsAndSaysWhy() throws {
        let connection = try memoryConnection()
        let error = try #require(throws: DuckDBError.self) {
            try connection.withTimeout(.milliseconds(200)) { try connection.query(endlessQuery).rows() }
        }
        #expect(error.code == .interrupted)
        #expect(error.message.contains("timeout of 0.2 seconds"))
        #expect(error.sql == endlessQuery)   // the query never ends by itself: the timeout ended it
        // Fast work within the timeout is untouched, and no interrupt leaks into later queries.
        let value = try connection.withTimeout(.seconds(5)) { try scalar(connection, "SELECT 42") }
        #expect(value == .integer(42))
        #expect(try connection.withTimeout(nil) { try scalar(connection, "SELECT 1") } == .integer(1))
        Thread.sleep(forTimeInterval: 0.1)
        #expect(try connection.query("SELECT count(*) FROM range(1000000)").rows() == [[.bigint(1_000_000)]])
    }

    @Test func progressIsReadableWhileAQueryRuns() async throws {
        let connection = try memoryConnection()
        #expect(connection.progress == nil || connection.progress!.percentage >= 0)
        let work = BackgroundWork { try connection.execute("CREATE TABLE t AS " + endlessQuery) }
        var seen: QueryProgress?
        let start = Date()
        while seen == nil, Date().timeIntervalSince(start) < 30 {
            try await Task.sleep(for: .seconds(0.02))
            seen = connection.progress
        }
        while !work.isFinished, Date().timeIntervalSince(start) < 120 {
            connection.interrupt()
            try await Task.sleep(for: .seconds(0.05))
        }
        let outcome = try #require(await work.wait(seconds: 5))
        #expect(throws: DuckDBError.self) { try outcome.get() }
        let progress = try #require(seen)
        #expect(progress.percentage >= 0 && progress.percentage <= 100)
        #expect(progress.totalRowsToProcess >= progress.rowsProcessed)
    }
}
