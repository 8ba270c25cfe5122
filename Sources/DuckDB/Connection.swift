import CDuckDB
import Foundation

/// A connection to a ``Database``: the place where statements run, one at a time.
///
/// ## Threading model
/// A connection, and the ``PreparedStatement``s and ``QueryResult``s made from it, may be used
/// from any thread (they are `Sendable`): each guards its C handle with the connection's lock.
/// DuckDB runs **one statement at a time per connection**, so calls from several threads are
/// serialised, not parallel; use one connection per thread (or task) for parallel work.
///
/// Results stream: rows are computed as ``QueryResult/nextChunk()`` asks for them. Starting a
/// new statement on the connection (``execute(_:)``, ``query(_:parameters:)``, ``prepare(_:)``,
/// ``PreparedStatement/execute()``, ...) first ends the previous result if it has not been read
/// to the end; reading that result afterwards throws ``DuckDBError/Code/resultInvalidated``.
///
/// ``interrupt()`` and ``progress`` never take the lock: they are safe from any thread at any
/// time, including while another thread is blocked in a query on this connection.
public final class Connection: @unchecked Sendable {
    /// The database this connection belongs to (kept alive by the connection).
    public let database: Database
    /// The `duckdb_connection` handle; immutable after `init`.
    let handle: duckdb_connection
    /// Serialises all use of the handle and of the statements and results made from it.
    /// Recursive, because ending a result or releasing a statement may happen while it is held.
    private let lock = NSRecursiveLock()
    /// The result whose statement may still be running; guarded by `lock`.
    private weak var openResult: QueryResult?

    init(database: Database, trackingProgress: Bool = true) throws {
        var connection: duckdb_connection?
        guard duckdb_connect(database.handle, &connection) == DuckDBSuccess, let connection else {
            duckdb_disconnect(&connection)
            throw DuckDBError(code: .connection, message: "Could not connect to the database")
        }
        self.database = database
        self.handle = connection
        // DuckDB only tracks `progress` with its progress bar on; keep the bar itself from printing.
        // Tracking costs a few percent on short queries, so callers that never read progress
        // can leave it off. Best effort: a database with a locked configuration keeps its own settings.
        if trackingProgress {
            var result = duckdb_result()
            _ = duckdb_query(connection, "SET enable_progress_bar_print = false; SET enable_progress_bar = true", &result)
            duckdb_destroy_result(&result)
        }
    }

    deinit {
        var connection: duckdb_connection? = handle
        duckdb_disconnect(&connection)
    }

    /// Runs `body` holding the connection's lock.
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Ends the result of the previous statement, so DuckDB accepts a new one. Call holding the lock.
    func endOpenResult() {
        openResult?.invalidate()
        openResult = nil
    }

    /// Records `result` as the connection's running result. Call holding the lock.
    func register(_ result: QueryResult) {
        openResult = result
    }

    /// Forgets `result` once it has been read to the end or has failed. Call holding the lock.
    func forget(_ result: QueryResult) {
        if openResult === result { openResult = nil }
    }

    // MARK: - Running SQL

    /// Runs `sql`, which may hold several statements separated by `;`, and discards any rows.
    ///
    /// - Throws: ``DuckDBError`` with DuckDB's message and `sql`.
    public func execute(_ sql: String) throws {
        try withLock {
            endOpenResult()
            var result = duckdb_result()
            let state = duckdb_query(handle, sql, &result)
            defer { duckdb_destroy_result(&result) }
            guard state == DuckDBSuccess else {
                throw DuckDBError(result: &result, sql: sql, fallback: .execute)
            }
        }
    }

    /// Runs `sql` with positional `parameters` (`?` or `$1`, ...) and returns its streaming result.
    ///
    /// The statement is prepared, bound and executed; rows are produced as the result is read.
    /// When `sql` holds several statements, all but the last run first (their rows are
    /// discarded) and the result is the last one's; parameters are then not allowed.
    ///
    /// - Throws: ``DuckDBError`` carrying DuckDB's message and `sql`.
    public func query(_ sql: String, parameters: [Value] = []) throws -> QueryResult {
        try withLock {
            endOpenResult()
            let extracted = try ExtractedStatements(connection: self, sql: sql)
            guard extracted.count > 0 else {
                throw DuckDBError(code: .invalidInput, message: "No SQL statement to run", sql: sql)
            }
            if extracted.count > 1, !parameters.isEmpty {
                throw DuckDBError(
                    code: .bind, message: "Parameters can only be bound to SQL holding a single statement", sql: sql)
            }
            for index in 0..<(extracted.count - 1) {
                try extracted.prepare(index).execute().finish()
            }
            let statement = try extracted.prepare(extracted.count - 1)
            if !parameters.isEmpty || statement.parameterCount > 0 {
                try statement.bind(parameters)
            }
            return try statement.execute()
        }
    }

    /// Prepares a single statement for repeated execution with different parameters.
    ///
    /// - Throws: ``DuckDBError`` (usually ``DuckDBError/Code/parser``, ``DuckDBError/Code/catalog`` or
    ///   ``DuckDBError/Code/binder``) with DuckDB's message and `sql`.
    public func prepare(_ sql: String) throws -> PreparedStatement {
        try withLock {
            endOpenResult()
            var statement: duckdb_prepared_statement?
            let state = duckdb_prepare(handle, sql, &statement)
            return try PreparedStatement(connection: self, taking: statement, state: state, sql: sql)
        }
    }

    /// Splits `sql` into its statements and prepares each one.
    ///
    /// All statements are prepared up front, so a statement that depends on an earlier one
    /// (e.g. an `INSERT` into a table the first statement creates) fails to prepare; use
    /// ``query(_:parameters:)`` or ``execute(_:)`` for such scripts. Each statement's
    /// ``PreparedStatement/sql`` is the whole of `sql` (DuckDB does not report the statement's own text).
    ///
    /// - Throws: ``DuckDBError`` carrying DuckDB's message and `sql`.
    public func extractStatements(_ sql: String) throws -> [PreparedStatement] {
        try withLock {
            endOpenResult()
            let extracted = try ExtractedStatements(connection: self, sql: sql)
            return try (0..<extracted.count).map { try extracted.prepare($0) }
        }
    }

    // MARK: - Watching a running query

    /// Asks the running query (if any) to stop; it then fails with ``DuckDBError/Code/interrupted``.
    ///
    /// Safe from any thread at any time, including while another thread is blocked in a query
    /// on this connection: it does not take the connection's lock. Does nothing when no query runs.
    public func interrupt() {
        duckdb_interrupt(handle)
    }

    /// The progress of the running query, or `nil` when DuckDB cannot tell (no query, or no estimate yet).
    ///
    /// Safe from any thread while a query runs (does not take the connection's lock). New
    /// connections turn on DuckDB's progress tracking (`enable_progress_bar`, with printing off);
    /// `SET enable_progress_bar = false` turns it off again.
    public var progress: QueryProgress? {
        let progress = duckdb_query_progress(handle)
        guard progress.percentage >= 0 else { return nil }
        return QueryProgress(
            percentage: progress.percentage,
            rowsProcessed: progress.rows_processed,
            totalRowsToProcess: progress.total_rows_to_process)
    }
}

extension DuckDBError {
    /// The error stored in a failed `duckdb_result`.
    init(result: UnsafeMutablePointer<duckdb_result>, sql: String?, fallback: Code) {
        let message = duckdb_result_error(result).map { String(cString: $0) }
        self.init(errorType: duckdb_result_error_type(result), message: message, sql: sql, fallback: fallback)
    }
}
