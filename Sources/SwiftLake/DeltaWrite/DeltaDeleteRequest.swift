/// Rows to delete from a Delta table.
public struct DeltaDeleteRequest: Codable, Sendable {
    /// The table's directory.
    public var path: String
    /// A SQL predicate over the table's columns (`"id > 5"`); every row when absent.
    public var predicate: String?
    /// The engine that reads and rewrites the files; `auto` when absent.
    public var engine: EngineChoice?

    /// Creates a request.
    public init(path: String, predicate: String? = nil, engine: EngineChoice? = nil) {
        self.path = path
        self.predicate = predicate
        self.engine = engine
    }
}

/// Changes to rows of a Delta table.
public struct DeltaUpdateRequest: Codable, Sendable {
    /// The table's directory.
    public var path: String
    /// Which rows to change (a SQL predicate); every row when absent.
    public var predicate: String?
    /// Column → SQL expression over the row's current values, e.g. `{"price": "price * 1.1"}`.
    public var updates: [String: String]
    /// The engine that reads and rewrites the files; `auto` when absent.
    public var engine: EngineChoice?

    /// Creates a request.
    public init(path: String, predicate: String? = nil, updates: [String: String], engine: EngineChoice? = nil) {
        self.path = path
        self.predicate = predicate
        self.updates = updates
        self.engine = engine
    }
}
