import Foundation

/// Entry points of the write path: transactions on an existing table, and the one that
/// creates a table.
extension DeltaTable {
    /// A transaction based on `snapshot` (its version is the commit's `readVersion`).
    ///
    /// Throws `unsupportedFeature` naming the feature when the table has writer features
    /// this library cannot honour (see ``WriterFeatures``); nothing is written then.
    public func startTransaction(from snapshot: Snapshot, operation: String = "WRITE",
                                 parameters: [String: JSONValue] = [:]) throws -> Transaction {
        try Transaction(table: self, snapshot: snapshot, operation: operation, parameters: parameters)
    }

    /// A transaction based on the latest snapshot.
    public func startTransaction(operation: String = "WRITE", parameters: [String: JSONValue] = [:]) async throws -> Transaction {
        try startTransaction(from: try await snapshot(), operation: operation, parameters: parameters)
    }

    /// A transaction that creates the table at version 0 with `metadata` and `protocol`
    /// (add files to it to create the table with data). Its commit fails with a `conflict`
    /// (``CommitConflict/Kind/tableAlreadyExists``) when the location already has a Delta
    /// log, or when another writer creates the table first.
    ///
    /// Build `metadata` with ``Metadata/newTable(schema:partitionColumns:configuration:name:description:)``.
    public func createTransaction(metadata: Metadata, protocol proto: DeltaProtocol = .newTableDefault,
                                  operation: String = "CREATE TABLE",
                                  parameters: [String: JSONValue]? = nil) throws -> Transaction {
        let parameters = parameters ?? [
            "isManaged": .string("false"),
            "description": metadata.description.map(JSONValue.string) ?? .null,
            "partitionBy": .array(metadata.partitionColumns.map(JSONValue.string)),
            "properties": .object(metadata.configuration.mapValues(JSONValue.string)),
        ]
        return try Transaction(table: self, creating: metadata, protocol: proto, operation: operation, parameters: parameters)
    }
}

extension Metadata {
    /// Metadata for a new table: a random id, `parquet` format, created now.
    public static func newTable(schema: DeltaSchema, partitionColumns: [String] = [], configuration: [String: String] = [:],
                                name: String? = nil, description: String? = nil) -> Metadata {
        Metadata(id: UUID().uuidString.lowercased(), name: name, description: description,
                 schemaString: schema.description, partitionColumns: partitionColumns,
                 configuration: configuration, createdTime: CommitInfoBuilder.now())
    }
}
