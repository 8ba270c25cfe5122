import DeltaLake
import Foundation

extension Lakehouse {
    /// Creates an empty Delta table (version 0) with the request's columns, partitioning and
    /// properties. A table already at the path is a 409 `table_exists`, unless
    /// `ignore_if_exists` (then nothing changes and `committed` is false).
    ///
    /// The protocol is reader 1 / writer 2 (what every Delta client reads and writes), or
    /// 3 / 7 with the `timestampNtz` feature when a column is `timestamp_ntz`, and 3 / 7 with
    /// the `deletionVectors` reader and writer feature when `properties` set
    /// `delta.enableDeletionVectors` to true (then DELETE, UPDATE and MERGE write deletion
    /// vectors instead of rewriting files).
    public func deltaCreate(_ request: DeltaCreateRequest) async throws -> DeltaWriteResult {
        let started = ContinuousClock.now
        let schema = try Self.deltaSchema(request.schema)
        let partitionColumns = request.partitionColumns ?? []
        try Self.checkPartitionColumns(partitionColumns, schema: schema)
        let table = try deltaWriteTable(request.path, create: true)
        if let existing = try await latestSnapshotIfExists(table) {
            if request.ignoreIfExists == true {
                var result = DeltaWriteResult(version: existing.version, operation: "CREATE TABLE", committed: false)
                result.elapsedMs = (ContinuousClock.now - started).milliseconds
                return result
            }
            throw SwiftLakeError(.conflict, code: "table_exists",
                "A Delta table already exists at '\(request.path)' (version \(existing.version)). Write to it, pick another path, or set \"ignore_if_exists\": true.")
        }
        let metadata = Metadata.newTable(schema: schema, partitionColumns: partitionColumns,
                                         configuration: request.properties ?? [:], name: request.name, description: request.description)
        let transaction: Transaction
        do {
            transaction = try table.createTransaction(metadata: metadata, protocol: DeltaColumnTypes.newTableProtocol(for: schema))
        } catch let error as DeltaError {
            throw SwiftLakeError(error)
        }
        let version = try await commitDelta(transaction, metrics: [:], writer: nil)
        var result = DeltaWriteResult(version: version, operation: "CREATE TABLE", committed: true)
        result.elapsedMs = (ContinuousClock.now - started).milliseconds
        return result
    }

    /// The Delta schema of a create request's columns.
    static func deltaSchema(_ columns: [DeltaColumnSpec]) throws -> DeltaSchema {
        guard !columns.isEmpty else {
            throw SwiftLakeError.invalid("empty_schema", "Give at least one column in 'schema', e.g. [{\"name\": \"id\", \"type\": \"long\"}].")
        }
        var seen = Set<String>()
        let fields = try columns.map { column -> DeltaLake.StructField in
            guard !column.name.isEmpty else { throw SwiftLakeError.invalid("invalid_schema", "A column in 'schema' has an empty name.") }
            guard seen.insert(column.name.lowercased()).inserted else {
                throw SwiftLakeError.invalid("duplicate_column", "The column '\(column.name)' appears twice in 'schema' (names are compared ignoring case, as Delta does).")
            }
            let type: DataType
            do {
                type = try DataType(json: DeltaLake.JSONValue(request: column.type))
            } catch {
                throw SwiftLakeError.invalid("invalid_type",
                    "Column '\(column.name)' has the type \(column.type), which is not a Delta type. Use string, long, integer, short, byte, double, float, boolean, binary, date, timestamp, timestamp_ntz, decimal(p,s), or a struct/array/map in Delta's JSON form.")
            }
            guard DeltaScan.duckDBType(type) != nil else {
                throw SwiftLakeError.invalid("invalid_type",
                    "Column '\(column.name)' has the type \(type), which SwiftLake cannot write. Use string, long, integer, short, byte, double, float, boolean, binary, date, timestamp, timestamp_ntz, decimal(p,s), or structs, arrays and maps of them.")
            }
            return DeltaLake.StructField(name: column.name, type: type, nullable: column.nullable ?? true,
                               metadata: (column.metadata ?? [:]).mapValues(DeltaLake.JSONValue.init(request:)))
        }
        return DeltaSchema(fields: fields)
    }

    /// Partition columns must be distinct, primitive columns of the schema.
    static func checkPartitionColumns(_ columns: [String], schema: DeltaSchema) throws {
        guard Set(columns).count == columns.count else {
            throw SwiftLakeError.invalid("duplicate_partition_column", "'partition_columns' names a column twice: \(columns.joined(separator: ", ")).")
        }
        for column in columns {
            guard let field = schema.field(named: column) else {
                throw SwiftLakeError.invalid("unknown_partition_column",
                    "The partition column '\(column)' is not a column of the table; its columns: \(schema.fields.map(\.name).joined(separator: ", ")).")
            }
            guard case .primitive(let p) = field.type, p != .binary else {
                throw SwiftLakeError.invalid("invalid_partition_column",
                    "The partition column '\(column)' has the type \(field.type); partition by a string, number, boolean, date or timestamp column.")
            }
        }
        if !columns.isEmpty && columns.count == schema.fields.count {
            throw SwiftLakeError.invalid("no_data_columns", "Every column would be a partition column; keep at least one column out of 'partition_columns'.")
        }
    }
}
