import DuckDB

/// A batch of result rows, stored column by column (`columns[c][r]`).
public struct RowBatch: Sendable {
    /// The values, one array per column, each `count` long.
    public let columns: [[Value]]
    /// The number of rows.
    public let count: Int

    /// Creates a batch from column arrays of equal length.
    public init(columns: [[Value]], count: Int) {
        self.columns = columns
        self.count = count
    }

    /// The first `n` rows.
    func prefix(_ n: Int) -> RowBatch {
        guard n < count else { return self }
        return RowBatch(columns: columns.map { Array($0.prefix(n)) }, count: n)
    }

    /// Row `r` as an array of values.
    public func row(_ r: Int) -> [Value] { columns.map { $0[r] } }
}

/// A result column: its name and DuckDB's spelling of its type.
public struct ResultColumn: Codable, Sendable, Hashable {
    /// The column name.
    public var name: String
    /// The SQL type, e.g. `BIGINT`, `DECIMAL(18,2)`, `STRUCT(a INTEGER)`.
    public var type: String
    /// The engine's structured type, when known (binary formats such as Arrow need it).
    public var logicalType: LogicalType?

    enum CodingKeys: String, CodingKey { case name, type }

    /// Creates a column description.
    public init(name: String, type: String, logicalType: LogicalType? = nil) {
        self.name = name
        self.type = type
        self.logicalType = logicalType
    }

    /// Describes a DuckDB result column.
    public init(_ column: Column) {
        self.init(name: column.name, type: column.type.description, logicalType: column.type)
    }
}
