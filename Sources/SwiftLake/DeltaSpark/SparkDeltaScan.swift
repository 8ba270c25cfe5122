import DeltaLake
import Foundation
import SparkConnect

/// A Delta snapshot's files as Spark sees them: one ``SparkFileSource`` per distinct set of
/// partition values (read with the table's data schema, so a file written before a column
/// was added reads it as nulls) and the Spark SQL that defines table `t` over them, the
/// partition values as typed literals, columns in the table's order.
///
/// With ``fileColumn`` each row also carries the path Spark read it from
/// (`_metadata.file_path`), for operations that count and rewrite rows file by file.
///
/// Files of a table in S3 are read from local copies (`localPaths`, by the `add` action's
/// path), which ``Lakehouse/sparkDeltaScan(_:files:withFileColumn:)`` fetches.
///
/// Files with deletion vectors are read with their row index (`_metadata.row_index`, a
/// computed column of their source) and without the rows their vector deletes.
///
/// Refused (422, never read wrongly): column mapping, which the DuckDB engine reads.
struct SparkDeltaScan {
    /// The column holding each row's file, as Spark names it (a `file:` URI).
    static let fileColumn = "__swiftlake_file"

    let sources: [SparkFileSource]
    /// The definition of `t` (a query over the sources).
    let table: String
    /// The path Spark is given for each file, by the `add` action's path.
    let filePaths: [String: String]

    /// The most rows deletion vectors may delete in one Spark read: they are spelt out in the
    /// query (a `NOT IN` list per file).
    static let maxDeletedRows = 100_000

    /// The column of a file's row index (`_metadata.row_index`) in a source with deletion vectors.
    static let rowIndexColumn = "__swiftlake_row_index"

    /// `files` of `snapshot` for Spark. `deletedRows` holds, by `add` path, the rows the
    /// deletion vector of each file that has one deletes (all must be given); such a file is a
    /// source of its own, read with its row index, without those rows.
    init(snapshot: Snapshot, files: [AddFile], withFileColumn: Bool = false, localPaths: [String: String] = [:],
         deletedRows: [String: [UInt64]] = [:]) throws {
        try Self.requireSupported(snapshot, files: files)
        let partitionColumns = snapshot.metadata.partitionColumns
        let dataFields = snapshot.schema.fields.filter { !partitionColumns.contains($0.name) }
        let schemaJSON = DataType.struct(StructType(fields: dataFields)).json.description

        struct Group {
            var values: [String: String?]
            var paths: [String]
            /// For a file with a deletion vector: the rows it deletes.
            var deleted: [UInt64]?
        }
        var groups: [Group] = []
        var index: [String: Int] = [:]
        var filePaths: [String: String] = [:]
        for add in files {
            let values = add.partitionValues
            let path = localPaths[add.path] ?? Self.localPath(snapshot.absolutePath(of: add.path))
            filePaths[add.path] = path
            if add.deletionVector != nil {
                guard let deleted = deletedRows[add.path] else {
                    throw SwiftLakeError(.internal, code: "deletion_vector_not_loaded", "The deletion vector of \(add.path) was not loaded for Spark.")
                }
                groups.append(Group(values: values, paths: [path], deleted: deleted))
                continue
            }
            let key = partitionColumns.map { column in (values[column] ?? nil).map { "=" + $0 } ?? "∅" }.joined(separator: "\u{1}")
            if let i = index[key] {
                groups[i].paths.append(path)
            } else {
                index[key] = groups.count
                groups.append(Group(values: values, paths: [path]))
            }
        }
        self.filePaths = filePaths
        sources = groups.enumerated().map { i, group in
            let computed = group.deleted == nil ? [] : [SparkFileSource.ComputedColumn(name: Self.rowIndexColumn, expression: "_metadata.row_index")]
            return SparkFileSource(name: "swiftlake_part_\(i)", paths: group.paths, schema: schemaJSON, computedColumns: computed)
        }
        let selects = groups.enumerated().map { i, group -> String in
            var columns = snapshot.schema.fields.map { field -> String in
                let name = SparkSQL.identifier(field.name)
                guard partitionColumns.contains(field.name) else { return name }
                let literal = (group.values[field.name] ?? nil).map(SparkSQL.string) ?? "NULL"
                return "CAST(\(literal) AS \(SparkSQL.type(field.type))) AS \(name)"
            }
            if withFileColumn { columns.append("input_file_name() AS \(Self.fileColumn)") }
            var select = "SELECT \(columns.joined(separator: ", ")) FROM swiftlake_part_\(i)"
            if let deleted = group.deleted, !deleted.isEmpty {
                select += " WHERE \(SparkSQL.identifier(Self.rowIndexColumn)) NOT IN (\(deleted.map(String.init).joined(separator: ", ")))"
            }
            return select
        }
        if selects.isEmpty {
            var columns = snapshot.schema.fields.map { "CAST(NULL AS \(SparkSQL.type($0.type))) AS \(SparkSQL.identifier($0.name))" }
            if withFileColumn { columns.append("CAST(NULL AS STRING) AS \(Self.fileColumn)") }
            table = "SELECT \(columns.joined(separator: ", ")) WHERE false"
        } else {
            table = selects.joined(separator: "\nUNION ALL\n")
        }
    }

    /// Refuses (422) what Spark cannot read correctly yet: column mapping, and deletion vectors
    /// deleting more than ``maxDeletedRows`` rows of `files` together.
    static func requireSupported(_ snapshot: Snapshot, files: [AddFile]) throws {
        func refuse(_ what: String) -> SwiftLakeError {
            SwiftLakeError(.unprocessable, code: "engine_unsupported",
                           "The Spark engine does not handle \(what) yet. Send this request with \"engine\": \"duckdb\" (or \"auto\").")
        }
        if snapshot.metadata.columnMappingMode != "none" { throw refuse("tables with column mapping") }
        let deleted = files.reduce(Int64(0)) { $0 + ($1.deletionVector?.cardinality ?? 0) }
        if deleted > Int64(maxDeletedRows) {
            throw refuse("deletion vectors deleting more than \(maxDeletedRows) rows in one read (these delete \(deleted))")
        }
    }

    /// A file path of the log as a local path (`file:///x` → `/x`).
    static func localPath(_ path: String) -> String {
        guard path.hasPrefix("file:") else { return path }
        return URL(string: path)?.path ?? String(path.dropFirst(path.hasPrefix("file://") ? 7 : 5))
    }

    /// A path Spark reports (`_metadata.file_path`: `file:/x/a%20b.parquet`) as a local path.
    static func sparkFilePath(_ uri: String) -> String {
        var text = uri
        if text.hasPrefix("file://") { text = String(text.dropFirst(7)) } else if text.hasPrefix("file:") { text = String(text.dropFirst(5)) }
        return text.removingPercentEncoding ?? text
    }
}

/// Spelling things in Spark SQL.
enum SparkSQL {
    /// `name` as a Spark SQL identifier.
    static func identifier(_ name: String) -> String {
        "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    }

    /// `text` as a Spark SQL string literal.
    static func string(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// A Delta type in Spark SQL's DDL spelling (Delta's types are Spark's).
    static func type(_ type: DataType) -> String {
        switch type {
        case .primitive(let primitive):
            switch primitive {
            case .long: return "BIGINT"
            case .integer: return "INT"
            case .short: return "SMALLINT"
            case .byte: return "TINYINT"
            case .timestampNtz: return "TIMESTAMP_NTZ"
            default: return primitive.name.uppercased()
            }
        case .struct(let s):
            return "STRUCT<" + s.fields.map { "\(identifier($0.name)): \(Self.type($0.type))" }.joined(separator: ", ") + ">"
        case .array(let a): return "ARRAY<\(Self.type(a.elementType))>"
        case .map(let m): return "MAP<\(Self.type(m.keyType)), \(Self.type(m.valueType))>"
        }
    }
}
