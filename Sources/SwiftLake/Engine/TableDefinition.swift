import DuckDB
import Foundation

/// How table `t` is defined on a connection: the SQL that (re)creates it, and the rows of
/// any temporary table that SQL reads and that are too many to spell out in it.
///
/// Large Delta deletion vectors are the case in point: up to
/// ``AppendedRows/inlineLimit`` deleted rows are inlined as literals, more are appended
/// through an ``Appender`` into a temporary table named for the request, so a read with
/// 100,000 deleted rows does not build megabytes of SQL.
struct TableDefinition: Sendable {
    /// Statements that (re)create `t`.
    var sql: String
    /// Rows to load into a temporary table before `sql` runs.
    var appendedRows: AppendedRows?

    init(sql: String, appendedRows: AppendedRows? = nil) {
        self.sql = sql
        self.appendedRows = appendedRows
    }
}

/// (file, row index) pairs for a temporary table with columns `file VARCHAR, row_index BIGINT`.
struct AppendedRows: Sendable {
    /// Above this many rows in one read, rows are appended rather than inlined.
    static let inlineLimit = 1_000
    static let namePrefix = "__swiftlake_delta_deleted_"

    /// The temporary table's name, unique to the request (so a definition cached on a pooled
    /// connection never reads another request's rows).
    let table: String
    /// Row indexes by file path.
    let rows: [String: [UInt64]]

    init(rows: [String: [UInt64]]) {
        table = Self.namePrefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        self.rows = rows
    }

    /// Creates the table on `connection` and appends the rows.
    func load(on connection: Connection) throws {
        try connection.execute("CREATE OR REPLACE TEMP TABLE \(SQL.identifier(table)) (file VARCHAR, row_index BIGINT)")
        let appender = try Appender(connection: connection, table: table)
        for (file, indexes) in rows {
            for row in indexes { try appender.append(row: [.varchar(file), .bigint(Int64(row))]) }
        }
        try appender.close()
    }
}
