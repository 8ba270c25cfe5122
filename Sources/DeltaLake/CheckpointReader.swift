/// The engine boundary for checkpoint Parquet (delta-kernel-rs's Parquet handler, reduced
/// to what log replay needs).
///
/// `DeltaLake` decides *which* files make up a checkpoint (classic, multi-part, v2 with
/// sidecars); the engine decides *how* Parquet bytes become ``Action`` values. An engine
/// typically reads each row as a struct and converts it to ``JSONValue`` (maps to objects,
/// lists to arrays, structs to objects) before ``Action/init(json:)``.
///
/// JSON v2 checkpoints are read by `DeltaLake` itself; only Parquet comes here.
public protocol CheckpointReader: Sendable {
    /// Every action in the Parquet `files` (absolute locations: paths or URLs under the
    /// table's location), in file order. Rows with no action are skipped.
    func readActions(from files: [String]) async throws -> [Action]
}

/// A ``CheckpointReader`` for stores without an engine: it refuses Parquet checkpoints
/// with a clear error, so JSON-only tables still load.
public struct NoCheckpointReader: CheckpointReader {
    /// Creates the reader.
    public init() {}

    public func readActions(from files: [String]) async throws -> [Action] {
        throw DeltaError(.unsupportedFeature,
            "reading the Parquet checkpoint \(files.first ?? "") needs an engine; open the table with a CheckpointReader (SwiftLake's DuckDB engine provides one)",
            feature: "parquetCheckpoint")
    }
}
