import DeltaLake
import DuckDB
import Foundation

/// DeltaLake's ``DeltaLake/CheckpointReader`` over SwiftLake's sandboxed DuckDB engine.
///
/// Reads checkpoint and sidecar Parquet with `read_parquet`, projecting only the action
/// columns log replay needs (`add`, `remove`, `metaData`, `protocol`, `txn`,
/// `domainMetadata`, `checkpointMetadata`, `sidecar`). Rows are converted chunk by chunk.
///
/// `add` rows — nearly all of a checkpoint — take a fast path: the fields of the `add`
/// struct are projected in SQL as columns of their own and become ``DeltaLake/AddFile``
/// values directly, with the same field rules as ``DeltaLake/AddFile/init(json:)``
/// (`stats` stays a string; `stats_parsed` is kept when the checkpoint has it). The other
/// actions are few and go through JSON and ``DeltaLake/Action/init(json:)``.
public struct DuckDBCheckpointReader: CheckpointReader {
    /// The action columns read from a checkpoint; others (`commitInfo`, `cdc`) are skipped.
    public static let actionColumns = ["add", "remove", "metaData", "protocol", "txn",
                                       "domainMetadata", "checkpointMetadata", "sidecar"]

    /// The `add` fields read by the fast path, as ``DeltaLake/AddFile/init(json:)`` reads them.
    static let addFields = ["path", "partitionValues", "size", "modificationTime", "dataChange", "stats",
                            "stats_parsed", "tags", "deletionVector", "baseRowId", "defaultRowCommitVersion",
                            "clusteringProvider"]

    let engine: DuckDBEngine

    /// A reader running on `engine`.
    public init(engine: DuckDBEngine) { self.engine = engine }

    public func readActions(from files: [String]) async throws -> [DeltaLake.Action] {
        guard !files.isEmpty else { return [] }
        let source = SQL.readParquet(files)
        return try await engine.withConnection { connection in
            let described = try connection.query("SELECT * FROM \(source) LIMIT 0")
            var types: [String: LogicalType] = [:]
            for column in described.columns { types[column.name] = column.type }
            while try described.nextChunk() != nil {}
            let columns = Self.actionColumns.filter { types[$0] != nil }
            guard !columns.isEmpty else { return [] }

            // `add` as its fields (fast path), when it is a struct; everything else whole.
            var addLayout: AddLayout?
            var generic = columns
            var select: [String] = []
            if case .struct(let fields)? = types["add"] {
                let present = Set(fields.map(\.name))
                let read = Self.addFields.filter(present.contains)
                addLayout = AddLayout(fields: read)
                generic.removeAll { $0 == "add" }
                select.append("\(SQL.identifier("add")) IS NOT NULL")
                select += read.map { "struct_extract(\(SQL.identifier("add")), \(SQL.literal($0)))" }
            }
            let genericStart = select.count
            select += generic.map(SQL.identifier)

            let result = try connection.query("SELECT \(select.joined(separator: ", ")) FROM \(source)")
            var actions: [DeltaLake.Action] = []
            while let chunk = try result.nextChunk() {
                let data = chunk.columns
                actions.reserveCapacity(actions.count + chunk.count)
                for r in 0..<chunk.count {
                    if let addLayout, case .boolean(true) = data[0][r] {
                        actions.append(.add(try addLayout.addFile(data, row: r)))
                        continue
                    }
                    var members: [String: DeltaLake.JSONValue] = [:]
                    for (i, name) in generic.enumerated() {
                        let value = data[genericStart + i][r]
                        if !value.isNull { members[name] = Self.json(value) }
                    }
                    if members.isEmpty { continue }
                    if let action = try DeltaLake.Action(json: .object(members)) { actions.append(action) }
                }
            }
            return actions
        }
    }

    /// Where the projected `add` fields are in a chunk: column 0 says whether the row is an
    /// `add`, columns 1… are ``addFields`` present in the file, in that order.
    struct AddLayout {
        var path = -1, partitionValues = -1, size = -1, modificationTime = -1, dataChange = -1, stats = -1
        var statsParsed = -1, tags = -1, deletionVector = -1, baseRowId = -1, defaultRowCommitVersion = -1
        var clusteringProvider = -1

        init(fields: [String]) {
            for (i, name) in fields.enumerated() {
                let column = i + 1
                switch name {
                case "path": path = column
                case "partitionValues": partitionValues = column
                case "size": size = column
                case "modificationTime": modificationTime = column
                case "dataChange": dataChange = column
                case "stats": stats = column
                case "stats_parsed": statsParsed = column
                case "tags": tags = column
                case "deletionVector": deletionVector = column
                case "baseRowId": baseRowId = column
                case "defaultRowCommitVersion": defaultRowCommitVersion = column
                case "clusteringProvider": clusteringProvider = column
                default: break
                }
            }
        }

        /// The `add` of row `r`, decoded as ``DeltaLake/AddFile/init(json:)`` decodes its JSON.
        func addFile(_ data: [[Value]], row r: Int) throws -> DeltaLake.AddFile {
            func value(_ column: Int) -> Value { column < 0 ? .null : data[column][r] }
            func missing(_ key: String) -> DeltaLake.DeltaError {
                DeltaLake.DeltaError(.corruptLog, "'add' action lacks the required field '\(key)'")
            }
            guard let path = DuckDBCheckpointReader.string(value(path)) else { throw missing("path") }
            guard let size = DuckDBCheckpointReader.int64(value(size)) else { throw missing("size") }
            var statsParsed: DeltaLake.JSONValue?
            let parsed = value(self.statsParsed)
            if !parsed.isNull { statsParsed = DuckDBCheckpointReader.json(parsed) }
            var deletionVector: DeltaLake.DeletionVectorDescriptor?
            let dv = value(self.deletionVector)
            if !dv.isNull { deletionVector = try DeltaLake.DeletionVectorDescriptor(json: DuckDBCheckpointReader.json(dv)) }
            return DeltaLake.AddFile(
                path: path,
                partitionValues: DuckDBCheckpointReader.stringMap(value(partitionValues)) ?? [:],
                size: size,
                modificationTime: DuckDBCheckpointReader.int64(value(modificationTime)) ?? 0,
                dataChange: DuckDBCheckpointReader.bool(value(dataChange)) ?? true,
                stats: DuckDBCheckpointReader.string(value(stats)),
                statsParsed: statsParsed,
                tags: DuckDBCheckpointReader.stringMap(value(tags)),
                deletionVector: deletionVector,
                baseRowId: DuckDBCheckpointReader.int64(value(baseRowId)),
                defaultRowCommitVersion: DuckDBCheckpointReader.int64(value(defaultRowCommitVersion)),
                clusteringProvider: DuckDBCheckpointReader.string(value(clusteringProvider)))
        }
    }

    // Field readers with the rules of DeltaLake's JSON field access (`Fields`).

    static func string(_ value: Value) -> String? {
        if case .varchar(let s) = value { return s }
        if case .null = value { return nil }
        return json(value).stringValue
    }

    static func int64(_ value: Value) -> Int64? {
        switch value {
        case .bigint(let v): return v
        case .integer(let v): return Int64(v)
        case .null: return nil
        default: return json(value).int64Value
        }
    }

    static func bool(_ value: Value) -> Bool? {
        switch value {
        case .boolean(let b): return b
        case .null: return nil
        default: return json(value).boolValue
        }
    }

    /// A map (or struct) of strings as `[String: String?]`, `nil` values kept; `nil` for NULL.
    static func stringMap(_ value: Value) -> [String: String?]? {
        switch value {
        case .null: return nil
        case .map(let entries):
            var out: [String: String?] = [:]
            out.reserveCapacity(entries.count)
            for entry in entries {
                let key: String
                if case .varchar(let s) = entry.key { key = s } else { key = entry.key.description }
                out.updateValue(stringMapValue(entry.value), forKey: key)
            }
            return out
        default:
            guard case .object(let members) = json(value) else { return nil }
            var out: [String: String?] = [:]
            for (key, member) in members {
                switch member {
                case .null: out[key] = .some(nil)
                case .string(let s): out[key] = s
                default: out[key] = member.description
                }
            }
            return out
        }
    }

    private static func stringMapValue(_ value: Value) -> String? {
        switch value {
        case .null: return nil
        case .varchar(let s): return s
        default:
            let j = json(value)
            if case .string(let s) = j { return s }
            return j.description
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
