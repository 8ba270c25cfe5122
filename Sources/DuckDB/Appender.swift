import CDuckDB

/// Bulk-inserts rows into a table, much faster than one `INSERT` per row.
///
/// Rows are buffered and written when the buffer fills, on ``flush()``, and on ``close()``.
/// If a flush fails (e.g. a constraint violation) the buffered rows are discarded. Owns the
/// `duckdb_appender` handle, which `deinit` flushes, closes and destroys (discarding errors:
/// call ``close()`` to see them). Calls are serialised on the connection's lock and, like any
/// statement, end the connection's unread result first.
///
/// ```swift
/// let appender = try Appender(connection: connection, table: "events")
/// for event in events {
///     try appender.append(row: [.bigint(event.id), .varchar(event.name)])
/// }
/// try appender.close()
/// ```
public final class Appender: @unchecked Sendable {
    /// The connection the appender writes through.
    public let connection: Connection
    /// The target table.
    public let table: String
    /// The target table's schema (`nil` for the default schema).
    public let schema: String?
    private let handle: duckdb_appender
    /// Guarded by the connection's lock.
    private var isClosed = false

    /// Creates an appender for `schema.table`.
    ///
    /// - Throws: ``DuckDBError`` (e.g. ``DuckDBError/Code/catalog`` when the table does not exist).
    public init(connection: Connection, table: String, schema: String? = nil) throws {
        self.connection = connection
        self.table = table
        self.schema = schema
        handle = try connection.withLock {
            connection.endOpenResult()
            var appender: duckdb_appender?
            let state = duckdb_appender_create(connection.handle, schema, table, &appender)
            guard state == DuckDBSuccess, let appender else {
                let error = Appender.error(of: appender, fallback: "Could not create an appender for table \(table)")
                duckdb_appender_destroy(&appender)
                throw error
            }
            return appender
        }
    }

    deinit {
        connection.withLock {
            var appender: duckdb_appender? = handle
            _ = duckdb_appender_destroy(&appender)
        }
    }

    /// The number of columns each row must have.
    public var columnCount: Int {
        connection.withLock { Int(duckdb_appender_column_count(handle)) }
    }

    /// Appends one row; `row` must have one value per column, in table order.
    /// DuckDB casts each value to its column's type.
    public func append(row: [Value]) throws {
        try connection.withLock {
            try checkOpen()
            connection.endOpenResult()
            for value in row {
                let cValue = try value.makeCValue()
                guard cValue.withHandle({ duckdb_append_value(handle, $0) }) == DuckDBSuccess else {
                    throw Appender.error(of: handle, fallback: "Could not append \(value) to \(table)")
                }
            }
            guard duckdb_appender_end_row(handle) == DuckDBSuccess else {
                throw Appender.error(of: handle, fallback: "Could not finish a row of \(table)")
            }
        }
    }

    /// Writes the buffered rows to the table.
    public func flush() throws {
        try connection.withLock {
            try checkOpen()
            connection.endOpenResult()
            guard duckdb_appender_flush(handle) == DuckDBSuccess else {
                throw Appender.error(of: handle, fallback: "Could not flush the appender for \(table)")
            }
        }
    }

    /// Flushes the buffered rows and closes the appender; further appends throw.
    public func close() throws {
        try connection.withLock {
            guard !isClosed else { return }
            connection.endOpenResult()
            isClosed = true
            guard duckdb_appender_close(handle) == DuckDBSuccess else {
                throw Appender.error(of: handle, fallback: "Could not close the appender for \(table)")
            }
        }
    }

    private func checkOpen() throws {
        if isClosed {
            throw DuckDBError(code: .appender, message: "The appender for \(table) is closed")
        }
    }

    /// The appender's last error, as a ``DuckDBError``.
    private static func error(of appender: duckdb_appender?, fallback: String) -> DuckDBError {
        guard let appender else { return DuckDBError(code: .appender, message: fallback) }
        var data: duckdb_error_data? = duckdb_appender_error_data(appender)
        defer { duckdb_destroy_error_data(&data) }
        guard let data, duckdb_error_data_has_error(data) else {
            return DuckDBError(code: .appender, message: fallback)
        }
        let message = duckdb_error_data_message(data).map { String(cString: $0) }
        return DuckDBError(errorType: duckdb_error_data_error_type(data), message: message, sql: nil, fallback: .appender)
    }
}
