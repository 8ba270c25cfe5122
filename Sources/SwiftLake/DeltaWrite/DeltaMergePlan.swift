import DeltaLake
import Foundation

/// The SQL of a MERGE's clauses, checked against the target's schema and the source's
/// columns: which clause each row takes (a `CASE` numbering the clauses from 1, 0 for none)
/// and each target column's value under each clause.
///
/// Rows are numbered with the clause's position in the request (1-based), so one number
/// names one clause across kinds.
struct DeltaMergePlan: Sendable {
    let clauses: [DeltaMergeClause]
    let schema: DeltaSchema
    let source: String
    let target: String
    /// The source's column names.
    let sourceColumns: Set<String>

    /// Checks the clauses: actions fit their kind, only the last clause of a kind may go
    /// without a condition, set/values name target columns.
    init(clauses: [DeltaMergeClause], schema: DeltaSchema, sourceAlias: String, targetAlias: String, sourceColumns: [String]) throws {
        guard !clauses.isEmpty else {
            throw SwiftLakeError.invalid("no_clauses", "A MERGE needs at least one clause, e.g. {\"when\": \"matched\", \"action\": \"update_all\"}.")
        }
        var unconditional: Set<DeltaMergeClause.When> = []
        for (index, clause) in clauses.enumerated() {
            let allowed: [DeltaMergeClause.Action] = switch clause.when {
            case .matched: [.update, .updateAll, .delete]
            case .notMatched: [.insert, .insertAll]
            case .notMatchedBySource: [.update, .delete]
            }
            guard allowed.contains(clause.action) else {
                throw SwiftLakeError.invalid("invalid_clause",
                    "Clause \(index + 1): '\(clause.action.rawValue)' is not allowed when '\(clause.when.rawValue)'; use one of \(allowed.map(\.rawValue).joined(separator: ", ")).")
            }
            if unconditional.contains(clause.when) {
                throw SwiftLakeError.invalid("unreachable_clause",
                    "Clause \(index + 1) can never apply: an earlier '\(clause.when.rawValue)' clause has no condition. Give the earlier clause a condition or move it last.")
            }
            if clause.condition.map({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) ?? true { unconditional.insert(clause.when) }
            if clause.action == .update && (clause.set ?? [:]).isEmpty {
                throw SwiftLakeError.invalid("invalid_clause", "Clause \(index + 1) updates but has no 'set', e.g. {\"qty\": \"s.qty\"}.")
            }
            if clause.action == .insert && (clause.values ?? [:]).isEmpty {
                throw SwiftLakeError.invalid("invalid_clause", "Clause \(index + 1) inserts but has no 'values', e.g. {\"id\": \"s.id\"}.")
            }
        }
        self.clauses = clauses
        self.schema = schema
        source = SQL.identifier(sourceAlias)
        target = SQL.identifier(targetAlias)
        self.sourceColumns = Set(sourceColumns)
        let names = schema.fields.map(\.name)
        for (index, clause) in clauses.enumerated() {
            for key in (clause.set ?? [:]).keys.sorted() + (clause.values ?? [:]).keys.sorted() where Self.strip(key, alias: targetAlias, schema: schema) == nil {
                throw SwiftLakeError.invalid("unknown_column",
                    "Clause \(index + 1) sets '\(key)', which the table does not have. Its columns: \(names.joined(separator: ", ")).")
            }
        }
        self.normalized = clauses.map { clause in
            var assignments: [String: String] = [:]
            for (key, expression) in (clause.set ?? clause.values ?? [:]) {
                if let name = Self.strip(key, alias: targetAlias, schema: schema) { assignments[name] = expression }
            }
            return assignments
        }
    }

    /// Per clause: target column → expression (`set` or `values`, with target-alias prefixes removed).
    private var normalized: [[String: String]] = []

    /// `t.qty`, `qty` or `"qty"` → `qty` when the table has it.
    private static func strip(_ key: String, alias: String, schema: DeltaSchema) -> String? {
        var name = key.trimmingCharacters(in: .whitespaces)
        if name.hasPrefix(alias + ".") { name.removeFirst(alias.count + 1) }
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
        if schema.field(named: name) != nil { return name }
        return schema.fields.first { $0.name.lowercased() == name.lowercased() }?.name
    }

    /// Clause numbers (1-based) of a kind.
    func numbers(_ when: DeltaMergeClause.When) -> [Int] {
        clauses.indices.filter { clauses[$0].when == when }.map { $0 + 1 }
    }

    /// Numbers of clauses that delete, and that update.
    var deleting: [Int] { clauses.indices.filter { clauses[$0].action == .delete }.map { $0 + 1 } }
    var updating: [Int] { clauses.indices.filter { [.update, .updateAll].contains(clauses[$0].action) }.map { $0 + 1 } }

    /// Whether several source rows may match one target row: only when the matched clauses
    /// are a single unconditional delete (as in Delta).
    var allowsMultipleMatches: Bool {
        let matched = clauses.filter { $0.when == .matched }
        return matched.isEmpty || (matched.count == 1 && matched[0].action == .delete && matched[0].condition == nil)
    }

    /// `CASE` giving the first clause of `when` whose condition holds, else 0.
    func choice(_ when: DeltaMergeClause.When) -> String {
        let numbers = numbers(when)
        guard !numbers.isEmpty else { return "0" }
        let branches = numbers.map { n -> String in
            let condition = clauses[n - 1].condition.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            return "WHEN \(condition.map { "coalesce((\($0)), false)" } ?? "true") THEN \(n)"
        }
        return "CASE \(branches.joined(separator: " ")) ELSE 0 END"
    }

    /// The select list of the rewritten target rows: `clause` is the SQL of the row's clause
    /// number; columns no taken clause sets keep the target's value.
    func targetSelect(clause: String) throws -> String {
        try schema.fields.map { field in
            let name = SQL.identifier(field.name)
            let type = try DeltaColumnTypes.duckDBType(field.type, column: field.name)
            var branches: [String] = []
            for n in updating {
                if let expression = expression(clause: n, column: field.name) {
                    branches.append("WHEN \(n) THEN CAST((\(expression)) AS \(type))")
                }
            }
            let current = "\(target).\(name)"
            return branches.isEmpty ? "\(current) AS \(name)" : "CASE \(clause) \(branches.joined(separator: " ")) ELSE \(current) END AS \(name)"
        }.joined(separator: ", ")
    }

    /// The select list of inserted rows; columns an insert does not set are NULL.
    func insertSelect(clause: String) throws -> String {
        try schema.fields.map { field in
            let name = SQL.identifier(field.name)
            let type = try DeltaColumnTypes.duckDBType(field.type, column: field.name)
            var branches: [String] = []
            for n in numbers(.notMatched) {
                if let expression = expression(clause: n, column: field.name) {
                    branches.append("WHEN \(n) THEN CAST((\(expression)) AS \(type))")
                }
            }
            return branches.isEmpty ? "CAST(NULL AS \(type)) AS \(name)"
                : "CASE \(clause) \(branches.joined(separator: " ")) ELSE CAST(NULL AS \(type)) END AS \(name)"
        }.joined(separator: ", ")
    }

    /// The expression clause `n` gives `column`, if it sets it.
    func expression(clause n: Int, column: String) -> String? {
        let clause = clauses[n - 1]
        switch clause.action {
        case .updateAll, .insertAll:
            return sourceColumns.contains(column) ? "\(source).\(SQL.identifier(column))" : nil
        case .update, .insert:
            return normalized[n - 1][column]
        case .delete:
            return nil
        }
    }

    /// Every expression and condition the request gives, with a name for error messages.
    var expressions: [(field: String, sql: String)] {
        var all: [(String, String)] = []
        for (index, clause) in clauses.enumerated() {
            if let condition = clause.condition { all.append(("clauses[\(index)].condition", condition)) }
            for (column, expression) in normalized[index].sorted(by: { $0.key < $1.key }) {
                all.append(("clauses[\(index)].\(clause.action == .insert ? "values" : "set").\(column)", expression))
            }
        }
        return all
    }

    /// The `matchedPredicates`, `notMatchedPredicates` and `notMatchedBySourcePredicates`
    /// parameters, as Spark writes them (`[{"predicate":"…","actionType":"update"}]`).
    func predicates(_ when: DeltaMergeClause.When) -> String {
        let items = numbers(when).map { n -> String in
            let clause = clauses[n - 1]
            let type = switch clause.action {
            case .update, .updateAll: "update"
            case .delete: "delete"
            case .insert, .insertAll: "insert"
            }
            // predicate first, as Spark orders the fields
            let predicate = clause.condition.map { "\"predicate\":\(DeltaLake.JSONValue.string($0).description)," } ?? ""
            return "{\(predicate)\"actionType\":\"\(type)\"}"
        }
        return "[" + items.joined(separator: ",") + "]"
    }
}
