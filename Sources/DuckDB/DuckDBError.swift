import CDuckDB

/// An error reported by DuckDB or by this wrapper.
///
/// Modelled on swift-nio's error structs: a ``Code`` that callers can switch on,
/// DuckDB's own message verbatim, and the SQL that failed (when there was SQL).
///
/// ```swift
/// do {
///     try connection.execute("SELECT * FROM missing")
/// } catch let error as DuckDBError where error.code == .catalog {
///     print(error.message)   // "Catalog Error: Table with name missing does not exist! ..."
/// }
/// ```
public struct DuckDBError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Mapped from DuckDB's `duckdb_error_type` where DuckDB
    /// reports one, otherwise from the stage that failed (``Code/prepare``, ``Code/execute``, ...).
    public var code: Code
    /// The error message, as DuckDB wrote it (for example `"Parser Error: syntax error at or near \"SELEC\""`).
    public var message: String
    /// The SQL that failed, if the failure belongs to a statement.
    public var sql: String?
    /// The raw `duckdb_error_type` value DuckDB reported, if it reported one.
    public var underlyingErrorType: UInt32?

    /// Creates an error.
    public init(code: Code, message: String, sql: String? = nil, underlyingErrorType: UInt32? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.underlyingErrorType = underlyingErrorType
    }

    /// `"<message> (SQL: <sql>)"`, with the SQL shortened to about 200 characters.
    public var description: String {
        guard let sql else { return message }
        let limit = 200
        let shown = sql.count > limit ? String(sql.prefix(limit)) + "…" : sql
        return "\(message) (SQL: \(shown))"
    }
}

extension DuckDBError {
    /// Builds an error from a DuckDB error type and message. When DuckDB did not say which
    /// kind of error it was (`DUCKDB_ERROR_INVALID`), the message prefix (`"Parser Error: "`)
    /// decides, and failing that `fallback`.
    init(errorType: duckdb_error_type?, message: String?, sql: String?, fallback: Code) {
        let text = message ?? "DuckDB reported an error without a message"
        var code: Code?
        if let errorType, errorType != DUCKDB_ERROR_INVALID {
            code = Code(errorType)
        }
        if code == nil { code = Code(messagePrefixOf: text) }
        let raw = errorType.flatMap { $0 == DUCKDB_ERROR_INVALID ? nil : $0.rawValue }
        self.init(code: code ?? fallback, message: text, sql: sql, underlyingErrorType: raw)
    }
}
