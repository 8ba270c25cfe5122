/// Rows written to a Delta table (created when missing).
///
/// The data comes from at most one of `rows` (JSON objects, column → value), `source_paths`
/// (Parquet files, directories or globs inside the data roots) and `source_delta` (another
/// Delta table, at its latest or a given version), optionally reshaped by `sql`, a single
/// `SELECT … FROM t` where `t` is that data. With none of them, `sql` alone is the data: a
/// query that reads no `t` (`SELECT range AS id FROM range(1000)`, or `read_parquet` of files
/// inside the data roots).
///
/// The issue's shapes are accepted as aliases when decoding: `partition_by` for
/// `partition_columns`, and `source: {"parquet": [paths]} | {"delta": "path" | {"path",
/// "version"?}} | {"rows": […]} | {"sql": "…"}` (`source.sql` reshapes the other source given
/// with it, as `sql` does, or is the query by itself). Giving a field and its alias with
/// different values, or `source` with `rows`/`source_paths`, is a 400 naming both.
public struct DeltaWriteRequest: Codable, Sendable {
    /// How the data meets a table that exists.
    public enum Mode: String, Codable, Sendable {
        /// Add the rows to the table (the default; creates the table when missing).
        case append
        /// Replace the table's rows (or only those matching `replace_where`).
        case overwrite
        /// Fail with 409 when the table exists.
        case error
        /// Do nothing when the table exists.
        case ignore
    }

    /// The table's directory, inside the data roots.
    public var path: String
    /// `append` (default), `overwrite`, `error` or `ignore`.
    public var mode: Mode?
    /// The rows, as JSON objects.
    public var rows: [[String: DeltaRowValue]]?
    /// Parquet files, directories or globs to read the rows from.
    public var sourcePaths: [String]?
    /// Another Delta table (at its latest version, or `version`) to read the rows from.
    public var sourceDelta: DeltaMergeTableSource?
    /// A `SELECT … FROM t` over `rows`, `source_paths` or `source_delta`, whose result is
    /// written; alone, a query whose result is written.
    public var sql: String?
    /// Partition columns when the write creates the table (must match the table's otherwise).
    public var partitionColumns: [String]?
    /// With `overwrite`: replace only the rows matching this SQL predicate; every written row
    /// must match it too.
    public var replaceWhere: String?
    /// Add columns the data has and the table lacks (as nullable columns) instead of failing.
    public var mergeSchema: Bool?
    /// Properties of a table the write creates.
    public var properties: [String: String]?
    /// The target size of each data file in bytes (default: `delta.targetFileSize`, else 128 MiB).
    public var targetFileSize: Int64?
    /// The engine that reads the source and writes the files; `auto` when absent.
    public var engine: EngineChoice?

    enum CodingKeys: String, CodingKey {
        case path, mode, rows, sourcePaths = "source_paths", sourceDelta = "source_delta", sql, partitionColumns = "partition_columns"
        case replaceWhere = "replace_where", mergeSchema = "merge_schema", properties, targetFileSize = "target_file_size", engine
    }

    /// Creates a request.
    public init(path: String, mode: Mode? = nil, rows: [[String: DeltaRowValue]]? = nil, sourcePaths: [String]? = nil,
                sourceDelta: DeltaMergeTableSource? = nil, sql: String? = nil, partitionColumns: [String]? = nil, replaceWhere: String? = nil, mergeSchema: Bool? = nil,
                properties: [String: String]? = nil, targetFileSize: Int64? = nil, engine: EngineChoice? = nil) {
        self.path = path
        self.engine = engine
        self.mode = mode
        self.rows = rows
        self.sourcePaths = sourcePaths
        self.sourceDelta = sourceDelta
        self.sql = sql
        self.partitionColumns = partitionColumns
        self.replaceWhere = replaceWhere
        self.mergeSchema = mergeSchema
        self.properties = properties
        self.targetFileSize = targetFileSize
    }
}

extension DeltaWriteRequest {
    private enum AliasKeys: String, CodingKey {
        case partitionBy = "partition_by", source
    }

    /// The issue's `source` object: `{"parquet": […]}`, `{"delta": …}`, `{"sql": …}` (and `rows`).
    private struct WriteSource: Decodable {
        var parquet: [String]?
        var delta: DeltaMergeTableSource?
        var sql: String?
        var rows: [[String: DeltaRowValue]]?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let aliases = try decoder.container(keyedBy: AliasKeys.self)
        path = try container.decode(String.self, forKey: .path)
        mode = try container.decodeIfPresent(Mode.self, forKey: .mode)
        rows = try container.decodeIfPresent([[String: DeltaRowValue]].self, forKey: .rows)
        sourcePaths = try container.decodeIfPresent([String].self, forKey: .sourcePaths)
        sourceDelta = try container.decodeIfPresent(DeltaMergeTableSource.self, forKey: .sourceDelta)
        sql = try container.decodeIfPresent(String.self, forKey: .sql)
        partitionColumns = try container.decodeIfPresent([String].self, forKey: .partitionColumns)
        replaceWhere = try container.decodeIfPresent(String.self, forKey: .replaceWhere)
        mergeSchema = try container.decodeIfPresent(Bool.self, forKey: .mergeSchema)
        properties = try container.decodeIfPresent([String: String].self, forKey: .properties)
        targetFileSize = try container.decodeIfPresent(Int64.self, forKey: .targetFileSize)
        engine = try container.decodeIfPresent(EngineChoice.self, forKey: .engine)

        if let partitionBy = try aliases.decodeIfPresent([String].self, forKey: .partitionBy) {
            if let partitionColumns, partitionColumns != partitionBy {
                throw SwiftLakeError.invalid("conflicting_fields",
                    "'partition_by' [\(partitionBy.joined(separator: ", "))] and 'partition_columns' [\(partitionColumns.joined(separator: ", "))] differ; give one of them.")
            }
            partitionColumns = partitionBy
        }
        guard let source = try aliases.decodeIfPresent(WriteSource.self, forKey: .source) else { return }
        if rows != nil {
            throw SwiftLakeError.invalid("conflicting_fields", "Give the data in either 'source' or 'rows', not both.")
        }
        if sourcePaths != nil || sourceDelta != nil {
            throw SwiftLakeError.invalid("conflicting_fields",
                "Give the data in either 'source' or '\(sourcePaths != nil ? "source_paths" : "source_delta")', not both.")
        }
        if [source.parquet != nil, source.rows != nil, source.delta != nil].filter({ $0 }).count > 1 {
            throw SwiftLakeError.invalid("conflicting_fields", "Give one of 'source.parquet', 'source.rows' and 'source.delta', not several.")
        }
        if let sourceSQL = source.sql {
            if let sql, sql != sourceSQL {
                throw SwiftLakeError.invalid("conflicting_fields", "'source.sql' and 'sql' differ; give one of them.")
            }
            sql = sourceSQL
        }
        if source.parquet == nil && source.rows == nil && source.delta == nil && source.sql == nil {
            throw SwiftLakeError.invalid("missing_data", "'source' needs one of 'parquet' (Parquet files, directories or globs), 'rows', 'delta' (a Delta table) or 'sql' (a query).")
        }
        sourcePaths = source.parquet
        rows = source.rows
        sourceDelta = source.delta
    }
}
