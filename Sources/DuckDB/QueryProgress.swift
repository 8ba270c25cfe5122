/// How far a running query has got, as DuckDB estimates it (see ``Connection/progress``).
public struct QueryProgress: Sendable, Hashable {
    /// Estimated completion, 0...100.
    public var percentage: Double
    /// Rows processed so far.
    public var rowsProcessed: UInt64
    /// Rows DuckDB expects to process in total.
    public var totalRowsToProcess: UInt64

    /// Creates a progress value.
    public init(percentage: Double, rowsProcessed: UInt64, totalRowsToProcess: UInt64) {
        self.percentage = percentage
        self.rowsProcessed = rowsProcessed
        self.totalRowsToProcess = totalRowsToProcess
    }
}
