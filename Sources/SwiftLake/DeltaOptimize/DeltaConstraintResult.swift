/// What adding or dropping a CHECK constraint did (``Lakehouse/deltaAddConstraint(path:name:expression:)``,
/// ``Lakehouse/deltaDropConstraint(path:name:ifExists:)``).
public struct DeltaConstraintResult: Codable, Sendable, Hashable {
    /// The table's version after the operation (the version read when nothing was committed).
    public var version: Int64
    /// `ADD CONSTRAINT` or `DROP CONSTRAINT`, as the commit records it.
    public var operation: String
    /// Whether a commit was written (false when dropping a missing constraint with `if_exists`).
    public var committed: Bool
    /// The constraint's name as stored (lower case, as Spark stores it).
    public var name: String
    /// The constraint's SQL expression (nil when dropping a missing one).
    public var expression: String?
    /// The table's CHECK constraints after the operation: name → expression.
    public var constraints: [String: String]
    /// The writer protocol version after the operation (an added constraint needs 3, or the
    /// `checkConstraints` feature at 7).
    public var minWriterVersion: Int
    /// Rows checked against an added constraint.
    public var rowsChecked: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case version, operation, committed, name, expression, constraints
        case minWriterVersion = "min_writer_version", rowsChecked = "rows_checked"
    }

    /// Creates a result.
    public init(version: Int64, operation: String, committed: Bool, name: String, expression: String?,
                constraints: [String: String], minWriterVersion: Int) {
        self.version = version
        self.operation = operation
        self.committed = committed
        self.name = name
        self.expression = expression
        self.constraints = constraints
        self.minWriterVersion = minWriterVersion
    }
}
