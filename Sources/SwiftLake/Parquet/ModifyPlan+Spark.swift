import SparkConnect

/// The Spark SQL a modify request becomes: the same steps as ``ModifyPlan/selectSQL(columns:)``
/// and ``ModifyPlan/countSQL()``, spelt for Spark. The user's expressions are passed through
/// unchanged (both dialects read double-quoted identifiers as columns); the casts SwiftLake adds
/// name Spark's types of the input columns.
extension ModifyPlan {
    /// One row: rows read, rows deleted, rows updated.
    func sparkCountSQL() -> String {
        let updates = (request.updates ?? [:]).isEmpty ? "CAST(0 AS BIGINT)" : "count_if(NOT \(deleted) AND \(matched))"
        return "SELECT count(*), count_if(\(deleted)), \(updates) FROM t"
    }

    /// The columns `updates` set, in name order, with their expressions as a query over `t`
    /// (columns `u0`, `u1`, …): what the expressions' own types are, before the cast to the
    /// column's type. `nil` without updates.
    func sparkUpdateTypesSQL() -> (columns: [String], sql: String)? {
        let updates = (request.updates ?? [:]).sorted { $0.key < $1.key }
        guard !updates.isEmpty else { return nil }
        let items = updates.enumerated().map { i, update in "(\(update.value)) AS u\(i)" }
        return (updates.map(\.key), "SELECT \(items.joined(separator: ", ")) FROM t")
    }

    /// The query producing the output rows, in one partition (so Spark writes one file, rows
    /// in the file's order: a single file is read split by split in offset order, and
    /// `COALESCE(1)` concatenates the splits without a shuffle). `types` are Spark's types of
    /// the input columns, by name.
    func sparkSelectSQL(columns: [ResultColumn], types: [String: SparkDataType], addedCasts: [String: String] = [:]) -> String {
        let dropped = Set(request.dropColumns ?? [])
        var items: [String] = []
        for column in columns where !dropped.contains(column.name) {
            var value = SparkSQL.identifier(column.name)
            if let expression = request.updates?[column.name], let type = types[column.name] {
                let updated = "CAST((\(expression)) AS \(type))"
                value = request.predicate == nil ? updated : "CASE WHEN \(matched) THEN \(updated) ELSE \(value) END"
            }
            items.append("\(value) AS \(SparkSQL.identifier(request.rename?[column.name] ?? column.name))")
        }
        for (name, expression) in (request.addColumns ?? [:]).sorted(by: { $0.key < $1.key }) {
            let value = addedCasts[name].map { "CAST((\(expression)) AS \($0))" } ?? "(\(expression))"
            items.append("\(value) AS \(SparkSQL.identifier(name))")
        }
        return "SELECT /*+ COALESCE(1) */ \(items.joined(separator: ", ")) FROM t WHERE NOT \(deleted)"
    }
}
