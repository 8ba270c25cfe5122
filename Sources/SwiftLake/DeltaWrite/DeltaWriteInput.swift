import DeltaLake
import Foundation

/// The data of a ``DeltaWriteRequest`` as SQL: how table `t` is defined (over the JSON rows,
/// staged as a newline-delimited JSON file, the Parquet sources, or a Delta table's snapshot;
/// no `t` for a query that is the data by itself), and the statement whose rows are written
/// (`sql`, or all of `t`).
struct DeltaWriteInput: Sendable {
    /// The statements that (re)define `t` (drop it, when the statement reads no `t`).
    let definition: TableDefinition
    let statement: String
    /// Parquet files the source reads (their footers are cached only when safe).
    let parquetFiles: [String]
    /// The staged JSON file, deleted by ``remove()``.
    let stagedFile: String?
    /// For JSON rows: each column's Delta type (checked against the table, or inferred).
    let rowTypes: [String: DataType]

    /// Deletes the staged file.
    func remove() {
        if let stagedFile { try? FileManager.default.removeItem(atPath: stagedFile) }
    }

    /// Prepares the input of `request` for a table with `schema` (nil when the write
    /// creates the table).
    static func prepare(_ request: DeltaWriteRequest, schema: DeltaSchema?, roots: DataRoots, stagingPath: String) throws -> DeltaWriteInput {
        let statement = request.sql ?? "SELECT * FROM t"
        switch (request.rows, request.sourcePaths) {
        case (.some, .some):
            throw SwiftLakeError.invalid("conflicting_fields", "Give either 'rows' or 'source_paths', not both.")
        case (nil, nil):
            guard let sql = request.sql else {
                throw SwiftLakeError.invalid("missing_data", "Give the data to write in 'rows' (JSON objects), 'source_paths' (Parquet files) or 'source_delta' (a Delta table), optionally reshaped by 'sql' (a SELECT … FROM t), or give 'sql' alone as a query whose rows are written.")
            }
            // No `t`: a pooled connection must not keep the one an earlier request defined.
            return DeltaWriteInput(definition: TableDefinition(sql: "DROP VIEW IF EXISTS temp.t"), statement: sql,
                                   parquetFiles: [], stagedFile: nil, rowTypes: [:])
        case (nil, .some(let paths)):
            let files = try roots.parquetFiles(paths)
            return DeltaWriteInput(view: "SELECT * FROM \(SQL.readParquet(files))", statement: statement,
                                   parquetFiles: files, stagedFile: nil, rowTypes: [:])
        case (.some(let rows), nil):
            return try prepareRows(rows, schema: schema, statement: statement, stagingPath: stagingPath)
        }
    }

    private static func prepareRows(_ rows: [[String: DeltaRowValue]], schema: DeltaSchema?, statement: String,
                                    stagingPath: String) throws -> DeltaWriteInput {
        var order: [String] = []
        var seen = Set<String>()
        for row in rows {
            for key in row.keys.sorted() where seen.insert(key).inserted { order.append(key) }
        }
        if rows.isEmpty || order.isEmpty {
            guard let schema else {
                throw SwiftLakeError.invalid("no_rows", "'rows' is empty, so there is no schema to create the table with. Give rows, or create the table with /api/delta/create first.")
            }
            let empty = schema.fields.map { "\(DeltaScan.typedNull($0.type)) AS \(SQL.identifier($0.name))" }
            return DeltaWriteInput(view: "SELECT \(empty.joined(separator: ", ")) WHERE false", statement: statement,
                                   parquetFiles: [], stagedFile: nil, rowTypes: Dictionary(uniqueKeysWithValues: schema.fields.map { ($0.name, $0.type) }))
        }
        var types: [String: DataType] = [:]
        for column in order {
            if let field = schema?.field(named: column) {
                for (index, row) in rows.enumerated() {
                    if let value = row[column] { try RowTypes.check(value, field.type, column: column, row: index) }
                }
                types[column] = field.type
            } else {
                types[column] = try RowTypes.infer(rows.map { $0[column] ?? .null }, column: column) ?? .primitive(.string)
            }
        }
        var text = ""
        let encoder = JSONEncoder()
        for row in rows {
            do {
                text += String(decoding: try encoder.encode(row), as: UTF8.self) + "\n"
            } catch {
                throw SwiftLakeError.invalid("invalid_rows", "A row cannot be written as JSON (NaN or infinite numbers?): \(error)")
            }
        }
        try text.write(toFile: stagingPath, atomically: false, encoding: .utf8)
        var columns: [String] = [], select: [String] = []
        for column in order {
            let type = types[column]!
            columns.append("\(SQL.literal(column)): \(SQL.literal(try RowTypes.readType(type, column: column)))")
            select.append("\(try RowTypes.conversion(SQL.identifier(column), type: type, column: column)) AS \(SQL.identifier(column))")
        }
        let source = "SELECT \(select.joined(separator: ", ")) FROM read_json(\(SQL.literal(stagingPath)), format = 'newline_delimited', columns = {\(columns.joined(separator: ", "))})"
        return DeltaWriteInput(view: source, statement: statement, parquetFiles: [], stagedFile: stagingPath, rowTypes: types)
    }
}

extension DeltaWriteInput {
    /// An input whose `t` is the view `select`.
    init(view select: String, statement: String, parquetFiles: [String], stagedFile: String?, rowTypes: [String: DataType]) {
        self.init(definition: TableDefinition(sql: "CREATE OR REPLACE TEMP VIEW t AS \(select)"), statement: statement,
                  parquetFiles: parquetFiles, stagedFile: stagedFile, rowTypes: rowTypes)
    }
}
