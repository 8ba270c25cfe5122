import DuckDB

/// The SQL a modify request becomes, and the checks that come before it.
struct ModifyPlan: Sendable {
    let request: ParquetModifyRequest

    var changesSomething: Bool {
        !(request.updates ?? [:]).isEmpty || request.deleteWhere != nil || !(request.addColumns ?? [:]).isEmpty
            || !(request.dropColumns ?? []).isEmpty || !(request.rename ?? [:]).isEmpty
    }

    /// Checks every named column exists (or does not, for new ones) and every expression is
    /// a single valid expression over the file.
    func validate(columns: [ResultColumn], on connection: Connection) throws {
        let names = Set(columns.map(\.name))
        let listing = columns.map(\.name).joined(separator: ", ")
        func requireExisting(_ name: String, _ field: String) throws {
            guard names.contains(name) else {
                throw SwiftLakeError.invalid("unknown_column", "'\(field)' names column '\(name)', which the file does not have. Its columns: \(listing).")
            }
        }
        for (column, expression) in request.updates ?? [:] {
            try requireExisting(column, "updates")
            try ReadOnlyStatement.validateExpression(expression, over: "t", on: connection, field: "updates.\(column)")
        }
        for column in request.dropColumns ?? [] { try requireExisting(column, "drop_columns") }
        for (old, new) in request.rename ?? [:] {
            try requireExisting(old, "rename")
            guard !new.isEmpty else { throw SwiftLakeError.invalid("invalid_rename", "'rename' gives column '\(old)' an empty name.") }
        }
        for (column, expression) in request.addColumns ?? [:] {
            guard !names.contains(column) else {
                throw SwiftLakeError.invalid("column_exists", "'add_columns' adds '\(column)', which already exists; use 'updates' to change it.")
            }
            try ReadOnlyStatement.validateExpression(expression, over: "t", on: connection, field: "add_columns.\(column)")
        }
        if let predicate = request.predicate {
            try ReadOnlyStatement.validateExpression(predicate, over: "t", on: connection, field: "predicate")
        }
        if let deleteWhere = request.deleteWhere {
            try ReadOnlyStatement.validateExpression(deleteWhere, over: "t", on: connection, field: "delete_where")
        }
        let remaining = columns.map(\.name).filter { !(request.dropColumns ?? []).contains($0) }
        let finalNames = remaining.map { request.rename?[$0] ?? $0 } + (request.addColumns ?? [:]).keys.sorted()
        if Set(finalNames).count != finalNames.count {
            throw SwiftLakeError.invalid("duplicate_column", "The output would have duplicate column names: \(finalNames.joined(separator: ", ")).")
        }
        if remaining.isEmpty && (request.addColumns ?? [:]).isEmpty {
            throw SwiftLakeError.invalid("no_columns_left", "'drop_columns' would remove every column.")
        }
    }

    /// Whether a row is deleted, as SQL (the same text in DuckDB's and Spark's dialects).
    var deleted: String { request.deleteWhere.map { "coalesce((\($0)), false)" } ?? "false" }
    /// Whether `updates` apply to a row, as SQL (the same text in DuckDB's and Spark's dialects).
    var matched: String { request.predicate.map { "coalesce((\($0)), false)" } ?? "true" }

    /// One row: rows read, rows deleted, rows updated.
    func countSQL() -> String {
        let updates = (request.updates ?? [:]).isEmpty ? "0" : "count(*) FILTER (WHERE NOT \(deleted) AND \(matched))"
        return "SELECT count(*), count(*) FILTER (WHERE \(deleted)), \(updates) FROM t"
    }

    /// The query producing the output rows.
    func selectSQL(columns: [ResultColumn]) -> String {
        let dropped = Set(request.dropColumns ?? [])
        var items: [String] = []
        for column in columns where !dropped.contains(column.name) {
            var value = SQL.identifier(column.name)
            if let expression = request.updates?[column.name] {
                let updated = "CAST((\(expression)) AS \(column.type))"
                value = request.predicate == nil ? updated : "CASE WHEN \(matched) THEN \(updated) ELSE \(value) END"
            }
            items.append("\(value) AS \(SQL.identifier(request.rename?[column.name] ?? column.name))")
        }
        for (name, expression) in (request.addColumns ?? [:]).sorted(by: { $0.key < $1.key }) {
            items.append("(\(expression)) AS \(SQL.identifier(name))")
        }
        return "SELECT \(items.joined(separator: ", ")) FROM t WHERE NOT \(deleted)"
    }
}
