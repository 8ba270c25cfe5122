import DeltaLake
import DuckDB
import Foundation

/// A view over some of a snapshot's data files for the operations that rewrite them
/// (delete, update, merge, overwrite with `replace_where`, optimize): the table's logical
/// columns, typed, with partition values from the log, plus the column ``fileColumn``
/// naming the file each row came from, so rows can be counted and rewritten file by file.
///
/// Rows deleted by the files' deletion vectors (``deletedRows``) are not in the view, so
/// nothing that copies rows from it resurrects them. With ``exposesRowIndex`` the view also
/// has ``rowIndexColumn``, each row's position in its file, which new deletion vectors mark.
///
/// Only for tables without column mapping (writes refuse those).
struct DeltaTargetScan {
    /// The column holding each row's absolute file path.
    static let fileColumn = DeltaScan.fileColumn
    /// The column holding each row's 0-based position in its file (with ``exposesRowIndex``).
    static let rowIndexColumn = "__swiftlake_row_index"

    let snapshot: Snapshot
    /// The files to read: absolute paths with their log entries.
    let files: [(path: String, add: AddFile)]
    /// Rows already deleted by deletion vectors, by absolute path.
    var deletedRows: [String: [UInt64]] = [:]
    /// The physical columns the files hold, with DuckDB's type names.
    let presentColumns: [String: String]
    /// The name of the view to create.
    let view: String
    /// Whether the view has ``rowIndexColumn``.
    var exposesRowIndex = false
    /// For a table in S3: the local copy of each file (by its `add` path), fetched through
    /// the S3 cache and held there by ``lease`` for as long as the scan lives.
    var localPaths: [String: String] = [:]
    var lease: S3FileCache.Lease?

    /// The columns the view adds to the table's: ``fileColumn``, and ``rowIndexColumn`` when exposed.
    var extraColumns: [String] { exposesRowIndex ? [Self.fileColumn, Self.rowIndexColumn] : [Self.fileColumn] }

    /// The path the view names `add`'s file by (its ``fileColumn`` value): the file's
    /// absolute path, or for a table in S3 its local copy.
    func path(of add: AddFile) -> String {
        localPaths[add.path] ?? Self.absolutePath(add, in: snapshot)
    }

    /// The absolute, local path of a file of a snapshot on the local disk.
    static func absolutePath(_ add: AddFile, in snapshot: Snapshot) -> String {
        var path = snapshot.absolutePath(of: add.path)
        if path.hasPrefix("file://") { path = URL(string: path)?.path ?? String(path.dropFirst(7)) }
        return path
    }

    /// The statements that create the view (and temporary tables of partition values and
    /// deleted rows): the read path's ``DeltaScan``, under this view's name, with the file
    /// column (and the row index column when exposed). Many deleted rows are spelled out in
    /// the SQL; ``setup(on:)`` appends them instead.
    func setup() throws -> String {
        let (sql, appended) = try definition()
        guard let appended else { return sql }
        let rows = appended.keys.sorted().filter { !(appended[$0] ?? []).isEmpty }.map { path in
            "(\(SQL.literal(path)), [\(appended[path]!.map(String.init).joined(separator: ","))]::UBIGINT[])"
        }
        return """
            CREATE OR REPLACE TEMP TABLE \(SQL.identifier(deletedTable)) AS SELECT f AS file, CAST(unnest(r) AS BIGINT) AS row_index \
            FROM (VALUES \(rows.joined(separator: ", "))) AS v(f, r);
            """ + sql
    }

    /// Creates the view on `connection`, appending many deleted rows through an ``Appender``
    /// rather than spelling them out in SQL.
    func setup(on connection: Connection) throws {
        let (sql, appended) = try definition()
        if let appended {
            try connection.execute("CREATE OR REPLACE TEMP TABLE \(SQL.identifier(deletedTable)) (file VARCHAR, row_index BIGINT)")
            let appender = try Appender(connection: connection, table: deletedTable)
            for (file, indexes) in appended {
                for row in indexes { try appender.append(row: [.varchar(file), .bigint(Int64(row))]) }
            }
            try appender.close()
        }
        try connection.execute(sql)
    }

    /// The temporary table of deleted rows, when there are more than the scan inlines.
    var deletedTable: String { view + "_deleted" }

    /// The view's SQL, and the deleted rows (by file) its ``deletedTable`` must hold first when
    /// there are more than ``DeltaScan`` inlines.
    private func definition() throws -> (sql: String, appended: [String: [UInt64]]?) {
        let definition = try DeltaScan(snapshot: snapshot, files: files, deletedRows: deletedRows, presentColumns: presentColumns,
                                       view: view, exposesFileColumn: true,
                                       rowIndexColumn: exposesRowIndex ? Self.rowIndexColumn : nil).definition()
        var sql = definition.sql
        if let appended = definition.appendedRows {
            sql = sql.replacingOccurrences(of: SQL.identifier(appended.table), with: SQL.identifier(deletedTable))
        }
        return (sql, definition.appendedRows?.rows)
    }

    /// Drops what ``setup()`` created.
    func teardown() -> String {
        "DROP VIEW IF EXISTS \(view); DROP TABLE IF EXISTS \(view)_files; DROP TABLE IF EXISTS \(view)_deleted"
    }
}
