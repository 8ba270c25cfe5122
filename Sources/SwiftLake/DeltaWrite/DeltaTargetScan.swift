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
    static let fileColumn = "__swiftlake_file"

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

    /// The statements that create the view (and a temporary table of partition values).
    func setup() throws -> String {
        let partitionColumns = snapshot.metadata.partitionColumns
        let fileColumn = SQL.identifier(Self.fileColumn)
        var select: [String] = []
        for field in snapshot.schema.fields {
            let name = SQL.identifier(field.name)
            if partitionColumns.contains(field.name) {
                select.append("f.\(name) AS \(name)")
            } else if let type = presentColumns[field.name] {
                select.append("\(DeltaScan.adjusted("d." + name, duckType: type, deltaType: field.type)) AS \(name)")
            } else {
                select.append("\(DeltaScan.typedNull(field.type)) AS \(name)")
            }
        }
        guard !files.isEmpty else {
            // No files (all ruled out): an empty view of the same columns, reading nothing.
            let empty = snapshot.schema.fields.map { "\(DeltaScan.typedNull($0.type)) AS \(SQL.identifier($0.name))" }
            let columns = empty + ["CAST(NULL AS VARCHAR) AS \(fileColumn)"]
            return "CREATE OR REPLACE TEMP VIEW \(view) AS SELECT \(columns.joined(separator: ", ")) WHERE false"
        }
        select.append("d.\(fileColumn) AS \(fileColumn)")
        var statements: [String] = []
        let options = ["hive_partitioning = false", "filename = \(SQL.literal(Self.fileColumn))"]
        var from = "\(SQL.readParquet(files.map(\.path), extraOptions: options)) AS d"
        if !partitionColumns.isEmpty {
            let fields = partitionColumns.compactMap { snapshot.schema.field(named: $0) }
            var rows: [String] = []
            for (path, add) in files {
                let typed = try PartitionValues.typed(add.partitionValues, schema: snapshot.schema, partitionColumns: partitionColumns)
                let values = fields.map { DeltaScan.literal(typed[$0.name] ?? .null, type: $0.type) }
                rows.append("(" + ([SQL.literal(path)] + values).joined(separator: ", ") + ")")
            }
            let table = view + "_files"
            let names = ([Self.fileColumn] + fields.map(\.name)).map(SQL.identifier).joined(separator: ", ")
            statements.append("CREATE OR REPLACE TEMP TABLE \(table) AS SELECT * FROM (VALUES \(rows.joined(separator: ", "))) AS v(\(names))")
            from += " JOIN \(table) AS f ON d.\(fileColumn) = f.\(fileColumn)"
        }
        statements.append("CREATE OR REPLACE TEMP VIEW \(view) AS SELECT \(select.joined(separator: ", ")) FROM \(from)")
        return statements.joined(separator: ";\n")
    }

    /// Drops what ``setup()`` created.
    func teardown() -> String {
        "DROP VIEW IF EXISTS \(view); DROP TABLE IF EXISTS \(view)_files"
    }
}
