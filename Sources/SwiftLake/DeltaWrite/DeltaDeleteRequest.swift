/// Rows to delete from a Delta table.
public struct DeltaDeleteRequest: Codable, Sendable {
    /// The table's directory.
    public var path: String
    /// A SQL predicate over the table's columns (`"id > 5"`); every row when absent.
    public var predicate: String?

    /// Creates a request.
    public init(path: String, predicate: String? = nil) {
        self.path = path
        self.predicate = predicate
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

    /// Creates a request.
    public init(path: String, predicate: String? = nil, updates: [String: String]) {
        self.path = path
        self.predicate = predicate
        self.updates = updates
    }
}
