import DeltaLake
import Foundation

/// The SQL that defines table `t` (or another view) over a set of a snapshot's data files.
///
/// - Columns come from the Delta schema, in its order, under their logical names (physical
///   names are read under column mapping, at every nesting level: ``NestedColumnMapping``); a
///   column absent from every file reads as NULL.
/// - Partition columns come from the log's `partitionValues`, typed, through a temporary
///   table of (file, values…) joined on DuckDB's `filename` column, so they are right even
///   for files whose path holds no `key=value` directories. Hive detection is off.
/// - Rows deleted by deletion vectors are removed with an anti-join of (file, row index)
///   against `file_row_number`: inlined in the SQL up to ``AppendedRows/inlineLimit``
///   rows, appended into a temporary table of the query's connection above it.
/// - With ``exposesFileColumn`` the view also has ``fileColumn``, each row's absolute file
///   path, so writes can count and rewrite rows file by file (``DeltaTargetScan``).
struct DeltaScan {
    static let filesTable = "__swiftlake_delta_files"
    static let deletedTable = "__swiftlake_delta_deleted"
    static let fileColumn = "__swiftlake_file"

    let snapshot: Snapshot
    /// The files to read: absolute paths with their log entries.
    let files: [(path: String, add: AddFile)]
    /// Deleted row indexes by absolute path.
    let deletedRows: [String: [UInt64]]
    /// The physical columns the files hold, with DuckDB's type names (from `DESCRIBE`).
    let presentColumns: [String: String]
    /// The view to create.
    var view = "t"
    /// Whether the view has ``fileColumn``.
    var exposesFileColumn = false
    /// Whether the view has, as `rowIndexColumn`, each row's 0-based position in its file
    /// (DuckDB's `file_row_number`); `nil` for none.
    var rowIndexColumn: String?

    /// The temporary table of the files' partition values.
    var filesTable: String { view == "t" ? Self.filesTable : view + "_files" }
    /// The temporary table of inlined deleted rows.
    var deletedTable: String { view == "t" ? Self.deletedTable : view + "_deleted" }

    /// How `t` is (re)created: its SQL, and the deleted rows it anti-joins when there are too
    /// many to inline.
    func definition() throws -> TableDefinition {
        let partitionColumns = snapshot.metadata.partitionColumns
        var statements: [String] = []
        var select: [String] = []
        for field in snapshot.schema.fields {
            let name = SQL.identifier(field.name)
            if partitionColumns.contains(field.name) {
                select.append("f.\(name) AS \(name)")
            } else if let type = presentColumns[field.physicalName] {
                let column = "d." + SQL.identifier(field.physicalName)
                let read = NestedColumnMapping.needsRemap(field.type)
                    ? NestedColumnMapping.remap(column, type: field.type, fileType: DuckDBTypeName(type))
                    : Self.adjusted(column, duckType: type, deltaType: field.type)
                select.append("\(read) AS \(name)")
            } else {
                select.append("\(Self.typedNull(field.type)) AS \(name)")
            }
        }
        if select.isEmpty { select = ["NULL AS \"_empty\""] }
        let fileColumn = SQL.identifier(Self.fileColumn)

        guard !files.isEmpty else {
            var empty = snapshot.schema.fields.map { field in
                "\(Self.typedNull(field.type)) AS \(SQL.identifier(field.name))"
            }
            if empty.isEmpty { empty = ["NULL AS \"_empty\""] }
            if exposesFileColumn { empty.append("CAST(NULL AS VARCHAR) AS \(fileColumn)") }
            if let rowIndexColumn { empty.append("CAST(NULL AS BIGINT) AS \(SQL.identifier(rowIndexColumn))") }
            return TableDefinition(sql: "CREATE OR REPLACE TEMP VIEW \(view) AS SELECT \(empty.joined(separator: ", ")) WHERE false")
        }
        if exposesFileColumn { select.append("d.\(fileColumn) AS \(fileColumn)") }
        if let rowIndexColumn { select.append("d.file_row_number AS \(SQL.identifier(rowIndexColumn))") }

        let deleted = deletedRows.filter { !$0.value.isEmpty }
        var options = ["hive_partitioning = false", "filename = \(SQL.literal(Self.fileColumn))"]
        if !deleted.isEmpty || rowIndexColumn != nil { options.append("file_row_number = true") }
        var from = "\(SQL.readParquet(files.map(\.path), extraOptions: options)) AS d"

        if !partitionColumns.isEmpty {
            let fields = partitionColumns.compactMap { snapshot.schema.field(named: $0) }
            var rows: [String] = []
            for (path, add) in files {
                let typed = try PartitionValues.typed(add.partitionValues, schema: snapshot.schema, partitionColumns: partitionColumns)
                let values = fields.map { Self.literal(typed[$0.name] ?? .null, type: $0.type) }
                rows.append("(" + ([SQL.literal(path)] + values).joined(separator: ", ") + ")")
            }
            let names = ([Self.fileColumn] + fields.map(\.name)).map(SQL.identifier).joined(separator: ", ")
            statements.append("CREATE OR REPLACE TEMP TABLE \(filesTable) AS SELECT * FROM (VALUES \(rows.joined(separator: ", "))) AS v(\(names))")
            from += " JOIN \(filesTable) AS f ON d.\(fileColumn) = f.\(fileColumn)"
        }
        let deletedCount = deleted.values.reduce(0) { $0 + $1.count }
        var appended: AppendedRows?
        if deletedCount > AppendedRows.inlineLimit {
            // Too many to spell out: appended on the query's connection.
            let rows = AppendedRows(rows: deleted)
            appended = rows
            from += " ANTI JOIN \(SQL.identifier(rows.table)) AS x ON d.\(SQL.identifier(Self.fileColumn)) = x.file AND d.file_row_number = x.row_index"
        } else if !deleted.isEmpty {
            let rows = deleted.keys.sorted().map { path in
                "(\(SQL.literal(path)), [\(deleted[path]!.map(String.init).joined(separator: ","))]::UBIGINT[])"
            }
            statements.append("""
                CREATE OR REPLACE TEMP TABLE \(deletedTable) AS SELECT f AS file, CAST(unnest(r) AS BIGINT) AS row_index \
                FROM (VALUES \(rows.joined(separator: ", "))) AS v(f, r)
                """)
            from += " ANTI JOIN \(deletedTable) AS x ON d.\(SQL.identifier(Self.fileColumn)) = x.file AND d.file_row_number = x.row_index"
        }
        statements.append("CREATE OR REPLACE TEMP VIEW \(view) AS SELECT \(select.joined(separator: ", ")) FROM \(from)")
        return TableDefinition(sql: statements.joined(separator: ";\n"), appendedRows: appended)
    }

    /// A column read from Parquet, converted where the file's type differs from the Delta
    /// type in a way DuckDB would not (INT96/local timestamps of a UTC `timestamp` column).
    static func adjusted(_ expression: String, duckType: String, deltaType: DataType) -> String {
        if case .primitive(.timestamp) = deltaType, duckType == "TIMESTAMP" {
            return "CAST(CAST(\(expression) AS VARCHAR) || '+00' AS TIMESTAMP WITH TIME ZONE)"
        }
        return expression
    }

    /// `NULL` of the column's DuckDB type (untyped when the type has no DuckDB counterpart).
    static func typedNull(_ type: DataType) -> String {
        duckDBType(type).map { "CAST(NULL AS \($0))" } ?? "NULL"
    }

    /// The DuckDB type of a Delta type, or nil when it has none.
    static func duckDBType(_ type: DataType) -> String? {
        switch type {
        case .primitive(let p):
            switch p {
            case .string: return "VARCHAR"
            case .long: return "BIGINT"
            case .integer: return "INTEGER"
            case .short: return "SMALLINT"
            case .byte: return "TINYINT"
            case .float: return "FLOAT"
            case .double: return "DOUBLE"
            case .boolean: return "BOOLEAN"
            case .binary: return "BLOB"
            case .date: return "DATE"
            case .timestamp: return "TIMESTAMP WITH TIME ZONE"
            case .timestampNtz: return "TIMESTAMP"
            case .decimal(let precision, let scale): return "DECIMAL(\(precision),\(scale))"
            case .variant, .other: return nil
            }
        case .struct(let s):
            var parts: [String] = []
            for field in s.fields {
                guard let t = duckDBType(field.type) else { return nil }
                parts.append("\(SQL.identifier(field.name)) \(t)")
            }
            return parts.isEmpty ? nil : "STRUCT(\(parts.joined(separator: ", ")))"
        case .array(let a):
            return duckDBType(a.elementType).map { "\($0)[]" }
        case .map(let m):
            guard let k = duckDBType(m.keyType), let v = duckDBType(m.valueType) else { return nil }
            return "MAP(\(k), \(v))"
        }
    }

    /// A typed SQL literal of a partition value.
    static func literal(_ value: PartitionValue, type: DataType) -> String {
        let duck = duckDBType(type) ?? "VARCHAR"
        switch value {
        case .null: return "CAST(NULL AS \(duck))"
        case .string(let s): return SQL.literal(s)
        case .boolean(let b): return b ? "true" : "false"
        case .binary(let bytes): return "from_hex(\(SQL.literal(bytes.map { String(format: "%02x", $0) }.joined())))"
        case .timestamp: return "CAST(\(SQL.literal(value.description + "+00")) AS TIMESTAMP WITH TIME ZONE)"
        default: return "CAST(\(SQL.literal(value.description)) AS \(duck))"
        }
    }
}
