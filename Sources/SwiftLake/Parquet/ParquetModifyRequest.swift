/// Changes to one Parquet file, written as a new file.
///
/// The steps apply in this order: rows matching `delete_where` are removed; `updates` set
/// columns (to SQL expressions over the row) where `predicate` holds (every row when it is
/// absent), keeping each column's type; `add_columns` appends columns (in name order)
/// computed from the input row; `drop_columns` removes columns; `rename` renames them.
/// Every expression and predicate sees the input row's original values.
public struct ParquetModifyRequest: Codable, Sendable {
    /// The input file.
    public var path: String
    /// The file to write. May be omitted (or equal `path`) only with `overwrite: true`.
    public var output: String?
    /// Which rows `updates` apply to (a SQL predicate); all rows when absent.
    public var predicate: String?
    /// Column → SQL expression, e.g. `{"price": "price * 1.1"}`.
    public var updates: [String: String]?
    /// Rows to delete (a SQL predicate).
    public var deleteWhere: String?
    /// New column → SQL expression giving its value, e.g. `{"total": "price * quantity"}`.
    public var addColumns: [String: String]?
    /// Columns to remove.
    public var dropColumns: [String]?
    /// Old name → new name.
    public var rename: [String: String]?
    /// Replace an existing output (or the input itself), atomically.
    public var overwrite: Bool?
    /// Parquet codec for the output (`snappy`, `zstd`, `gzip`, `lz4_raw`, `brotli`, `uncompressed`); the input's when absent.
    public var compression: String?
    /// Rows per row group in the output (see ``ParquetMergeRequest/rowGroupSize``). DuckDB only:
    /// Spark sizes row groups in bytes, so a request with it that runs on Spark is refused (422).
    public var rowGroupSize: Int?
    /// Which engine reads the input and writes the output (see ``Lakehouse/modify(_:progress:)``).
    public var engine: EngineChoice?

    enum CodingKeys: String, CodingKey {
        case path, output, predicate, updates, deleteWhere = "delete_where", addColumns = "add_columns"
        case dropColumns = "drop_columns", rename, overwrite, compression, rowGroupSize = "row_group_size", engine
    }

    /// Creates a request.
    public init(path: String, output: String? = nil, predicate: String? = nil, updates: [String: String]? = nil,
                deleteWhere: String? = nil, addColumns: [String: String]? = nil, dropColumns: [String]? = nil,
                rename: [String: String]? = nil, overwrite: Bool? = nil, compression: String? = nil, rowGroupSize: Int? = nil,
                engine: EngineChoice? = nil) {
        self.path = path
        self.output = output
        self.predicate = predicate
        self.updates = updates
        self.deleteWhere = deleteWhere
        self.addColumns = addColumns
        self.dropColumns = dropColumns
        self.rename = rename
        self.overwrite = overwrite
        self.compression = compression
        self.rowGroupSize = rowGroupSize
        self.engine = engine
    }
}

/// What a modify did.
public struct ParquetModifyResult: Codable, Sendable {
    /// The file written.
    public var output: String
    /// Rows in the input.
    public var rowsRead: Int
    /// Rows removed by `delete_where`.
    public var rowsDeleted: Int
    /// Rows `updates` applied to.
    public var rowsUpdated: Int
    /// Rows in the output.
    public var rowsWritten: Int
    /// The output's columns.
    public var columns: [ResultColumn]
    /// The output's size in bytes.
    public var bytesWritten: Int
    /// The engine that read the input and wrote the output (`duckdb` or `spark`).
    public var engine: String
    /// Time taken, in milliseconds.
    public var elapsedMs: Double

    enum CodingKeys: String, CodingKey {
        case output, rowsRead = "rows_read", rowsDeleted = "rows_deleted", rowsUpdated = "rows_updated"
        case rowsWritten = "rows_written", columns, bytesWritten = "bytes_written", engine, elapsedMs = "elapsed_ms"
    }
}
