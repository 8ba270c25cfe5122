/// Turns a streamed query result into bytes of one output format, piece by piece: a header
/// once the columns are known, each batch as it arrives, and a trailer with the totals.
public protocol ResultEncoder {
    /// Bytes that open the output.
    mutating func begin(columns: [ResultColumn]) -> [UInt8]
    /// Bytes for one batch of rows.
    mutating func encode(_ batch: RowBatch) -> [UInt8]
    /// Bytes that close the output.
    mutating func end(summary: ResultSummary) -> [UInt8]
}

/// What is known once every row has been written.
public struct ResultSummary: Sendable {
    /// Rows written.
    public var rowCount: Int
    /// Whether the limit cut the result short.
    public var truncated: Bool
    /// The engine that ran the query.
    public var engine: String
    /// Milliseconds from the start of the query to its last row.
    public var elapsedMilliseconds: Double
    /// Extra top-level fields for the JSON response, already rendered as JSON values
    /// (e.g. `"version": "3"` for Delta reads).
    public var extraFields: [(String, String)]

    /// Creates a summary.
    public init(rowCount: Int, truncated: Bool, engine: String, elapsedMilliseconds: Double, extraFields: [(String, String)] = []) {
        self.rowCount = rowCount
        self.truncated = truncated
        self.engine = engine
        self.elapsedMilliseconds = elapsedMilliseconds
        self.extraFields = extraFields
    }
}

/// The encoder for `format`, or `nil` for formats that are not streamed row by row (Parquet).
public func makeResultEncoder(for format: OutputFormat) -> (any ResultEncoder)? {
    switch format {
    case .json: JSONResultEncoder()
    case .ndjson: NDJSONResultEncoder()
    case .csv: CSVResultEncoder()
    case .arrow: ArrowIPCEncoder()
    case .parquet: nil
    }
}
