import DeltaLake

/// What a Delta write, delete, update or create did: the version committed and the
/// operation's metrics (also recorded in the commit's `operationMetrics`, under Spark's names).
public struct DeltaWriteResult: Codable, Sendable, Hashable {
    /// The table's version after the operation (the version read when nothing was committed).
    public var version: Int64
    /// The operation recorded in the log: `WRITE`, `DELETE`, `UPDATE`, `CREATE TABLE`.
    public var operation: String
    /// Whether a commit was written (false when there was nothing to change, or `mode`
    /// `ignore` found the table).
    public var committed: Bool
    /// Rows written by the operation's new data.
    public var rowsInserted: Int64 = 0
    /// Rows changed by an update.
    public var rowsUpdated: Int64 = 0
    /// Rows removed (by delete, or by an overwrite).
    public var rowsDeleted: Int64 = 0
    /// Unchanged rows rewritten because they shared a file with changed ones.
    public var rowsCopied: Int64 = 0
    /// Data files added.
    public var filesAdded: Int = 0
    /// Data files removed (still on disk until vacuumed).
    public var filesRemoved: Int = 0
    /// Bytes of the files added.
    public var bytesAdded: Int64 = 0
    /// Bytes of the files removed.
    public var bytesRemoved: Int64 = 0
    /// Time taken, in milliseconds.
    public var elapsedMs: Double = 0
    /// The engine that did the work: `duckdb` or `spark`.
    public var engine: String = DuckDBEngine.name
    /// The commit's `operationMetrics` under Spark's names (`numFiles`, `numOutputRows`,
    /// `numDeletedRows`, `numUpdatedRows`, `numCopiedRows`, …); empty when nothing was committed.
    public var metrics: [String: Int64] = [:]

    enum CodingKeys: String, CodingKey {
        case version, operation, committed, rowsInserted = "rows_inserted", rowsUpdated = "rows_updated"
        case rowsDeleted = "rows_deleted", rowsCopied = "rows_copied", filesAdded = "files_added"
        case filesRemoved = "files_removed", bytesAdded = "bytes_added", bytesRemoved = "bytes_removed"
        case elapsedMs = "elapsed_ms", metrics, engine
    }

    /// Creates a result.
    public init(version: Int64, operation: String, committed: Bool) {
        self.version = version
        self.operation = operation
        self.committed = committed
    }
}

extension DeltaWriteResult {
    /// Takes the metrics a commit records (`Lakehouse.sparkMetrics`) as the
    /// result's `metrics`.
    mutating func record(_ commitMetrics: [String: DeltaLake.JSONValue]) {
        metrics = commitMetrics.compactMapValues { value -> Int64? in
            if case .int(let number) = value { return number }
            return nil
        }
    }
}
