import DuckDB
import Foundation

/// An open query whose rows are fetched batch by batch, so results of any size stream to
/// the client without being held in memory whole.
///
/// The cursor applies the row limit: it stops after `limit` rows and reports `truncated`
/// when more rows existed. It owns its engine connection until it is exhausted or closed; a
/// cursor that is dropped early interrupts its query. Use it from one task at a time.
public final class QueryCursor: @unchecked Sendable {
    /// The result's columns.
    public let columns: [ResultColumn]
    /// The engine that runs the query (`"duckdb"`).
    public let engine: String

    private let connection: Connection
    private let pool: ConnectionPool
    private let lock = NSLock()
    private var result: QueryResult?
    private var pending: RowBatch?
    private var remaining: Int
    private var rows = 0
    private var wasTruncated = false
    private var finished = false
    private var fetching = false
    private var released = false
    private let started: ContinuousClock.Instant
    private var finishedAt: ContinuousClock.Instant?
    private let deadline: Deadline

    private var deliversChunks = false

    /// Whether later batches are delivered columnar, as DuckDB chunks (``RowBatch/chunk``)
    /// rather than decoded ``Value``s, for encoders that copy whole columns (Arrow). Off by
    /// default; the batch fetched when the cursor opened is always decoded.
    public var columnar: Bool {
        get { lock.withLock { deliversChunks } }
        set { lock.withLock { deliversChunks = newValue } }
    }

    /// Rows delivered so far.
    public var rowCount: Int { lock.withLock { rows } }
    /// Whether the limit cut the result short.
    public var truncated: Bool { lock.withLock { wasTruncated } }
    /// Milliseconds from the start of the query to now, or to its last row.
    public var elapsedMilliseconds: Double {
        let end = lock.withLock { finishedAt } ?? ContinuousClock.now
        return (end - started).milliseconds
    }

    /// Opens a cursor: runs `setup` (statements that prepare table `t`), checks that `statement`
    /// is a single read-only query, starts it and fetches its first batch, so that errors
    /// surface here rather than in the middle of a streamed response. `progress` hears about
    /// that first fetch (where aggregates and sorts do all their work).
    ///
    /// `parquetFiles` lists the files `t` reads that may be rewritten in place (see
    /// ``DuckDBEngine/withConnection(parquetFiles:progress:_:)``).
    static func open(engine: DuckDBEngine, setup: TableDefinition, statement: String, limit: Int,
                     parquetFiles: [String], progress: ProgressHandler? = nil) async throws -> QueryCursor {
        let started = ContinuousClock.now
        let timeout = engine.configuration.queryTimeout
        let pool = engine.pool
        let connection = await engine.acquire(parquetFiles: parquetFiles)
        let deadline = Deadline(connection: connection, timeout: timeout)
        do {
            return try await BlockingExecutor.run {
                let reporter = progress.map { ProgressReporter(connection: connection, handler: $0) }
                defer { reporter?.stop() }
                try engine.defineTable(setup, on: connection)
                let prepared: PreparedStatement
                do {
                    prepared = try ReadOnlyStatement.prepare(statement, on: connection)
                } catch let error as DuckDBError where error.message.contains("Contents of view were altered") {
                    // The files changed their schema since `t` was defined on this connection.
                    try engine.defineTable(setup, on: connection, force: true)
                    prepared = try ReadOnlyStatement.prepare(statement, on: connection)
                }
                let result = try prepared.execute()
                let cursor = QueryCursor(connection: connection, pool: pool, result: result, limit: limit,
                                         started: started, deadline: deadline)
                try cursor.prefetch()
                return cursor
            }
        } catch {
            // A cursor that failed in prefetch has released the connection itself; otherwise
            // nothing owns it yet.
            deadline.cancel()
            if !(error is CursorReleased) {
                pool.release(connection)
            }
            if let error = error as? CursorReleased { throw error.underlying }
            if let error = error as? DuckDBError { throw SwiftLakeError(error, timeout: deadline.fired ? timeout : nil) }
            throw error
        }
    }

    private init(connection: Connection, pool: ConnectionPool, result: QueryResult, limit: Int,
                 started: ContinuousClock.Instant, deadline: Deadline) {
        self.connection = connection
        self.pool = pool
        self.result = result
        self.columns = result.columns.map(ResultColumn.init)
        self.engine = DuckDBEngine.name
        self.remaining = max(0, limit)
        self.started = started
        self.deadline = deadline
    }

    deinit {
        deadline.cancel()
        // Nothing can be fetching (a fetch keeps the cursor alive); drop the result before
        // the connection goes back to the pool.
        if !released {
            result = nil
            pool.release(connection)
        }
    }

    /// The next batch of rows, or `nil` when the result (or the limit) is exhausted.
    public func next() async throws -> RowBatch? {
        if let batch = lock.withLock({ () -> RowBatch? in defer { pending = nil }; return pending }) {
            return batch
        }
        if lock.withLock({ finished }) { return nil }
        return try await BlockingExecutor.run { [self] in try fetch() }
    }

    /// The next batches, together holding at least `rows` rows unless the result (or the
    /// limit) ends first; empty when it has ended. One trip to the engine thread fetches them
    /// all, so a large result costs one thread hop per `rows` rows rather than per batch
    /// (DuckDB's batches hold 2,048 rows).
    public func nextBatches(rows: Int) async throws -> [RowBatch] {
        var batches: [RowBatch] = []
        if let batch = lock.withLock({ () -> RowBatch? in defer { pending = nil }; return pending }) {
            batches.append(batch)
            if batch.count >= rows { return batches }
        }
        if lock.withLock({ finished }) { return batches }
        let wanted = rows - (batches.first?.count ?? 0)
        return try await batches + BlockingExecutor.run { [self] in
            var fetched: [RowBatch] = []
            var count = 0
            while count < wanted, let batch = try fetch() {
                fetched.append(batch)
                count += batch.count
            }
            return fetched
        }
    }

    /// Reads every remaining batch into memory.
    public func collect() async throws -> QueryResultSet {
        var rows: [[Value]] = []
        while let batch = try await next() {
            for r in 0..<batch.count { rows.append(batch.row(r)) }
        }
        return QueryResultSet(columns: columns, rows: rows, rowCount: rowCount, truncated: truncated,
                              engine: engine, elapsedMilliseconds: elapsedMilliseconds)
    }

    /// Stops the query early and gives its connection back.
    public func close() {
        let inFlight = lock.withLock { () -> Bool in
            finished = true
            return fetching
        }
        deadline.cancel()
        if inFlight {
            connection.interrupt()   // the fetch returns, sees `finished`, and releases
        } else {
            releaseConnection()
        }
    }

    /// The progress DuckDB reports for the running query (0–100), if known.
    public var progress: Double? {
        lock.withLock { released } ? nil : connection.progress?.percentage
    }

    private func prefetch() throws {
        do {
            let batch = try fetch()
            lock.withLock { pending = batch }
        } catch {
            throw CursorReleased(underlying: error)
        }
    }

    /// Fetches one batch on the calling (engine) thread, applying the limit.
    private func fetch() throws -> RowBatch? {
        let proceed = lock.withLock { () -> Bool in
            if finished || released { return false }
            fetching = true
            return true
        }
        guard proceed else { return nil }
        defer {
            let done = lock.withLock { () -> Bool in
                fetching = false
                return finished
            }
            if done { releaseConnection() }
        }
        do {
            while true {
                let batch: RowBatch
                if lock.withLock({ deliversChunks }) {
                    guard let chunk = try result?.nextRawChunk() else {
                        markFinished(truncated: false)
                        return nil
                    }
                    batch = RowBatch(chunk: chunk, count: chunk.count)
                } else {
                    guard let chunk = try result?.nextChunk() else {
                        markFinished(truncated: false)
                        return nil
                    }
                    if chunk.count == 0 { continue }
                    batch = RowBatch(columns: chunk.columns, count: chunk.count)
                }
                let allowed = lock.withLock { remaining }
                if allowed == 0 {
                    markFinished(truncated: true)
                    return nil
                }
                let delivered = batch.prefix(allowed)
                lock.withLock {
                    remaining -= delivered.count
                    rows += delivered.count
                }
                if delivered.count < batch.count {
                    markFinished(truncated: true)
                }
                return delivered
            }
        } catch let error as DuckDBError {
            markFinished(truncated: false)
            throw SwiftLakeError(error, timeout: deadline.fired ? deadline.timeout : nil)
        }
    }

    private func markFinished(truncated: Bool) {
        lock.withLock {
            finished = true
            wasTruncated = wasTruncated || truncated
            finishedAt = finishedAt ?? ContinuousClock.now
        }
        deadline.cancel()
    }

    /// Drops the result and returns the connection to the pool, once.
    private func releaseConnection() {
        let release = lock.withLock { () -> Bool in
            if released { return false }
            released = true
            result = nil
            return true
        }
        if release { pool.release(connection) }
    }
}

/// An error thrown after the cursor already gave its connection back.
private struct CursorReleased: Error {
    let underlying: any Error
}

/// A query result held in memory.
public struct QueryResultSet: Sendable {
    /// The result's columns.
    public var columns: [ResultColumn]
    /// The rows.
    public var rows: [[Value]]
    /// `rows.count`.
    public var rowCount: Int
    /// Whether the limit cut the result short.
    public var truncated: Bool
    /// The engine that ran the query.
    public var engine: String
    /// Time taken, in milliseconds.
    public var elapsedMilliseconds: Double
}

extension Duration {
    /// Milliseconds, rounded to the microsecond (so JSON shows `15.16`, not `15.160091000000001`).
    var milliseconds: Double { (timeInterval * 1_000_000).rounded() / 1000 }
}
