import DuckDB

/// A batch of result rows, stored column by column (`columns[c][r]`), or kept as the DuckDB
/// chunk it was fetched as (``chunk``) for encoders that copy whole columns (Arrow).
public struct RowBatch: Sendable {
    /// The decoded values, when the batch holds values.
    private let values: [[Value]]?
    /// The DuckDB chunk of a columnar batch (see ``QueryCursor/columnar``); its first `count`
    /// rows are the batch. `nil` for a batch of ``columns``.
    public let chunk: RawChunk?
    /// The number of rows.
    public let count: Int

    /// The values, one array per column, each `count` long. A columnar batch decodes them on
    /// every access: read ``chunk`` instead, or use a batch of values.
    public var columns: [[Value]] {
        if let values { return values }
        return (try? chunk?.decoded(rows: count).columns) ?? []
    }

    /// Creates a batch from column arrays of equal length.
    public init(columns: [[Value]], count: Int) {
        self.values = columns
        self.chunk = nil
        self.count = count
    }

    /// Creates a columnar batch of the first `count` rows of `chunk`.
    public init(chunk: RawChunk, count: Int) {
        self.values = nil
        self.chunk = chunk
        self.count = min(count, chunk.count)
    }

    /// The first `n` rows.
    func prefix(_ n: Int) -> RowBatch {
        guard n < count else { return self }
        if let chunk { return RowBatch(chunk: chunk, count: n) }
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
