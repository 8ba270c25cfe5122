import CDuckDB

/// A prepared statement: parsed and planned once, executed any number of times with new parameters.
///
/// Owns the `duckdb_prepared_statement` handle (destroyed in `deinit`) and keeps its
/// ``Connection`` alive. May be used from any thread; its calls are serialised on the
/// connection's lock (see ``Connection`` for the threading model).
///
/// ```swift
/// let insert = try connection.prepare("INSERT INTO t VALUES (?, ?)")
/// for (id, name) in rows {
///     try insert.bind([.integer(id), .varchar(name)])
///     _ = try insert.execute()
/// }
/// ```
public final class PreparedStatement: @unchecked Sendable {
    /// The SQL the statement was prepared from.
    public let sql: String
    /// The connection the statement runs on.
    public let connection: Connection
    /// The handle; immutable after `init`, used under the connection's lock.
    let handle: duckdb_prepared_statement

    /// Takes ownership of a handle from `duckdb_prepare` or `duckdb_prepare_extracted_statement`,
    /// throwing (and destroying it) if preparing failed.
    init(connection: Connection, taking handle: duckdb_prepared_statement?, state: duckdb_state, sql: String) throws {
        guard state == DuckDBSuccess, let handle else {
            var failed = handle
            let message = failed.flatMap { duckdb_prepare_error($0) }.map { String(cString: $0) }
            let error = DuckDBError(errorType: nil, message: message, sql: sql, fallback: .prepare)
            duckdb_destroy_prepare(&failed)
            throw error
        }
        self.connection = connection
        self.handle = handle
        self.sql = sql
    }

    deinit {
        connection.withLock {
            var statement: duckdb_prepared_statement? = handle
            duckdb_destroy_prepare(&statement)
        }
    }

    /// The number of parameters (`?`, `$1`, `$name`) the statement takes.
    public var parameterCount: Int {
        connection.withLock { Int(duckdb_nparams(handle)) }
    }

    /// What kind of statement this is.
    public var statementType: StatementType {
        connection.withLock { StatementType(duckdb_prepared_statement_type(handle)) }
    }

    /// Clears any bound parameters and binds `values` to parameters 1...n in order.
    ///
    /// Supports every ``Value`` case; nested values (lists, structs, maps) take their element
    /// types from their first non-NULL element. DuckDB casts each value to the parameter's type
    /// when the statement runs.
    ///
    /// - Throws: ``DuckDBError`` with code ``DuckDBError/Code/bind`` when `values.count` is not
    ///   ``parameterCount`` or a value cannot be represented.
    public func bind(_ values: [Value]) throws {
        try connection.withLock {
            let expected = Int(duckdb_nparams(handle))
            guard values.count == expected else {
                throw DuckDBError(
                    code: .bind, message: "Expected \(expected) parameter(s) but \(values.count) were given", sql: sql)
            }
            duckdb_clear_bindings(handle)
            for (offset, value) in values.enumerated() {
                let cValue: CValue
                do {
                    cValue = try value.makeCValue()
                } catch var error as DuckDBError {
                    error.sql = sql
                    throw error
                }
                guard cValue.withHandle({ duckdb_bind_value(handle, idx_t(offset + 1), $0) }) == DuckDBSuccess else {
                    throw DuckDBError(
                        code: .bind, message: "Could not bind parameter \(offset + 1) (\(value))", sql: sql)
                }
            }
        }
    }

    /// Runs the statement with the bound parameters and returns its streaming result.
    ///
    /// Ends the connection's previous result first (see ``Connection``).
    ///
    /// - Throws: ``DuckDBError`` carrying DuckDB's message and ``sql``.
    public func execute() throws -> QueryResult {
        try connection.withLock {
            connection.endOpenResult()
            var pending: duckdb_pending_result?
            let state = duckdb_pending_prepared_streaming(handle, &pending)
            defer { duckdb_destroy_pending(&pending) }
            guard state == DuckDBSuccess, let pending else {
                let message = pending.flatMap { duckdb_pending_error($0) }.map { String(cString: $0) }
                throw DuckDBError(errorType: nil, message: message, sql: sql, fallback: .execute)
            }
            PendingExecution.run(pending)
            let result = UnsafeMutablePointer<duckdb_result>.allocate(capacity: 1)
            result.initialize(to: duckdb_result())
            guard duckdb_execute_pending(pending, result) == DuckDBSuccess else {
                let error = DuckDBError(result: result, sql: sql, fallback: .execute)
                duckdb_destroy_result(result)
                result.deallocate()
                throw error
            }
            let queryResult = QueryResult(connection: connection, statement: self, taking: result, sql: sql)
            connection.register(queryResult)
            return queryResult
        }
    }
}
