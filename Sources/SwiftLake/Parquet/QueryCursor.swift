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
    private let result: QueryResult
    private let lock = NSLock()
    private var pending: RowBatch?
    private var remaining: Int
    private var rows = 0
    private var wasTruncated = false
    private var finished = false
    private let started: ContinuousClock.Instant
    private var finishedAt: ContinuousClock.Instant?
    private let deadline: Deadline

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
    /// surface here rather than in the middle of a streamed response.
    static func open(engine: DuckDBEngine, setup: String, statement: String, limit: Int) async throws -> QueryCursor {
        let started = ContinuousClock.now
        let timeout = engine.configuration.queryTimeout
        do {
            return try await BlockingExecutor.run { [database = engine.database] in
                let connection = try database.connect()
                let deadline = Deadline(connection: connection, timeout: timeout)
                do {
                    try connection.execute(setup)
                    let prepared = try ReadOnlyStatement.prepare(statement, on: connection)
                    let result = try prepared.execute()
                    let cursor = QueryCursor(connection: connection, result: result, limit: limit,
                                             started: started, deadline: deadline)
                    try cursor.prefetch()
                    return cursor
                } catch let error as DuckDBError {
                    deadline.cancel()
                    throw SwiftLakeError(error, timeout: deadline.fired ? timeout : nil)
                } catch {
                    deadline.cancel()
                    throw error
                }
            }
        } catch let error as DuckDBError {
            throw SwiftLakeError(error)
        }
    }

    private init(connection: Connection, result: QueryResult, limit: Int, started: ContinuousClock.Instant, deadline: Deadline) {
        self.connection = connection
        self.result = result
        self.columns = result.columns.map(ResultColumn.init)
        self.engine = DuckDBEngine.name
        self.remaining = max(0, limit)
        self.started = started
        self.deadline = deadline
    }

    deinit {
        deadline.cancel()
        if !finished { connection.interrupt() }
    }

    /// The next batch of rows, or `nil` when the result (or the limit) is exhausted.
    public func next() async throws -> RowBatch? {
        if let batch = lock.withLock({ () -> RowBatch? in defer { pending = nil }; return pending }) {
            return batch
        }
        if lock.withLock({ finished }) { return nil }
        return try await BlockingExecutor.run { [self] in try fetch() }
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

    /// Stops the query early and releases the connection.
    public func close() {
        let wasFinished = lock.withLock { () -> Bool in defer { finished = true }; return finished }
        deadline.cancel()
        if !wasFinished { connection.interrupt() }
    }

    /// The progress DuckDB reports for the running query (0–100), if known.
    public var progress: Double? { connection.progress?.percentage }

    private func prefetch() throws {
        let batch = try fetch()
        lock.withLock { pending = batch }
    }

    /// Fetches one batch on the calling (engine) thread, applying the limit.
    private func fetch() throws -> RowBatch? {
        if lock.withLock({ finished }) { return nil }
        do {
            while true {
                guard let chunk = try result.nextChunk() else {
                    markFinished(truncated: false)
                    return nil
                }
                if chunk.count == 0 { continue }
                let batch = RowBatch(columns: chunk.columns, count: chunk.count)
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
            finishedAt = ContinuousClock.now
        }
        deadline.cancel()
    }
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
    var milliseconds: Double { timeInterval * 1000 }
}
