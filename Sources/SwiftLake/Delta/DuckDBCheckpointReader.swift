import DeltaLake
import DuckDB
import Foundation

/// DeltaLake's ``DeltaLake/CheckpointReader`` over SwiftLake's sandboxed DuckDB engine.
///
/// Reads checkpoint and sidecar Parquet with `read_parquet`, projecting only the action
/// columns log replay needs (`add`, `remove`, `metaData`, `protocol`, `txn`,
/// `domainMetadata`, `checkpointMetadata`, `sidecar`), and turns each row's structs into
/// JSON for ``DeltaLake/Action/init(json:)``. Rows are converted chunk by chunk.
public struct DuckDBCheckpointReader: CheckpointReader {
    /// The action columns read from a checkpoint; others (`commitInfo`, `cdc`) are skipped.
    public static let actionColumns = ["add", "remove", "metaData", "protocol", "txn",
                                       "domainMetadata", "checkpointMetadata", "sidecar"]

    let engine: DuckDBEngine

    /// A reader running on `engine`.
    public init(engine: DuckDBEngine) { self.engine = engine }

    public func readActions(from files: [String]) async throws -> [DeltaLake.Action] {
        guard !files.isEmpty else { return [] }
        let source = SQL.readParquet(files)
        return try await engine.withConnection { connection in
            let described = try connection.query("DESCRIBE SELECT * FROM \(source)")
            var present: Set<String> = []
            while let chunk = try described.nextChunk() {
                for row in chunk.rows { if case .varchar(let name) = row[0] { present.insert(name) } }
            }
            let columns = Self.actionColumns.filter(present.contains)
            guard !columns.isEmpty else { return [] }
            let result = try connection.query("SELECT \(columns.map(SQL.identifier).joined(separator: ", ")) FROM \(source)")
            var actions: [DeltaLake.Action] = []
            while let chunk = try result.nextChunk() {
                for row in chunk.rows {
                    var members: [String: DeltaLake.JSONValue] = [:]
                    for (name, value) in zip(columns, row) where !value.isNull {
                        members[name] = Self.json(value)
                    }
                    if members.isEmpty { continue }
                    if let action = try DeltaLake.Action(json: .object(members)) { actions.append(action) }
                }
            }
            return actions
        }
    }

    /// A DuckDB value as the JSON Delta's log would hold it (maps and structs → objects).
    static func json(_ value: Value) -> DeltaLake.JSONValue {
        switch value {
        case .null: return .null
        case .boolean(let b): return .bool(b)
        case .tinyint(let v): return .int(Int64(v))
        case .smallint(let v): return .int(Int64(v))
        case .integer(let v): return .int(Int64(v))
        case .bigint(let v): return .int(v)
        case .utinyint(let v): return .int(Int64(v))
        case .usmallint(let v): return .int(Int64(v))
        case .uinteger(let v): return .int(Int64(v))
        case .ubigint(let v): return Int64(exactly: v).map(DeltaLake.JSONValue.int) ?? .double(Double(v))
        case .hugeint(let v): return Int64(exactly: v).map(DeltaLake.JSONValue.int) ?? .double(Double(v))
        case .float(let v): return .double(Double(v))
        case .double(let v): return .double(v)
        case .varchar(let s): return .string(s)
        case .struct(let fields):
            var members: [String: DeltaLake.JSONValue] = [:]
            for field in fields { members[field.name] = json(field.value) }
            return .object(members)
        case .map(let entries):
            var members: [String: DeltaLake.JSONValue] = [:]
            for entry in entries {
                let key: String
                if case .varchar(let s) = entry.key { key = s } else { key = entry.key.description }
                members[key] = json(entry.value)
            }
            return .object(members)
        case .list(let items), .array(let items): return .array(items.map(json))
        default: return .string(value.description)
        }
    }
}
