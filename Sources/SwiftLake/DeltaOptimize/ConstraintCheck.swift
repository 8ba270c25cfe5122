import DeltaLake
import DuckDB

/// Enforces a Delta table's CHECK constraints (`delta.constraints.<name>` properties) on the
/// rows a write is about to commit.
///
/// Every write path calls ``check(relation:on:)`` on its staged rows next to the NOT NULL
/// check (``DeltaWritePlan/checkNotNull(relation:on:)``), before any file is written or
/// committed. As in Spark, a row violates a constraint when its expression is false **or
/// NULL**. The expressions are evaluated by DuckDB: one Spark SQL cannot be evaluated here is
/// a 422 naming it (nothing is written).
struct ConstraintCheck {
    /// The constraints, sorted by name: name → SQL expression.
    let constraints: [(name: String, expression: String)]

    /// The constraints of a table with `configuration` (its metadata's properties).
    init(configuration: [String: String]) {
        var found: [(String, String)] = []
        for (key, value) in configuration where key.hasPrefix(Self.prefix) {
            found.append((String(key.dropFirst(Self.prefix.count)), value))
        }
        constraints = found.sorted { $0.0 < $1.0 }
    }

    /// The property prefix of a constraint.
    static let prefix = "delta.constraints."

    /// The SQL that is true for rows violating `expression`.
    static func violates(_ expression: String) -> String { "NOT coalesce((\(expression)), false)" }

    /// Counts the rows of `relation` (a table, view or parenthesised subquery with the table's
    /// columns) violating each constraint; throws a 422 `check_constraint_violation` naming
    /// the first constraint violated, how many rows violate it, and one such row.
    func check(relation: String, on connection: Connection) throws {
        guard !constraints.isEmpty else { return }
        let counts: [Value]
        do {
            let items = constraints.map { "count(*) FILTER (WHERE \(Self.violates($0.expression)))" }
            counts = try connection.query("SELECT count(*), \(items.joined(separator: ", ")) FROM \(relation)").rows()[0]
        } catch let error as DuckDBError {
            throw unevaluable(error, on: connection, relation: relation)
        }
        for (index, constraint) in constraints.enumerated() where counts[index + 1].intValue > 0 {
            let example = (try? connection.query("SELECT * FROM \(relation) WHERE \(Self.violates(constraint.expression)) LIMIT 1"))
                .flatMap { result -> String? in
                    let columns = result.columns.map(\.name)
                    guard let row = try? result.rows().first else { return nil }
                    return zip(columns, row).filter { !$0.0.hasPrefix("__swiftlake") }.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
                }
            throw SwiftLakeError(.unprocessable, code: "check_constraint_violation",
                "CHECK constraint \(constraint.name) (\(constraint.expression)) is violated by \(counts[index + 1].intValue) of the \(counts[0].intValue) rows to write"
                    + (example.map { ", e.g. the row (\($0))" } ?? "")
                    + " (a NULL result violates too). Nothing was written; fix or filter those rows, or drop the constraint.")
        }
    }

    /// A 422 naming the constraint DuckDB could not evaluate.
    private func unevaluable(_ error: DuckDBError, on connection: Connection, relation: String) -> SwiftLakeError {
        var culprit = constraints.first!
        for constraint in constraints where (try? connection.query("SELECT count(*) FILTER (WHERE \(Self.violates(constraint.expression))) FROM (SELECT * FROM \(relation) LIMIT 0)")) == nil {
            culprit = constraint
            break
        }
        return SwiftLakeError(.unprocessable, code: "constraint_not_evaluable",
            "The table's CHECK constraint \(culprit.name) (\(culprit.expression)) cannot be evaluated by SwiftLake (\(error.message)), so rows cannot be checked against it. Nothing was written; write with a client that understands it, or drop and re-add it in SQL both understand.")
    }
}
