import DuckDB

/// `{"paths": [...], "sql"?: "SELECT … FROM t"}`: the data to summarise.
public struct ParquetStatsRequest: Codable, Sendable {
    /// Files, directories and globs, exposed as table `t`.
    public var paths: [String]
    /// A query over `t` to summarise instead of all of `t`.
    public var sql: String?
    /// Which engine runs it.
    public var engine: EngineChoice?

    /// Creates a request.
    public init(paths: [String], sql: String? = nil, engine: EngineChoice? = nil) {
        self.paths = paths
        self.sql = sql
        self.engine = engine
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        paths = try container.decodeStringList(forKey: .paths) ?? []
        sql = try container.decodeIfPresent(String.self, forKey: .sql)
        engine = try container.decodeIfPresent(EngineChoice.self, forKey: .engine)
    }
}

/// A per-column summary of a file or query.
public struct ParquetStats: Codable, Sendable {
    /// Rows summarised.
    public var rowCount: Int
    /// One entry per column.
    public var columns: [ColumnStats]
    /// The engine that computed it.
    public var engine: String
    /// Time taken, in milliseconds.
    public var elapsedMs: Double

    enum CodingKeys: String, CodingKey {
        case rowCount = "row_count", columns, engine, elapsedMs = "elapsed_ms"
    }

    /// The summary of one column.
    public struct ColumnStats: Codable, Sendable {
        public var name: String
        public var type: String
        /// Non-NULL values.
        public var count: Int
        public var nullCount: Int
        /// Approximate number of distinct values: DuckDB's HyperLogLog (about 1.6 % error) or
        /// Spark's HyperLogLog++ (`approx_count_distinct`, 5 % relative standard deviation), so
        /// the two engines' estimates of one column may differ by a few percent.
        public var distinctEstimate: Int?
        /// Smallest and largest value (for orderable types), in JSON form.
        public var min: JSONValue?
        public var max: JSONValue?
        /// Arithmetic mean, for numeric columns.
        public var mean: Double?

        enum CodingKeys: String, CodingKey {
            case name, type, count, nullCount = "null_count", distinctEstimate = "distinct_estimate", min, max, mean
        }
    }
}
