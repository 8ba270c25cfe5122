import DeltaLake
import Foundation
import SparkConnect

/// The Spark SQL of a MERGE, built on the clauses ``DeltaMergePlan`` checked and numbered
/// (its `CASE` of the clause each row takes, and each clause's expression per column); the
/// same rules as ``DeltaMergeRun`` on DuckDB, with Spark's types in the casts.
///
/// Target rows have no row ids on Spark, so the target is split instead of numbered:
///
/// - **matched**: with several source rows per target row refused, the inner join of the
///   candidate target rows and the source on `on` (one row per target row once
///   ``counts`` has shown there are no duplicates); when they are allowed (the only
///   matched clause an unconditional delete, or none), a semi join (each target row once;
///   the clause cannot depend on which source row matched);
/// - **not matched by source**: the anti join, with the source's columns NULL (a left
///   join with an empty source), as DuckDB's left join leaves them;
/// - **inserted**: the source rows the anti join keeps, with their `not_matched` clause.
///
/// The candidate target rows are the ``SparkDeltaScan`` of the files that can match, with
/// each row's file, written out in each part (not a common table expression: its file
/// column is nondeterministic for Spark, which would then shuffle the table to share it).
struct SparkDeltaMergeQuery {
    /// The column holding an inserted row's clause number.
    static let clauseColumn = "__swiftlake_clause"
    /// The common table expression of the source rows.
    static let sourceName = "swiftlake_merge_source"

    let plan: DeltaMergePlan
    let on: String
    /// The aliases as Spark identifiers.
    let s: String, t: String
    /// `WITH …` defining `t` (the source's data) and the source rows.
    let with: String
    /// The candidate target rows, as a parenthesised query.
    let targetRows: String
    /// Every relation the queries read: the source's and the target's files.
    let sources: [SparkFileSource]
    /// The table's partition columns: the written rows are distributed by them.
    let partitionColumns: [String]

    init(plan: DeltaMergePlan, on: String, sourceAlias: String, targetAlias: String,
         source: SparkDeltaMergeSource, target: SparkDeltaScan, partitionColumns: [String]) {
        self.plan = plan
        self.partitionColumns = partitionColumns
        self.on = on
        s = SparkSQL.identifier(sourceAlias)
        t = SparkSQL.identifier(targetAlias)
        with = source.with
        targetRows = "(\n\(target.table)\n)"
        sources = source.sources + target.sources
    }

    private var file: String { "\(t).\(SparkSQL.identifier(SparkDeltaScan.fileColumn))" }
    private var sourceRows: String { Self.sourceName }
    /// The source with no rows: joined to target rows to give them NULL source columns.
    private var noSourceRow: String { "(SELECT * FROM \(sourceRows) LIMIT 0) AS \(s) ON true" }

    /// Target rows some source row matches, with `t` and `s` in scope.
    var matchedRows: String {
        if plan.allowsMultipleMatches {
            return "(SELECT * FROM \(targetRows) AS \(t) LEFT SEMI JOIN \(sourceRows) AS \(s) ON (\(on))) AS \(t) LEFT JOIN \(noSourceRow)"
        }
        return "\(targetRows) AS \(t) JOIN \(sourceRows) AS \(s) ON (\(on))"
    }

    /// Target rows no source row matches, with `t` and `s` (all NULL) in scope.
    var unmatchedRows: String {
        "(SELECT * FROM \(targetRows) AS \(t) LEFT ANTI JOIN \(sourceRows) AS \(s) ON (\(on))) AS \(t) LEFT JOIN \(noSourceRow)"
    }

    /// Source rows no target row matches, as `s` with their `not_matched` clause (0: none).
    var unmatchedSourceRows: String {
        "(SELECT \(s).*, \(plan.choice(.notMatched)) AS \(Self.clauseColumn) FROM \(sourceRows) AS \(s) LEFT ANTI JOIN \(targetRows) AS \(t) ON (\(on))) AS \(s)"
    }

    /// One query for everything the merge must know before writing, rows of
    /// `(kind, file, clause, count)`: kind 0 matched target rows by file and clause, 1 target
    /// rows no source row matches by file and clause, 2 unmatched source rows by clause, 3
    /// the target rows some source row matches (once each; only when several matches are
    /// refused: more rows of kind 0 than this means some target row matched twice), 4 the
    /// source's rows.
    var counts: String {
        let file = self.file
        var parts = [
            "SELECT 0 AS kind, f, c, count(*) AS n FROM (SELECT \(file) AS f, \(plan.choice(.matched)) AS c FROM \(matchedRows)) AS swiftlake_m GROUP BY f, c",
            "SELECT 1, f, c, count(*) FROM (SELECT \(file) AS f, \(plan.choice(.notMatchedBySource)) AS c FROM \(unmatchedRows)) AS swiftlake_u GROUP BY f, c",
            "SELECT 2, CAST(NULL AS STRING), \(s).\(Self.clauseColumn), count(*) FROM \(unmatchedSourceRows) GROUP BY \(s).\(Self.clauseColumn)",
        ]
        if !plan.allowsMultipleMatches {
            parts.append("SELECT 3, CAST(NULL AS STRING), 0, count(*) FROM \(targetRows) AS \(t) LEFT SEMI JOIN \(sourceRows) AS \(s) ON (\(on))")
        }
        parts.append("SELECT 4, CAST(NULL AS STRING), 0, count(*) FROM \(sourceRows)")
        return "\(with)\n" + parts.joined(separator: "\nUNION ALL\n")
    }

    /// The rows to write: the rows of `touched` (Spark's paths) that stay, changed by their
    /// clause, and, when `inserts`, the inserted rows. `nil` when there are none.
    ///
    /// In a partitioned table they are distributed by the partition columns first (as Delta's
    /// MERGE does with `repartitionBeforeWrite`), so each partition gets one new file, not one
    /// per Spark task: as many files as DuckDB writes, which later merges then rewrite alike.
    func rows(touched: [String], inserts: Bool) throws -> String? {
        var parts: [String] = []
        if !touched.isEmpty {
            let list = touched.map(SparkSQL.string).joined(separator: ", ")
            for (from, clause) in [(matchedRows, plan.choice(.matched)), (unmatchedRows, plan.choice(.notMatchedBySource))] {
                let kept = plan.deleting.isEmpty ? "" : " AND (\(clause)) NOT IN (\(plan.deleting.map(String.init).joined(separator: ", ")))"
                parts.append("SELECT \(targetSelect(clause: clause)) FROM \(from) WHERE \(file) IN (\(list))\(kept)")
            }
        }
        if inserts {
            let clause = "\(s).\(Self.clauseColumn)"
            parts.append("SELECT \(insertSelect(clause: clause)) FROM \(unmatchedSourceRows) WHERE \(clause) > 0")
        }
        guard !parts.isEmpty else { return nil }
        let union = parts.joined(separator: "\nUNION ALL\n")
        guard !partitionColumns.isEmpty else { return "\(with)\n\(union)" }
        let distribute = partitionColumns.map(SparkSQL.identifier).joined(separator: ", ")
        return "\(with)\nSELECT * FROM (\n\(union)\n) AS swiftlake_merged DISTRIBUTE BY \(distribute)"
    }

    /// Every expression of the request in one select list over a target row and a source row,
    /// for Spark to analyze (`LIMIT 0`: nothing is read).
    func probe(_ expressions: [String]) -> String {
        let items = expressions.enumerated().map { "(\($1)) AS e\($0)" }
        return "\(with)\nSELECT \(items.joined(separator: ", ")) FROM \(targetRows) AS \(t) CROSS JOIN \(sourceRows) AS \(s) LIMIT 0"
    }

    /// The target columns of a target row under its clause (`clause`, the SQL of its number):
    /// columns the clause sets take its expression cast to the column's type, the others
    /// keep their value.
    func targetSelect(clause: String) -> String {
        plan.schema.fields.map { field in
            let name = SparkSQL.identifier(field.name)
            let type = SparkSQL.type(field.type)
            let branches = plan.updating.compactMap { n in
                plan.expression(clause: n, column: field.name).map { "WHEN \(n) THEN CAST((\($0)) AS \(type))" }
            }
            let current = "\(t).\(name)"
            return branches.isEmpty ? "\(current) AS \(name)" : "CASE \(clause) \(branches.joined(separator: " ")) ELSE \(current) END AS \(name)"
        }.joined(separator: ", ")
    }

    /// The target columns of an inserted row; columns its clause does not set are NULL.
    func insertSelect(clause: String) -> String {
        plan.schema.fields.map { field in
            let name = SparkSQL.identifier(field.name)
            let type = SparkSQL.type(field.type)
            let branches = plan.numbers(.notMatched).compactMap { n in
                plan.expression(clause: n, column: field.name).map { "WHEN \(n) THEN CAST((\($0)) AS \(type))" }
            }
            return branches.isEmpty ? "CAST(NULL AS \(type)) AS \(name)"
                : "CASE \(clause) \(branches.joined(separator: " ")) ELSE CAST(NULL AS \(type)) END AS \(name)"
        }.joined(separator: ", ")
    }

    /// Refuses (400 `invalid_expression`) text that is not one expression once spliced into a
    /// query inside parentheses: a closing parenthesis without its opening one, an unclosed
    /// one or quote, a `;`, or a comment (which would swallow what follows). Spark then
    /// checks the rest when it analyzes the query.
    static func checkExpression(_ text: String, field: String) throws {
        var depth = 0
        var quote: Character?
        var escaped = false
        var previous: Character?
        for c in text {
            defer { previous = c }
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" && q == "'" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "'", "\"", "`": quote = c
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth < 0 { throw invalid(field, text) }
            case ";": throw invalid(field, text)
            case "-" where previous == "-", "*" where previous == "/": throw invalid(field, text)
            default: break
            }
        }
        if depth != 0 || quote != nil { throw invalid(field, text) }
    }

    private static func invalid(_ field: String, _ text: String) -> SwiftLakeError {
        SwiftLakeError.invalid("invalid_expression", "'\(field)' must be a single SQL expression; got '\(text)'.")
    }
}
