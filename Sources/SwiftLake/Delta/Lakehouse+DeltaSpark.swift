import DeltaLake
import Foundation
import ObjectStore
import SparkConnect

extension Lakehouse {
    /// The read on Spark, when the request's engine choice picks Spark (`spark`, or `auto`
    /// with more bytes to scan than the threshold); `nil` when it picks DuckDB.
    func deltaReadOnSpark(_ request: DeltaReadRequest) async throws -> DeltaReadResult? {
        let table = try deltaReadTable(request.path)
        let statement = try request.statement()
        let limit = try effectiveLimit(request.limit)
        let snapshot = try await deltaSnapshot(table, version: request.version, timestamp: request.timestamp)
        let predicate = try await skippingPredicate(statement: statement)
        let skipping = FileSkipping(snapshot: snapshot)
        let kept = snapshot.activeFiles.filter { skipping.mayMatch($0, predicate) }
        guard case .spark(let spark) = try selectEngine(request.engine, bytesToScan: kept.reduce(0) { $0 + $1.size }) else {
            return nil
        }
        if !(table.store is LocalStore) {
            throw SwiftLakeError(.unprocessable, code: "engine_unsupported",
                                 "The Spark engine does not read tables in S3 yet. Read this table with \"engine\": \"duckdb\" (or \"auto\").")
        }
        let cursor = try await sparkDeltaRead(request, snapshot: snapshot, kept: kept, statement: statement, limit: limit, spark: spark)
        return DeltaReadResult(cursor: cursor, version: snapshot.version, filesScanned: kept.count,
                               filesSkipped: snapshot.activeFiles.count - kept.count)
    }

    /// Reads a Delta snapshot on Spark: SwiftLake replays the log and skips files as for
    /// DuckDB; Spark reads the kept files, one source per partition (its values become
    /// literal columns), with the table's schema, so files written before a column was added
    /// read it as nulls.
    ///
    /// Not yet on Spark (refused with 422, never read wrongly): deletion vectors, column
    /// mapping, and tables in S3. DuckDB reads all of them.
    func sparkDeltaRead(_ request: DeltaReadRequest, snapshot: Snapshot, kept: [AddFile], statement: String, limit: Int,
                        spark: SparkEngine) async throws -> QueryCursor {
        func refuse(_ what: String) -> SwiftLakeError {
            SwiftLakeError(.unprocessable, code: "engine_unsupported",
                           "The Spark engine does not read \(what) yet. Read this table with \"engine\": \"duckdb\" (or \"auto\").")
        }
        if snapshot.metadata.columnMappingMode != "none" { throw refuse("tables with column mapping") }
        if kept.contains(where: { $0.deletionVector != nil }) { throw refuse("deletion vectors") }
        let partitionColumns = snapshot.metadata.partitionColumns
        let dataFields = snapshot.schema.fields.filter { !partitionColumns.contains($0.name) }
        let schemaJSON = DataType.struct(StructType(fields: dataFields)).json.description

        // One source per distinct set of partition values, in the order files come.
        var groups: [[String: String?]] = []
        var paths: [[String]] = []
        var index: [String: Int] = [:]
        for add in kept {
            let values = add.partitionValues
            let key = partitionColumns.map { column in (values[column] ?? nil).map { "=" + $0 } ?? "∅" }.joined(separator: "\u{1}")
            var path = snapshot.absolutePath(of: add.path)
            if path.hasPrefix("file://") { path = URL(string: path)?.path ?? String(path.dropFirst(7)) }
            if let i = index[key] {
                paths[i].append(path)
            } else {
                index[key] = groups.count
                groups.append(values)
                paths.append([path])
            }
        }
        let sources = paths.enumerated().map { i, files in
            SparkFileSource(name: "swiftlake_part_\(i)", paths: files, schema: schemaJSON)
        }
        let selects = groups.enumerated().map { i, values -> String in
            let columns = snapshot.schema.fields.map { field -> String in
                let name = Self.sparkIdentifier(field.name)
                guard partitionColumns.contains(field.name) else { return name }
                let literal = (values[field.name] ?? nil).map(Self.sparkString) ?? "NULL"
                return "CAST(\(literal) AS \(Self.sparkType(field.type))) AS \(name)"
            }
            return "SELECT \(columns.joined(separator: ", ")) FROM swiftlake_part_\(i)"
        }
        let table: String
        if selects.isEmpty {
            let columns = snapshot.schema.fields.map { "CAST(NULL AS \(Self.sparkType($0.type))) AS \(Self.sparkIdentifier($0.name))" }
            table = "SELECT \(columns.joined(separator: ", ")) WHERE false"
        } else {
            table = selects.joined(separator: "\nUNION ALL\n")
        }
        return try await spark.query(statement, sources: sources, table: table, limit: limit)
    }

    /// `name` as a Spark SQL identifier.
    static func sparkIdentifier(_ name: String) -> String {
        "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    }

    /// `text` as a Spark SQL string literal.
    static func sparkString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// A Delta type in Spark SQL's DDL spelling (Delta's types are Spark's).
    static func sparkType(_ type: DataType) -> String {
        switch type {
        case .primitive(let primitive):
            switch primitive {
            case .long: return "BIGINT"
            case .integer: return "INT"
            case .short: return "SMALLINT"
            case .byte: return "TINYINT"
            case .timestampNtz: return "TIMESTAMP_NTZ"
            default: return primitive.name.uppercased()
            }
        case .struct(let s):
            return "STRUCT<" + s.fields.map { "\(sparkIdentifier($0.name)): \(sparkType($0.type))" }.joined(separator: ", ") + ">"
        case .array(let a): return "ARRAY<\(sparkType(a.elementType))>"
        case .map(let m): return "MAP<\(sparkType(m.keyType)), \(sparkType(m.valueType))>"
        }
    }
}
