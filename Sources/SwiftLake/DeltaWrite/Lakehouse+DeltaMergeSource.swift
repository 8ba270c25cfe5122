import DeltaLake
import DuckDB
import Foundation

/// A MERGE's source rows as one fixed relation (so every pass of the merge sees the same
/// rows), with its columns and what file skipping can learn from its join keys: Parquet
/// `source_paths` without `sql` are read where they are; a Delta source is its exported
/// Parquet file; JSON rows and reshaped sources are staged as a Parquet file.
struct DeltaMergeStagedSource: Sendable {
    /// The rows as a DuckDB table expression (`read_parquet(…)`).
    let relation: String
    /// The Parquet file staged for the merge, deleted by ``remove()``; `nil` when the source
    /// files are read where they are.
    let file: String?
    /// Column name → DuckDB type.
    let columns: [(name: String, type: String)]
    /// Source rows.
    let rowCount: Int64
    /// The size of the Parquet files the rows are read from: about what they take when written.
    let bytes: Int64
    /// A predicate over the target's columns that every target row the merge can match
    /// satisfies (`nil`: any row may match), and whether no row can match at all.
    var keyPredicate: String?
    var matchesNothing = false

    func remove() { if let file { try? FileManager.default.removeItem(atPath: file) } }
}

extension Lakehouse {
    /// Stages the source of `request` (rows, Parquet files or a Delta table, reshaped by
    /// `sql`) and works out the key predicate for file skipping (see ``DeltaMergeKeys``).
    func stageMergeSource(_ request: DeltaMergeRequest, target: Snapshot, keys: DeltaMergeKeys,
                          progress: ProgressHandler?) async throws -> DeltaMergeStagedSource {
        let source = request.source
        let given = [source.rows != nil, source.sourcePaths != nil, source.delta != nil].filter { $0 }.count
        guard given == 1 else {
            throw SwiftLakeError.invalid(given == 0 ? "missing_source" : "conflicting_fields",
                "Give the merge source in exactly one of 'source.rows' (JSON objects), 'source.source_paths' (Parquet files) or 'source.delta' ({\"path\": …, \"version\": …}), optionally reshaped by 'source.sql'.")
        }
        var definition: TableDefinition, statement: String, parquetFiles: [String] = []
        var cleanup: [String] = []
        defer { for file in cleanup { try? FileManager.default.removeItem(atPath: file) } }
        // A source that already is one fixed Parquet relation is used as it is: no copy.
        var ready: (relation: String, file: String?)?
        if let delta = source.delta {
            let limit = configuration.maxRows
            let export = try await deltaExportParquet(DeltaReadRequest(path: delta.path, version: delta.version, sql: source.sql, limit: limit),
                                                      progress: progress)
            ready = ("read_parquet(\(SQL.literal(export.file.path)))", export.file.path)
            (definition, statement) = (TableDefinition(sql: "DROP VIEW IF EXISTS temp.t"), "")   // not used: the export is the source
        } else {
            let input = try DeltaWriteInput.prepare(
                DeltaWriteRequest(path: request.path, rows: source.rows, sourcePaths: source.sourcePaths, sql: source.sql),
                schema: target.schema, roots: roots, stagingPath: duckdb.stagingPath(extension: "json"))
            if let staged = input.stagedFile { cleanup.append(staged) }
            definition = input.definition
            statement = input.statement
            parquetFiles = input.parquetFiles
            if source.rows == nil && source.sql == nil && !parquetFiles.isEmpty {
                ready = (SQL.readParquet(parquetFiles), nil)
            }
        }
        let file = ready?.file ?? duckdb.stagingPath(extension: "parquet")
        // The file this merge made and must delete: the copy, or the Delta source's export.
        let owned: String? = ready == nil ? file : ready?.file
        // The files the relation reads: Parquet sources in place, else the one file above.
        let readFiles = ready != nil && ready?.file == nil ? parquetFiles : [file]
        let maxRows = Int64(configuration.maxRows)
        let isDelta = source.delta != nil
        let (setup, select, prepared) = (definition, statement, ready)
        do {
            return try await duckdb.withConnection(parquetFiles: parquetFiles, progress: progress) { connection in
                let relation: String
                if let prepared {
                    relation = prepared.relation
                } else {
                    try self.duckdb.defineTable(setup, on: connection, force: true)
                    _ = try ReadOnlyStatement.prepare(select, on: connection)
                    try connection.execute("COPY (\(select)) TO \(SQL.literal(file)) (FORMAT parquet)")
                    relation = "read_parquet(\(SQL.literal(file)))"
                }
                let described = try connection.query("DESCRIBE SELECT * FROM \(relation)").rows()
                var columns: [(String, String)] = []
                for row in described {
                    if case .varchar(let name) = row[0], case .varchar(let type) = row[1] { columns.append((name, type)) }
                }
                let count = Int64(try connection.query("SELECT count(*) FROM \(relation)").rows()[0][0].intValue)
                if isDelta && count >= maxRows {
                    throw SwiftLakeError.invalid("source_too_large",
                        "The Delta source has \(maxRows) rows or more, the most a merge reads from a table source (max_rows). Narrow it with 'source.sql' or merge in parts.")
                }
                var staged = DeltaMergeStagedSource(relation: relation, file: owned, columns: columns, rowCount: count,
                                                    bytes: Self.totalSize(readFiles))
                try Self.mergeKeyPredicate(keys, source: &staged, relation: relation, target: target, on: connection)
                return staged
            }
        } catch {
            if let owned { try? FileManager.default.removeItem(atPath: owned) }
            throw error
        }
    }

    /// Fills in the key predicate of `source` from its key columns' values.
    static func mergeKeyPredicate(_ keys: DeltaMergeKeys, source: inout DeltaMergeStagedSource, relation: String,
                                  target: Snapshot, on connection: Connection) throws {
        var parts: [String] = []
        for pair in keys.pairs {
            guard let field = target.schema.field(named: pair.target),
                  let sourceType = source.columns.first(where: { $0.name == pair.source })?.type,
                  Self.keyTypesAgree(sourceType, field.type) else { continue }
            let column = SQL.identifier(pair.source)
            let values = try connection.query("""
                SELECT DISTINCT CAST(\(column) AS VARCHAR) FROM \(relation) WHERE \(column) IS NOT NULL LIMIT \(DeltaMergeKeys.inListLimit + 1)
                """).rows().compactMap { row -> String? in if case .varchar(let v) = row[0] { return v } else { return nil } }
            if values.isEmpty {
                source.matchesNothing = true
                return
            }
            let name = SQL.identifier(pair.target)
            if values.count <= DeltaMergeKeys.inListLimit {
                let literals = values.compactMap { DeltaMergeKeys.literal($0, type: field.type) }
                if literals.count == values.count { parts.append("\(name) IN (\(literals.joined(separator: ", ")))") }
            } else {
                let bounds = try connection.query("SELECT CAST(min(\(column)) AS VARCHAR), CAST(max(\(column)) AS VARCHAR) FROM \(relation)").rows()[0]
                if case .varchar(let low) = bounds[0], case .varchar(let high) = bounds[1],
                   let lo = DeltaMergeKeys.literal(low, type: field.type), let hi = DeltaMergeKeys.literal(high, type: field.type) {
                    parts.append("\(name) BETWEEN \(lo) AND \(hi)")
                }
            }
        }
        source.keyPredicate = parts.isEmpty ? nil : parts.joined(separator: " AND ")
    }

    /// Whether source keys of DuckDB type `duckType` compare with a target column of `type`
    /// as the literals file skipping would use (integers with integers, text with strings,
    /// dates with dates).
    static func keyTypesAgree(_ duckType: String, _ type: DataType) -> Bool {
        guard case .primitive(let primitive) = type else { return false }
        let integers: Set<String> = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"]
        switch primitive {
        case .byte, .short, .integer, .long: return integers.contains(duckType)
        case .string: return duckType == "VARCHAR"
        case .date: return duckType == "DATE"
        default: return false
        }
    }
}
