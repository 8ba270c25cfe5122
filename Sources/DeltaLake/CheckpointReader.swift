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

    /// The same actions as ``readActions(from:)``, with the `add`s kept apart from the others
    /// (see ``CheckpointActions``). Log replay uses this one: a checkpoint is nearly all
    /// `add`s, and kept apart they need not be wrapped in ``Action`` values and unwrapped
    /// again. The default implementation splits ``readActions(from:)``; an engine that
    /// produces `add`s on their own implements it directly.
    func readCheckpoint(from files: [String]) async throws -> CheckpointActions
}

extension CheckpointReader {
    public func readCheckpoint(from files: [String]) async throws -> CheckpointActions {
        CheckpointActions(try await readActions(from: files))
    }
}

/// The actions of a checkpoint with its `add`s apart: ``adds`` and ``others`` each in file
/// order, and for each of ``others`` the number of `add`s before it, so the file order of
/// all of them is known (``forEachInFileOrder(_:)``).
public struct CheckpointActions: Sendable {
    /// The `add` actions, in file order.
    public var adds: [AddFile]
    /// Every other action, in file order.
    public var others: [Action]
    /// For `others[i]`, how many of ``adds`` come before it in the file; non-decreasing.
    public var addsBefore: [Int]

    /// Actions already apart; `addsBefore` must have one entry per element of `others`.
    public init(adds: [AddFile] = [], others: [Action] = [], addsBefore: [Int] = []) {
        precondition(others.count == addsBefore.count, "CheckpointActions: one addsBefore entry per other action")
        self.adds = adds
        self.others = others
        self.addsBefore = addsBefore
    }

    /// `actions` (in file order) split into `add`s and the others.
    public init(_ actions: [Action]) {
        self.init()
        for action in actions { append(action) }
    }

    /// How many actions there are.
    public var count: Int { adds.count + others.count }

    /// Appends `action` after the actions already here.
    public mutating func append(_ action: Action) {
        if case .add(let add) = action {
            adds.append(add)
        } else {
            others.append(action)
            addsBefore.append(adds.count)
        }
    }

    /// Appends the actions of `other` after the actions already here.
    public mutating func append(contentsOf other: CheckpointActions) {
        let offset = adds.count
        adds += other.adds
        others += other.others
        addsBefore += other.addsBefore.map { $0 + offset }
    }

    /// Calls `body` with every action, in file order.
    public func forEachInFileOrder(_ body: (Action) throws -> Void) rethrows {
        var a = 0
        for (i, other) in others.enumerated() {
            while a < addsBefore[i] { try body(.add(adds[a])); a += 1 }
            try body(other)
        }
        while a < adds.count { try body(.add(adds[a])); a += 1 }
    }

    /// Every action, in file order.
    public var inFileOrder: [Action] {
        var out: [Action] = []
        out.reserveCapacity(count)
        forEachInFileOrder { out.append($0) }
        return out
    }
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
