/// A result column: its name and type.
public struct Column: Sendable, Hashable {
    /// The column name (as DuckDB derives it, e.g. `"count_star()"` for an unnamed `count(*)`).
    public let name: String
    /// The column type.
    public let type: LogicalType

    /// Creates a column description.
    public init(name: String, type: LogicalType) {
        self.name = name
        self.type = type
    }
}
