/// Where a ``QueryCursor``'s rows come from: one engine's open query result.
///
/// The cursor owns the row limit, the row count and the timing; a source only fetches. A
/// source is used from one task at a time, except ``close()``, which may come from any task
/// while a fetch is running (it then stops that fetch).
protocol ResultSource: AnyObject, Sendable {
    /// Fetches batches until they hold at least `rows` rows or the result ends. An empty
    /// array means the result has ended; the source has then released what it held.
    /// `columnar` asks for batches an encoder can copy column by column (``RowBatch/chunk``)
    /// where the engine has them; sources without such batches return decoded ones.
    func fetch(rows: Int, columnar: Bool) async throws -> [RowBatch]

    /// Stops the query (interrupting a fetch in flight) and releases what the source holds.
    /// Safe to call more than once.
    func close()

    /// The engine's progress estimate for the running query (0–100), if it has one.
    var progress: Double? { get }
}
