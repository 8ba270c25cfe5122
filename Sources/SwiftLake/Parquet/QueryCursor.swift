import DuckDB
import Foundation

/// An open query whose rows are fetched batch by batch, so results of any size stream to
/// the client without being held in memory whole.
///
/// The cursor applies the row limit: it stops after `limit` rows and reports `truncated`
/// when more rows existed. Its rows come from one engine's ``ResultSource`` (DuckDB's result
/// on a pooled connection, or a Spark Connect stream), which it holds until the result is
/// exhausted or the cursor is closed; a cursor that is dropped early stops its query. Use it
/// from one task at a time.
public final class QueryCursor: @unchecked Sendable {
    /// The result's columns.
    public let columns: [ResultColumn]
    /// The engine that runs the query (`"duckdb"` or `"spark"`).
    public let engine: String

    private let source: any ResultSource
    private let lock = NSLock()
    private var pending: [RowBatch] = []
    private var remaining: Int
    private var rows = 0
    private var wasTruncated = false
    private var finished = false
    private let started: ContinuousClock.Instant
    private var finishedAt: ContinuousClock.Instant?

    private var deliversChunks = false

    /// Whether later batches are delivered columnar, as DuckDB chunks (``RowBatch/chunk``)
    /// rather than decoded ``Value``s, for encoders that copy whole columns (Arrow). Off by
    /// default; the batch fetched when the cursor opened is always decoded. Engines without
    /// such chunks (Spark) deliver decoded batches either way.
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

    /// Opens a cursor on DuckDB: runs `setup` (statements that prepare table `t`), checks that
    /// `statement` is a single read-only query, starts it and fetches its first batch, so that
    /// errors surface here rather than in the middle of a streamed response. `progress` hears
    /// about that first fetch (where aggregates and sorts do all their work).
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
            let first = try await BlockingExecutor.run { () -> (DuckDBResultSource, [RowBatch]) in
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
                let opened = DuckDBResultSource(connection: connection, pool: pool, result: result, deadline: deadline)
                do {
                    return (opened, try opened.fetchHere(rows: 1, columnar: false))
                } catch {
                    opened.close()   // the source owns the connection now, and releases it
                    throw SourceReleased(underlying: error)
                }
            }
            return QueryCursor(source: first.0, columns: first.0.columns, engine: DuckDBEngine.name, first: first.1,
                               limit: limit, started: started)
        } catch {
            // Once the source exists it owns the connection (and has released it on failure);
            // otherwise nothing owns it yet.
            deadline.cancel()
            if let error = error as? SourceReleased { throw error.underlying }
            pool.release(connection)
            if let error = error as? DuckDBError { throw SwiftLakeError(error, timeout: deadline.fired ? timeout : nil) }
            throw error
        }
    }

    /// A cursor over `source`, whose first batches (`first`, already fetched) start the result.
    init(source: any ResultSource, columns: [ResultColumn], engine: String, first: [RowBatch], limit: Int,
         started: ContinuousClock.Instant) {
        self.source = source
        self.columns = columns
        self.engine = engine
        self.remaining = max(0, limit)
        self.started = started
        if first.isEmpty {
            markFinished(truncated: false)
        } else {
            pending = admit(first)
        }
    }

    deinit {
        source.close()
    }

    /// The next batch of rows, or `nil` when the result (or the limit) is exhausted.
    public func next() async throws -> RowBatch? {
        if let batch = lock.withLock({ pending.isEmpty ? nil : pending.removeFirst() }) {
            return batch
        }
        let fetched = try await fetch(rows: 1)
        if fetched.count > 1 { lock.withLock { pending.append(contentsOf: fetched.dropFirst()) } }
        return fetched.first
    }

    /// The next batches, together holding at least `rows` rows unless the result (or the
    /// limit) ends first; empty when it has ended. One trip to the engine fetches them all, so
    /// a large result costs one thread hop per `rows` rows rather than per batch (DuckDB's
    /// batches hold 2,048 rows).
    public func nextBatches(rows: Int) async throws -> [RowBatch] {
        let batches = lock.withLock { () -> [RowBatch] in defer { pending = [] }; return pending }
        let have = batches.reduce(0) { $0 + $1.count }
        if have >= rows { return batches }
        return try await batches + fetch(rows: rows - have)
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

    /// Stops the query early and releases what it holds (a DuckDB connection, a Spark stream).
    public func close() {
        lock.withLock { finished = true }
        source.close()
    }

    /// The progress the engine reports for the running query (0–100), if known.
    public var progress: Double? {
        lock.withLock { finished } ? nil : source.progress
    }

    /// Fetches from the source, at most one batch beyond the limit (to learn whether the
    /// limit cut the result short).
    private func fetch(rows wanted: Int) async throws -> [RowBatch] {
        let (done, allowed, columnar) = lock.withLock { (finished, remaining, deliversChunks) }
        if done { return [] }
        let fetched: [RowBatch]
        do {
            fetched = try await source.fetch(rows: min(wanted, allowed + 1), columnar: columnar)
        } catch {
            markFinished(truncated: false)
            source.close()
            throw error
        }
        if fetched.isEmpty {
            markFinished(truncated: false)
            return []
        }
        return admit(fetched)
    }

    /// The part of `batches` the limit lets through; marks the cursor finished (and closes
    /// the source) when the limit cuts it.
    private func admit(_ batches: [RowBatch]) -> [RowBatch] {
        var admitted: [RowBatch] = []
        var cut = false
        lock.withLock {
            for batch in batches where batch.count > 0 {
                if remaining == 0 { cut = true; break }
                let delivered = batch.prefix(remaining)
                admitted.append(delivered)
                remaining -= delivered.count
                rows += delivered.count
                if delivered.count < batch.count { cut = true; break }
            }
        }
        if cut {
            markFinished(truncated: true)
            source.close()
        }
        return admitted
    }

    private func markFinished(truncated: Bool) {
        lock.withLock {
            finished = true
            wasTruncated = wasTruncated || truncated
            finishedAt = finishedAt ?? ContinuousClock.now
        }
    }
}

/// An error thrown after the result source already gave its connection back.
private struct SourceReleased: Error {
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
