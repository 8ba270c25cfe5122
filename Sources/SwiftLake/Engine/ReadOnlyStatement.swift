import DuckDB

/// Checks user SQL before it runs where only reading is allowed: exactly one statement,
/// and that statement a `SELECT` (or an `EXPLAIN` of one).
enum ReadOnlyStatement {
    static func prepare(_ sql: String, on connection: Connection) throws -> PreparedStatement {
        let statements = try connection.extractStatements(sql)
        guard statements.count == 1, let statement = statements.first else {
            throw SwiftLakeError.invalid("multiple_statements",
                                         statements.isEmpty ? "The SQL holds no statement. Give one SELECT over table t."
                                                            : "The SQL holds \(statements.count) statements; give exactly one SELECT over table t.")
        }
        switch statement.statementType {
        case .select, .explain:
            return statement
        default:
            let kind = String(describing: statement.statementType).uppercased()
            let article = "AEIOU".contains(kind.first ?? "X") ? "an" : "a"
            throw SwiftLakeError.invalid("statement_not_allowed",
                                         "Only a single SELECT (or EXPLAIN SELECT) over table t may run here, not \(article) \(kind) statement. To change data use the modify, merge or Delta endpoints.")
        }
    }

    /// Checks that `expression` is one SQL expression over `table` (so that text spliced into
    /// a larger statement cannot close it and start another).
    static func validateExpression(_ expression: String, over table: String, on connection: Connection, field: String) throws {
        let probe = "SELECT (\(expression)) FROM \(table) LIMIT 0"
        do {
            let statements = try connection.extractStatements(probe)
            guard statements.count == 1, case .select = statements[0].statementType else {
                throw SwiftLakeError.invalid("invalid_expression", "'\(field)' must be a single SQL expression; got '\(expression)'.")
            }
        } catch let error as DuckDBError {
            throw SwiftLakeError.invalid("invalid_expression", "'\(field)' is not a valid SQL expression over the file's columns: \(error.message)")
        }
    }
}
