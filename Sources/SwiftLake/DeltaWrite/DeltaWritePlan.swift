import DeltaLake
import DuckDB

/// The schema a write ends with and the SQL that shapes its input rows into it: each
/// table column converted from the input's column (or NULL when the input lacks it).
struct DeltaWritePlan {
    /// The table's schema after the write (with merged columns appended).
    let schema: DeltaSchema
    /// Columns the write adds to an existing table (`merge_schema`).
    let addedColumns: [String]
    /// The select list producing the table's columns from the input, as `src`.
    let selectList: String

    /// Plans writing rows with `columns` into a table with `existing` schema (nil: a new table).
    static func make(columns: [DuckDB.Column], existing: DeltaSchema?, mergeSchema: Bool) throws -> DeltaWritePlan {
        var seen = Set<String>()
        for column in columns where !seen.insert(column.name.lowercased()).inserted {
            throw SwiftLakeError.invalid("duplicate_column", "The data has the column '\(column.name)' twice (names are compared ignoring case, as Delta does); rename one in 'sql'.")
        }
        var fields = existing?.fields ?? []
        var added: [String] = []
        if existing != nil {
            var unknown: [String] = []
            for column in columns where !fields.contains(where: { $0.name == column.name }) {
                if let twin = fields.first(where: { $0.name.lowercased() == column.name.lowercased() }) {
                    throw SwiftLakeError.invalid("schema_mismatch",
                        "The data's column '\(column.name)' differs only in case from the table's column '\(twin.name)'; use the table's spelling.")
                }
                unknown.append(column.name)
            }
            if !unknown.isEmpty && !mergeSchema {
                throw SwiftLakeError.invalid("schema_mismatch",
                    "The data has columns the table does not: \(unknown.joined(separator: ", ")). The table's columns: \(fields.map(\.name).joined(separator: ", ")). Drop them in 'sql', or set \"merge_schema\": true to add them as nullable columns.")
            }
            for name in unknown {
                let column = columns.first { $0.name == name }!
                fields.append(DeltaLake.StructField(name: name, type: try DeltaColumnTypes.deltaType(of: column.type, column: name), nullable: true))
                added.append(name)
            }
        } else {
            fields = try columns.map { DeltaLake.StructField(name: $0.name, type: try DeltaColumnTypes.deltaType(of: $0.type, column: $0.name), nullable: true) }
        }
        var mismatches: [String] = []
        var select: [String] = []
        for field in fields {
            let name = SQL.identifier(field.name)
            guard let column = columns.first(where: { $0.name == field.name }) else {
                select.append("CAST(NULL AS \(try DeltaColumnTypes.duckDBType(field.type, column: field.name))) AS \(name)")
                continue
            }
            if let why = DeltaColumnTypes.mismatch(source: column.type, target: field.type) {
                mismatches.append("'\(field.name)': \(why)")
                continue
            }
            select.append("\(try DeltaColumnTypes.convert("src." + name, from: column.type, to: field.type, column: field.name)) AS \(name)")
        }
        if !mismatches.isEmpty {
            throw SwiftLakeError.invalid("type_mismatch",
                "The data's types do not fit the table's columns: \(mismatches.joined(separator: "; ")). Cast the columns in 'sql' (e.g. SELECT CAST(x AS BIGINT) AS x FROM t).")
        }
        return DeltaWritePlan(schema: DeltaSchema(fields: fields), addedColumns: added, selectList: select.joined(separator: ", "))
    }

    /// One row: for each non-nullable column, how many rows of `relation` are NULL in it.
    /// Throws a 400 naming the columns when any is.
    func checkNotNull(relation: String, on connection: Connection) throws {
        let required = schema.fields.filter { !$0.nullable }
        guard !required.isEmpty else { return }
        let counts = try connection.query("SELECT " + required.map { "count(*) FILTER (WHERE \(SQL.identifier($0.name)) IS NULL)" }.joined(separator: ", ")
                                          + " FROM \(relation)").rows()[0]
        let violations = zip(required, counts).filter { $0.1.intValue > 0 }.map { "'\($0.0.name)' (\($0.1.intValue) rows)" }
        if !violations.isEmpty {
            throw SwiftLakeError.invalid("not_null_violation",
                "NULL in NOT NULL columns: \(violations.joined(separator: ", ")). Nothing was written; give values for these columns.")
        }
    }
}
