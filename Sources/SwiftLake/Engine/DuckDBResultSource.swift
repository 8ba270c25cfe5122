import DuckDB
import Foundation

/// A DuckDB query result read chunk by chunk on an engine thread: the ``ResultSource`` of the
/// embedded engine. It owns a pooled connection until the result ends or it is closed, and
/// its ``Deadline`` interrupts the query when it outlives the query timeout.
final class DuckDBResultSource: ResultSource, @unchecked Sendable {
    private let connection: Connection
    private let pool: ConnectionPool
    private let deadline: Deadline
    private let lock = NSLock()
    private var result: QueryResult?
    private var fetching = false
    private var closed = false
    private var released = false

    /// The result's columns.
    let columns: [ResultColumn]

    init(connection: Connection, pool: ConnectionPool, result: QueryResult, deadline: Deadline) {
        self.connection = connection
        self.pool = pool
        self.result = result
        self.deadline = deadline
        self.columns = result.columns.map(ResultColumn.init)
    }

    deinit {
        deadline.cancel()
        // Nothing can be fetching (a fetch keeps the source alive); drop the result before
        // the connection goes back to the pool.
        if !released {
            result = nil
            pool.release(connection)
        }
    }

    func fetch(rows: Int, columnar: Bool) async throws -> [RowBatch] {
        try await BlockingExecutor.run { [self] in try fetchHere(rows: rows, columnar: columnar) }
    }

    /// ``fetch(rows:columnar:)`` on the calling thread, which must be an engine thread.
    func fetchHere(rows wanted: Int, columnar: Bool) throws -> [RowBatch] {
        let proceed = lock.withLock { () -> Bool in
            if closed || released { return false }
            fetching = true
            return true
        }
        guard proceed else { return [] }
        defer {
            let done = lock.withLock { () -> Bool in
                fetching = false
                return closed
            }
            if done { release() }
        }
        var batches: [RowBatch] = []
        var count = 0
        do {
            while count < max(1, wanted) {
                let batch: RowBatch
                if columnar {
                    guard let chunk = try result?.nextRawChunk() else { end(); break }
                    batch = RowBatch(chunk: chunk, count: chunk.count)
                } else {
                    guard let chunk = try result?.nextChunk() else { end(); break }
                    batch = RowBatch(columns: chunk.columns, count: chunk.count)
                }
                if batch.count == 0 { continue }
                batches.append(batch)
                count += batch.count
            }
        } catch let error as DuckDBError {
            end()
            throw SwiftLakeError(error, timeout: deadline.fired ? deadline.timeout : nil)
        }
        return batches
    }

    func close() {
        let inFlight = lock.withLock { () -> Bool in
            closed = true
            return fetching
        }
        deadline.cancel()
        if inFlight {
            connection.interrupt()   // the fetch returns, sees `closed`, and releases
        } else {
            release()
        }
    }

    var progress: Double? {
        lock.withLock { released } ? nil : connection.progress?.percentage
    }

    /// The result has ended (or failed): stop the clock; the fetch's exit releases.
    private func end() {
        lock.withLock { closed = true }
        deadline.cancel()
    }

    /// Drops the result and returns the connection to the pool, once.
    private func release() {
        let release = lock.withLock { () -> Bool in
            if released { return false }
            released = true
            result = nil
            return true
        }
        if release { pool.release(connection) }
    }
}
