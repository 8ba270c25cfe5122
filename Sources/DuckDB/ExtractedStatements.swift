import CDuckDB

/// Owns a `duckdb_extracted_statements` handle: the statements DuckDB parsed out of one SQL text.
/// Used while holding the connection's lock.
final class ExtractedStatements {
    private let connection: Connection
    private var handle: duckdb_extracted_statements?
    private let sql: String
    /// How many statements the SQL holds.
    let count: Int

    init(connection: Connection, sql: String) throws {
        self.connection = connection
        self.sql = sql
        var extracted: duckdb_extracted_statements?
        let count = duckdb_extract_statements(connection.handle, sql, &extracted)
        self.handle = extracted
        self.count = Int(count)
        if count == 0, let extracted, let error = duckdb_extract_statements_error(extracted) {
            throw DuckDBError(errorType: nil, message: String(cString: error), sql: sql, fallback: .parser)
        }
    }

    deinit {
        duckdb_destroy_extracted(&handle)
    }

    /// Prepares statement `index` (each index once).
    func prepare(_ index: Int) throws -> PreparedStatement {
        var statement: duckdb_prepared_statement?
        let state = duckdb_prepare_extracted_statement(connection.handle, handle, idx_t(index), &statement)
        return try PreparedStatement(connection: connection, taking: statement, state: state, sql: sql)
    }
}
