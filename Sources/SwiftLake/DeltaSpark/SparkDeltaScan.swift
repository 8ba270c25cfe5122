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
/// Files of a table in S3 are read through `s3a://` URIs or from local copies (`localPaths`,
/// by the `add` action's path), as ``Lakehouse/sparkDeltaScan(_:files:withFileColumn:)`` decides.
///
/// Files with deletion vectors are read with their row index (`_metadata.row_index`, a
/// computed column of their source) and without the rows their vector deletes.
///
/// Column mapping (`name` or `id`): the files are read under their physical names (at every
/// level, ``physical(_:)``) and `t` gives each column its logical name; a nested column is
/// cast to its logical type, which Spark does field by field in order, renaming them.
/// Partition values are found under the physical name. Writing such tables on Spark is
/// refused (``requireWritable(_:)``).
struct SparkDeltaScan {
    /// The column holding each row's file, as Spark names it (a `file:` URI).
    static let fileColumn = "__swiftlake_file"

    let sources: [SparkFileSource]
    /// The definition of `t` (a query over the sources).
    let table: String
    /// The path Spark is given for each file, by the `add` action's path.
    let filePaths: [String: String]
    /// Whether the files are in S3 and Spark reads them through `s3a://` (no local copies).
    var readsS3Directly = false

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
        let mapped = snapshot.metadata.columnMappingMode != "none"
        let fileFields = mapped ? dataFields.map { StructField(name: $0.physicalName, type: Self.physical($0.type), nullable: $0.nullable) } : dataFields
        let schemaJSON = DataType.struct(StructType(fields: fileFields)).json.description
        // A partition value is recorded under the column's physical name with column mapping.
        func partitionValue(_ values: [String: String?], _ column: String) -> String? {
            let physical = snapshot.schema.field(named: column)?.physicalName ?? column
            return (values[physical] ?? values[column]) ?? nil
        }

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
            let key = partitionColumns.map { column in partitionValue(values, column).map { "=" + $0 } ?? "∅" }.joined(separator: "\u{1}")
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
                guard partitionColumns.contains(field.name) else {
                    guard mapped else { return name }
                    let physical = SparkSQL.identifier(field.physicalName)
                    if case .primitive = field.type { return "\(physical) AS \(name)" }
                    return "CAST(\(physical) AS \(SparkSQL.type(field.type))) AS \(name)"
                }
                let literal = partitionValue(group.values, field.name).map(SparkSQL.string) ?? "NULL"
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

    /// Why Spark cannot read `files` of `snapshot` correctly yet (deletion vectors deleting
    /// more than ``maxDeletedRows`` rows together), or, when `writing`, write the table
    /// (column mapping: its files need physical names and field ids); `nil` when it can. A 422
    /// for an explicit `"engine": "spark"`; `auto` runs such requests on DuckDB.
    static func refusal(_ snapshot: Snapshot, files: [AddFile], writing: Bool) -> SwiftLakeError? {
        if writing && snapshot.metadata.columnMappingMode != "none" { return refuse("writing tables with column mapping") }
        let deleted = files.reduce(Int64(0)) { $0 + ($1.deletionVector?.cardinality ?? 0) }
        if deleted > Int64(maxDeletedRows) {
            return refuse("deletion vectors deleting more than \(maxDeletedRows) rows in one read (these delete \(deleted))")
        }
        return nil
    }

    /// The refusal of compacting `bins` (each read by a scan of its own) of `snapshot`, if any.
    static func refusal(compacting snapshot: Snapshot, bins: [[AddFile]]) -> SwiftLakeError? {
        refusal(snapshot, files: [], writing: true) ?? bins.lazy.compactMap { refusal(snapshot, files: $0, writing: false) }.first
    }

    /// Throws the ``refusal(_:files:writing:)`` of a read of `files`, if any.
    static func requireSupported(_ snapshot: Snapshot, files: [AddFile]) throws {
        if let refusal = refusal(snapshot, files: files, writing: false) { throw refusal }
    }

    private static func refuse(_ what: String) -> SwiftLakeError {
        SwiftLakeError(.unprocessable, code: "engine_unsupported",
                       "The Spark engine does not handle \(what) yet. Send this request with \"engine\": \"duckdb\" (or \"auto\").")
    }

    /// `type` with every struct field under its physical name, as the data files hold it.
    static func physical(_ type: DataType) -> DataType {
        switch type {
        case .primitive: return type
        case .struct(let s):
            return .struct(StructType(fields: s.fields.map { StructField(name: $0.physicalName, type: physical($0.type), nullable: $0.nullable) }))
        case .array(let a): return .array(ArrayType(elementType: physical(a.elementType), containsNull: a.containsNull))
        case .map(let m): return .map(MapType(keyType: physical(m.keyType), valueType: physical(m.valueType), valueContainsNull: m.valueContainsNull))
        }
    }

    /// A file path of the log as a local path (`file:///x` → `/x`).
    static func localPath(_ path: String) -> String {
        guard path.hasPrefix("file:") else { return path }
        return URL(string: path)?.path ?? String(path.dropFirst(path.hasPrefix("file://") ? 7 : 5))
    }

    /// A path Spark reports (`_metadata.file_path`: `file:/x/a%20b.parquet`) as a local path
    /// (an `s3a://` URI as the URI, decoded).
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
