/// What a Delta read will do, before it runs: table `t` over the files that can match, the
/// query over it, and what the read covers.
struct DeltaReadPlan: Sendable {
    /// How `t` is defined (the files, column mapping, partition values, deleted rows).
    var definition: TableDefinition
    /// The single read-only statement over `t`.
    var statement: String
    /// The most rows to return.
    var limit: Int
    /// The table version read.
    var version: Int64
    /// Data files opened.
    var filesScanned: Int
    /// Data files skipped by partition pruning or statistics.
    var filesSkipped: Int
}

/// A Delta read written as one Parquet file in the staging area, with what the read was.
public struct DeltaExport: Sendable {
    /// The Parquet file; the caller streams it and then removes it.
    public let file: StagedFile
    /// The table version read.
    public let version: Int64
    /// Data files opened.
    public let filesScanned: Int
    /// Data files skipped by partition pruning or statistics.
    public let filesSkipped: Int
}
