import Foundation

/// A read of a Delta table, exposed to SQL as table `t`.
///
/// Give either `sql` (a single `SELECT` over `t`) or the structured form (`columns`,
/// `filter`, `order_by`), plus an optional `limit`. `version` or `timestamp` (not both)
/// travel back in time; the latest version is read otherwise.
public struct DeltaReadRequest: Codable, Sendable {
    /// The table's directory, inside the data roots.
    public var path: String
    /// The version to read.
    public var version: Int64?
    /// Read the latest version committed at or before this time: ISO 8601
    /// (`2024-05-01T12:00:00Z`, `2024-05-01 12:00:00`, `2024-05-01`; UTC unless an offset is
    /// given) or milliseconds since the epoch.
    public var timestamp: String?
    /// A single `SELECT` over table `t`.
    public var sql: String?
    /// Columns to return (structured form).
    public var columns: [String]?
    /// A SQL predicate over `t` (structured form); also used to skip files.
    public var filter: String?
    /// Sort keys (structured form).
    public var orderBy: [String]?
    /// The most rows to return.
    public var limit: Int?
    /// The result format; `json` when absent.
    public var format: OutputFormat?
    /// The engine to read with; `auto` when absent.
    public var engine: EngineChoice?

    enum CodingKeys: String, CodingKey {
        case path, version, timestamp, sql, columns, filter, orderBy = "order_by", limit, format, engine
    }

    /// Creates a request.
    public init(path: String, version: Int64? = nil, timestamp: String? = nil, sql: String? = nil,
                columns: [String]? = nil, filter: String? = nil, orderBy: [String]? = nil,
                limit: Int? = nil, format: OutputFormat? = nil, engine: EngineChoice? = nil) {
        self.path = path
        self.version = version
        self.timestamp = timestamp
        self.sql = sql
        self.columns = columns
        self.filter = filter
        self.orderBy = orderBy
        self.limit = limit
        self.format = format
        self.engine = engine
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        version = try container.decodeIfPresent(Int64.self, forKey: .version)
        if let millis = try? container.decodeIfPresent(Int64.self, forKey: .timestamp) {
            timestamp = String(millis)
        } else {
            timestamp = try container.decodeIfPresent(String.self, forKey: .timestamp)
        }
        sql = try container.decodeIfPresent(String.self, forKey: .sql)
        columns = try container.decodeStringList(forKey: .columns)
        filter = try container.decodeIfPresent(String.self, forKey: .filter)
        orderBy = try container.decodeStringList(forKey: .orderBy)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        format = try container.decodeIfPresent(OutputFormat.self, forKey: .format)
        engine = try container.decodeIfPresent(EngineChoice.self, forKey: .engine)
    }

    /// The statement this request runs over `t`.
    func statement() throws -> String {
        try ParquetQueryRequest(paths: [path], sql: sql, columns: columns, filter: filter, orderBy: orderBy).statement()
    }
}
