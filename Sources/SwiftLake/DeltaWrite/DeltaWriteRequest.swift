/// Rows written to a Delta table (created when missing).
///
/// The data comes from exactly one of `rows` (JSON objects, column → value) and
/// `source_paths` (Parquet files, directories or globs inside the data roots), optionally
/// reshaped by `sql`, a single `SELECT … FROM t` where `t` is that data.
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
    /// A `SELECT … FROM t` over `rows` or `source_paths`, whose result is written.
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

    enum CodingKeys: String, CodingKey {
        case path, mode, rows, sourcePaths = "source_paths", sql, partitionColumns = "partition_columns"
        case replaceWhere = "replace_where", mergeSchema = "merge_schema", properties, targetFileSize = "target_file_size"
    }

    /// Creates a request.
    public init(path: String, mode: Mode? = nil, rows: [[String: DeltaRowValue]]? = nil, sourcePaths: [String]? = nil,
                sql: String? = nil, partitionColumns: [String]? = nil, replaceWhere: String? = nil, mergeSchema: Bool? = nil,
                properties: [String: String]? = nil, targetFileSize: Int64? = nil) {
        self.path = path
        self.mode = mode
        self.rows = rows
        self.sourcePaths = sourcePaths
        self.sql = sql
        self.partitionColumns = partitionColumns
        self.replaceWhere = replaceWhere
        self.mergeSchema = mergeSchema
        self.properties = properties
        self.targetFileSize = targetFileSize
    }
}
