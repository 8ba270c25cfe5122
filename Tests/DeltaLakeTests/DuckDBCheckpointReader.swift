import DeltaLake
import DuckDB
import Foundation

/// The test engine for checkpoint Parquet: DuckDB's `read_parquet`, each row's struct
/// columns turned into JSON values and decoded by `Action(json:)`. (The production adapter
/// will live in the SwiftLake core and read in chunks; this one is small on purpose.)
struct DuckDBCheckpointReader: CheckpointReader {
    let database: Database

    init() throws { database = try Database() }

    func readActions(from files: [String]) async throws -> [Action] {
        let list = files.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
        let connection = try database.connect()
        let result = try connection.query("SELECT * FROM read_parquet([\(list)], union_by_name = true)")
        let names = result.columns.map(\.name)
        var actions: [Action] = []
        while let chunk = try result.nextChunk() {
            for row in chunk.rows {
                var members: [String: JSONValue] = [:]
                for (name, value) in zip(names, row) where !value.isNull {
                    members[name] = Self.json(value)
                }
                if let action = try Action(json: .object(members)) { actions.append(action) }
            }
        }
        return actions
    }

    /// DuckDB value → JSON value, as Delta's JSON would have it.
    static func json(_ value: Value) -> JSONValue {
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
        case .ubigint(let v): return Int64(exactly: v).map(JSONValue.int) ?? .double(Double(v))
        case .hugeint(let v): return Int64(exactly: v).map(JSONValue.int) ?? .double(Double(v))
        case .float(let v): return .double(Double(v))
        case .double(let v): return .double(v)
        case .varchar(let s): return .string(s)
        case .struct(let fields):
            var members: [String: JSONValue] = [:]
            for field in fields { members[field.name] = json(field.value) }
            return .object(members)
        case .map(let entries):
            var members: [String: JSONValue] = [:]
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
