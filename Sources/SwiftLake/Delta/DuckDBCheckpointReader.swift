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
/// (`stats` stays a string; `stats_parsed` is kept when the checkpoint has it). Their
/// strings, integers and booleans are read from DuckDB's vectors (``DuckDB/RawChunk``)
/// without a ``DuckDB/Value`` per cell. The other actions are few: only their rows are
/// decoded, through JSON and ``DeltaLake/Action/init(json:)``.
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
        try await readCheckpoint(from: files).inFileOrder
    }

    public func readCheckpoint(from files: [String]) async throws -> CheckpointActions {
        guard !files.isEmpty else { return CheckpointActions() }
        let source = SQL.readParquet(files)
        return try await engine.withConnection { connection in
            let described = try connection.query("SELECT * FROM \(source) LIMIT 0")
            var types: [String: LogicalType] = [:]
            for column in described.columns { types[column.name] = column.type }
            while try described.nextChunk() != nil {}
            let columns = Self.actionColumns.filter { types[$0] != nil }
            guard !columns.isEmpty else { return CheckpointActions() }

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
            var actions = CheckpointActions()
            while let chunk = try result.nextRawChunk() {
                let count = chunk.count
                // Which rows are `add`s (column 0, a BOOLEAN that is never NULL).
                var isAdd = [Bool](repeating: false, count: count)
                var addRows: [Int] = []
                var otherRows: [Int] = []
                if addLayout != nil {
                    try chunk.withColumn(0) { vector in
                        guard vector.kind == .boolean, let data = vector.data else {
                            throw DuckDBError(code: .execute, message: "Unexpected type of the `add IS NOT NULL` column")
                        }
                        for r in 0..<count where vector.isValid(r) && data.load(fromByteOffset: r, as: UInt8.self) != 0 {
                            isAdd[r] = true
                        }
                    }
                    addRows.reserveCapacity(count)
                    for r in 0..<count { if isAdd[r] { addRows.append(r) } else { otherRows.append(r) } }
                } else {
                    otherRows = Array(0..<count)
                }
                let addsBefore = actions.adds.count
                if let addLayout { try addLayout.addFiles(chunk, rows: addRows, into: &actions.adds) }
                // The other actions: only their rows are decoded, as JSON objects.
                if !otherRows.isEmpty {
                    let values = try generic.indices.map { try chunk.values(column: genericStart + $0, rows: otherRows) }
                    var addsSoFar = 0, r = 0
                    for (j, row) in otherRows.enumerated() {
                        while r < row { if isAdd[r] { addsSoFar += 1 }; r += 1 }
                        var members: [String: DeltaLake.JSONValue] = [:]
                        for (i, name) in generic.enumerated() where !values[i][j].isNull {
                            members[name] = Self.json(values[i][j])
                        }
                        guard !members.isEmpty, let action = try DeltaLake.Action(json: .object(members)) else { continue }
                        if addLayout == nil {
                            actions.append(action)  // no fast-path adds: this row's place is the end
                        } else {
                            actions.others.append(action)
                            actions.addsBefore.append(addsBefore + addsSoFar)
                        }
                    }
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

        /// Appends the `add`s of `rows` of `chunk` to `out`, decoded as ``DeltaLake/AddFile/init(json:)`` decodes
        /// their JSON. Strings, integers and booleans are read from DuckDB's vectors directly;
        /// maps and structs through ``DuckDB/Value``s, for their non-NULL rows only.
        func addFiles(_ chunk: RawChunk, rows: [Int], into out: inout [DeltaLake.AddFile]) throws {
            guard !rows.isEmpty else { return }
            func missing(_ key: String) -> DeltaLake.DeltaError {
                DeltaLake.DeltaError(.corruptLog, "'add' action lacks the required field '\(key)'")
            }
            let paths = try CheckpointColumns.strings(chunk, path, rows)
            let sizes = try CheckpointColumns.int64s(chunk, size, rows)
            let modificationTimes = try CheckpointColumns.int64s(chunk, modificationTime, rows)
            let dataChanges = try CheckpointColumns.bools(chunk, dataChange, rows)
            let statsStrings = try CheckpointColumns.strings(chunk, stats, rows)
            let baseRowIds = try CheckpointColumns.int64s(chunk, baseRowId, rows)
            let defaultRowCommitVersions = try CheckpointColumns.int64s(chunk, defaultRowCommitVersion, rows)
            let clusteringProviders = try CheckpointColumns.strings(chunk, clusteringProvider, rows)
            let partitionValueMaps = try CheckpointColumns.values(chunk, partitionValues, rows)
            let tagMaps = try CheckpointColumns.values(chunk, tags, rows)
            let parsedStats = try CheckpointColumns.values(chunk, statsParsed, rows)
            let deletionVectors = try CheckpointColumns.values(chunk, deletionVector, rows)

            for k in rows.indices {
                guard let path = paths[k] else { throw missing("path") }
                guard let size = sizes[k] else { throw missing("size") }
                var statsParsed: DeltaLake.JSONValue?
                if let parsed = parsedStats[k], !parsed.isNull { statsParsed = DuckDBCheckpointReader.json(parsed) }
                var deletionVector: DeltaLake.DeletionVectorDescriptor?
                if let dv = deletionVectors[k], !dv.isNull {
                    deletionVector = try DeltaLake.DeletionVectorDescriptor(json: DuckDBCheckpointReader.json(dv))
                }
                out.append(DeltaLake.AddFile(
                    path: path,
                    partitionValues: partitionValueMaps[k].flatMap(DuckDBCheckpointReader.stringMap) ?? [:],
                    size: size,
                    modificationTime: modificationTimes[k] ?? 0,
                    dataChange: dataChanges[k] ?? true,
                    stats: statsStrings[k],
                    statsParsed: statsParsed,
                    tags: tagMaps[k].flatMap(DuckDBCheckpointReader.stringMap),
                    deletionVector: deletionVector,
                    baseRowId: baseRowIds[k],
                    defaultRowCommitVersion: defaultRowCommitVersions[k],
                    clusteringProvider: clusteringProviders[k]))
            }
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
