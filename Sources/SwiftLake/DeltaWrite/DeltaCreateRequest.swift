/// A new, empty Delta table: its columns, partitioning and properties.
public struct DeltaCreateRequest: Codable, Sendable {
    /// The table's directory (created, with parents, inside the data roots).
    public var path: String
    /// The columns, in order.
    public var schema: [DeltaColumnSpec]
    /// Columns to partition by (primitive columns of `schema`), in order.
    public var partitionColumns: [String]?
    /// Table properties (`delta.appendOnly`, `delta.dataSkippingNumIndexedCols`, your own keys).
    public var properties: [String: String]?
    /// The table's description.
    public var description: String?
    /// The table's name.
    public var name: String?
    /// Succeed without changes when a table already exists at `path` (else 409).
    public var ignoreIfExists: Bool?

    enum CodingKeys: String, CodingKey {
        case path, schema, partitionColumns = "partition_columns", properties, description, name
        case ignoreIfExists = "ignore_if_exists"
    }

    /// Creates a request.
    public init(path: String, schema: [DeltaColumnSpec], partitionColumns: [String]? = nil, properties: [String: String]? = nil,
                description: String? = nil, name: String? = nil, ignoreIfExists: Bool? = nil) {
        self.path = path
        self.schema = schema
        self.partitionColumns = partitionColumns
        self.properties = properties
        self.description = description
        self.name = name
        self.ignoreIfExists = ignoreIfExists
    }
}

/// One column of a table to create: `{"name": "id", "type": "long", "nullable": false}`.
///
/// `type` is a Delta type name (`string`, `long`, `integer`, `short`, `byte`, `double`,
/// `float`, `boolean`, `binary`, `date`, `timestamp`, `timestamp_ntz`, `decimal(p,s)`) or a
/// nested type in Delta's JSON schema form (`{"type": "struct", "fields": [...]}`,
/// `{"type": "array", "elementType": "long", "containsNull": true}`, `{"type": "map", ...}`).
public struct DeltaColumnSpec: Codable, Sendable {
    /// The column's name.
    public var name: String
    /// The column's type (see the type's documentation).
    public var type: JSONValue
    /// Whether the column may hold NULL; true when absent.
    public var nullable: Bool?
    /// Column metadata (e.g. `{"comment": "…"}`).
    public var metadata: [String: JSONValue]?

    /// Creates a column.
    public init(name: String, type: JSONValue, nullable: Bool? = nil, metadata: [String: JSONValue]? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.metadata = metadata
    }
}
