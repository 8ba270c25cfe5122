/// A query over Parquet files, exposed to SQL as table `t`.
///
/// Give either `sql` (any single `SELECT` over `t`) or the structured form
/// (`columns`, `filter`, `order_by`), plus an optional `limit`.
public struct ParquetQueryRequest: Codable, Sendable {
    /// Files, directories (Hive-partitioned or not) and globs, all inside the data roots.
    public var paths: [String]
    /// A single `SELECT` (or `EXPLAIN SELECT`) over table `t`.
    public var sql: String?
    /// Columns to return (structured form); all columns when absent.
    public var columns: [String]?
    /// A SQL predicate over `t`'s columns (structured form), e.g. `"price > 10 AND region = 'EU'"`.
    public var filter: String?
    /// Sort keys (structured form), e.g. `["price DESC", "id"]`.
    public var orderBy: [String]?
    /// The most rows to return; defaults to the server's default limit, capped at its maximum.
    public var limit: Int?
    /// The result format; `json` when absent (or from the `Accept` header).
    public var format: OutputFormat?
    /// Which engine runs the query.
    public var engine: EngineChoice?

    enum CodingKeys: String, CodingKey {
        case paths, sql, columns, filter, orderBy = "order_by", limit, format, engine
    }

    /// Creates a request.
    public init(paths: [String], sql: String? = nil, columns: [String]? = nil, filter: String? = nil,
                orderBy: [String]? = nil, limit: Int? = nil, format: OutputFormat? = nil, engine: EngineChoice? = nil) {
        self.paths = paths
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
        paths = try container.decodeStringList(forKey: .paths) ?? []
        sql = try container.decodeIfPresent(String.self, forKey: .sql)
        columns = try container.decodeStringList(forKey: .columns)
        filter = try container.decodeIfPresent(String.self, forKey: .filter)
        orderBy = try container.decodeStringList(forKey: .orderBy)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        format = try container.decodeIfPresent(OutputFormat.self, forKey: .format)
        engine = try container.decodeIfPresent(EngineChoice.self, forKey: .engine)
    }

    /// The SQL this request runs over `t`.
    func statement() throws -> String {
        if let sql {
            guard columns == nil, filter == nil, orderBy == nil else {
                throw SwiftLakeError.invalid("conflicting_fields", "Give either 'sql' or 'columns'/'filter'/'order_by', not both.")
            }
            guard !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw SwiftLakeError.invalid("empty_sql", "'sql' is empty. Give a SELECT over table t, e.g. \"SELECT count(*) FROM t\".")
            }
            return sql
        }
        return StructuredQuery(columns: columns, filter: filter, orderBy: orderBy).sql(from: "t")
    }
}

extension KeyedDecodingContainer {
    /// Decodes a list of strings that clients may also send as a single string.
    func decodeStringList(forKey key: Key) throws -> [String]? {
        if let list = try? decodeIfPresent([String].self, forKey: key) { return list }
        if let single = try decodeIfPresent(String.self, forKey: key) { return [single] }
        return nil
    }
}

import Foundation
