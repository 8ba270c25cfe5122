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
/// Refused (422, never read wrongly): deletion vectors and column mapping, which the DuckDB
/// engine reads.
struct SparkDeltaScan {
    /// The column holding each row's file, as Spark names it (a `file:` URI).
    static let fileColumn = "__swiftlake_file"

    let sources: [SparkFileSource]
    /// The definition of `t` (a query over the sources).
    let table: String
    /// The path Spark is given for each file, by the `add` action's path.
    let filePaths: [String: String]

    init(snapshot: Snapshot, files: [AddFile], withFileColumn: Bool = false, localPaths: [String: String] = [:]) throws {
        try Self.requireSupported(snapshot, files: files)
        let partitionColumns = snapshot.metadata.partitionColumns
        let dataFields = snapshot.schema.fields.filter { !partitionColumns.contains($0.name) }
        let schemaJSON = DataType.struct(StructType(fields: dataFields)).json.description

        var groups: [[String: String?]] = []
        var paths: [[String]] = []
        var index: [String: Int] = [:]
        var filePaths: [String: String] = [:]
        for add in files {
            let values = add.partitionValues
            let key = partitionColumns.map { column in (values[column] ?? nil).map { "=" + $0 } ?? "∅" }.joined(separator: "\u{1}")
            let path = localPaths[add.path] ?? Self.localPath(snapshot.absolutePath(of: add.path))
            filePaths[add.path] = path
            if let i = index[key] {
                paths[i].append(path)
            } else {
                index[key] = groups.count
                groups.append(values)
                paths.append([path])
            }
        }
        self.filePaths = filePaths
        sources = paths.enumerated().map { i, files in
            SparkFileSource(name: "swiftlake_part_\(i)", paths: files, schema: schemaJSON)
        }
        let selects = groups.enumerated().map { i, values -> String in
            var columns = snapshot.schema.fields.map { field -> String in
                let name = SparkSQL.identifier(field.name)
                guard partitionColumns.contains(field.name) else { return name }
                let literal = (values[field.name] ?? nil).map(SparkSQL.string) ?? "NULL"
                return "CAST(\(literal) AS \(SparkSQL.type(field.type))) AS \(name)"
            }
            if withFileColumn { columns.append("input_file_name() AS \(Self.fileColumn)") }
            return "SELECT \(columns.joined(separator: ", ")) FROM swiftlake_part_\(i)"
        }
        if selects.isEmpty {
            var columns = snapshot.schema.fields.map { "CAST(NULL AS \(SparkSQL.type($0.type))) AS \(SparkSQL.identifier($0.name))" }
            if withFileColumn { columns.append("CAST(NULL AS STRING) AS \(Self.fileColumn)") }
            table = "SELECT \(columns.joined(separator: ", ")) WHERE false"
        } else {
            table = selects.joined(separator: "\nUNION ALL\n")
        }
    }

    /// Refuses (422) what Spark cannot read correctly yet: column mapping, deletion vectors.
    static func requireSupported(_ snapshot: Snapshot, files: [AddFile]) throws {
        func refuse(_ what: String) -> SwiftLakeError {
            SwiftLakeError(.unprocessable, code: "engine_unsupported",
                           "The Spark engine does not handle \(what) yet. Send this request with \"engine\": \"duckdb\" (or \"auto\").")
        }
        if snapshot.metadata.columnMappingMode != "none" { throw refuse("tables with column mapping") }
        if files.contains(where: { $0.deletionVector != nil }) { throw refuse("deletion vectors") }
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
