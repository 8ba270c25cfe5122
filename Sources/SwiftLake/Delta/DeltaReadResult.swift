/// An open read of a Delta table: the rows (streamed through ``cursor``) and what the read
/// was: the version it saw and how many data files it opened or skipped.
public struct DeltaReadResult: Sendable {
    /// The rows, batch by batch.
    public let cursor: QueryCursor
    /// The table version read.
    public let version: Int64
    /// Data files opened.
    public let filesScanned: Int
    /// Data files skipped by partition pruning or statistics.
    public let filesSkipped: Int

    /// The fields a JSON result adds after the standard ones (`version`, `files_scanned`,
    /// `files_skipped`), as raw JSON text for ``ResultSummary/extraFields``.
    public var extraFields: [(String, String)] {
        [("version", String(version)), ("files_scanned", String(filesScanned)), ("files_skipped", String(filesSkipped))]
    }
}
