import DeltaLake
import Foundation

/// A view over some of a snapshot's data files for the operations that rewrite them
/// (delete, update, overwrite with `replace_where`): the table's logical columns, typed,
/// with partition values from the log, plus the column ``fileColumn`` naming the file each
/// row came from, so rows can be counted and rewritten file by file.
///
/// Only for tables without column mapping and deletion vectors (writes refuse those).
struct DeltaTargetScan {
    /// The column holding each row's absolute file path.
    static let fileColumn = DeltaScan.fileColumn

    let snapshot: Snapshot
    /// The files to read: absolute paths with their log entries.
    let files: [(path: String, add: AddFile)]
    /// The physical columns the files hold, with DuckDB's type names.
    let presentColumns: [String: String]
    /// The name of the view to create.
    let view: String

    /// The absolute, local path of a file of the snapshot.
    static func absolutePath(_ add: AddFile, in snapshot: Snapshot) -> String {
        var path = snapshot.absolutePath(of: add.path)
        if path.hasPrefix("file://") { path = URL(string: path)?.path ?? String(path.dropFirst(7)) }
        return path
    }

    /// The statements that create the view (and a temporary table of partition values): the
    /// read path's ``DeltaScan``, under this view's name, with the file column.
    func setup() throws -> String {
        try DeltaScan(snapshot: snapshot, files: files, deletedRows: [:], presentColumns: presentColumns,
                      view: view, exposesFileColumn: true).definition().sql
    }

    /// Drops what ``setup()`` created.
    func teardown() -> String {
        "DROP VIEW IF EXISTS \(view); DROP TABLE IF EXISTS \(view)_files"
    }
}
