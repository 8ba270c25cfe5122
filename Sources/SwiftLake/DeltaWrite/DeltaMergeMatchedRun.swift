import DeltaLake
import DuckDB
import Foundation

/// The engine part of a MERGE without `not matched by source` clauses on a table without
/// deletion vectors, the common upsert: only the target rows the source matches are ever
/// materialized, instead of every row of every candidate file (``DeltaMergeRun``, which the
/// other merges take).
///
/// 1. The staged source becomes a temporary table numbering its rows (`__swiftlake_sid`).
/// 2. The target rows `on` pairs with a source row are kept with that row's number, their
///    file and their row index in it (a target row with several source rows is refused
///    unless allowed), and each gets its matched clause number.
/// 3. The unmatched source rows get their insert clause number.
/// 4. The changed rows (updated and inserted) are checked against NOT NULL columns and CHECK
///    constraints, then one write takes them with the rows of the touched files no clause
///    changed (an anti-join on file and row index) straight from the scan.
///
/// When file skipping leaves no candidate file (an insert-only merge of new keys), steps 1–3
/// are skipped: the rows to insert come straight from the staged source.
struct DeltaMergeMatchedRun: @unchecked Sendable {
    let plan: DeltaMergePlan
    /// The candidate files; it must expose the row index.
    let scan: DeltaTargetScan
    /// The source rows as a DuckDB table expression (``DeltaMergeStagedSource/relation``).
    let sourceRelation: String
    /// The size of the source's Parquet files (rows inserted straight from the source are
    /// written as one file when they fit, see ``DataFileWriter/write(relation:sizeHint:on:)``).
    var sourceBytes: Int64? = nil
    let on: String
    let sourceAlias: String
    let targetAlias: String

    static let matchedSid = "__swiftlake_msid"
    static let clauseColumn = "__swiftlake_clause"

    func execute(writer: DataFileWriter, on connection: Connection) throws -> DeltaMergeRun.Outcome {
        precondition(scan.exposesRowIndex, "DeltaMergeMatchedRun needs the scan's row index")
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let src = "__swiftlake_merge_src_\(suffix)", pairs = "__swiftlake_merge_pairs_\(suffix)"
        let act = "__swiftlake_merge_act_\(suffix)", ins = "__swiftlake_merge_ins_\(suffix)", changed = "__swiftlake_merge_chg_\(suffix)"
        defer {
            for name in [changed, ins, act, pairs, src] { try? connection.execute("DROP TABLE IF EXISTS \(name)") }
            try? connection.execute("DROP VIEW IF EXISTS \(changed)")
            try? connection.execute(scan.teardown())
        }
        let s = SQL.identifier(sourceAlias), t = SQL.identifier(targetAlias)
        let sid = SQL.identifier(DeltaMergeRun.sid), msid = SQL.identifier(Self.matchedSid), clause = SQL.identifier(Self.clauseColumn)
        let file = SQL.identifier(DeltaTargetScan.fileColumn), row = SQL.identifier(DeltaTargetScan.rowIndexColumn)

        try scan.setup(on: connection)
        let staged = sourceRelation
        // No candidate file (the source's keys lie outside every file's): every source row is
        // unmatched, so the rows to insert come straight from the staged source, through a
        // view (checked, then written; never copied into a table first).
        if scan.files.isEmpty {
            try validate(over: "\(scan.view) AS \(t) CROSS JOIN \(staged) AS \(s)", on: connection)
            try connection.execute("""
                CREATE TEMP VIEW \(changed) AS SELECT \(try plan.insertSelect(clause: "\(s).\(clause)"))
                FROM (SELECT \(s).*, \(plan.choice(.notMatched)) AS \(clause) FROM \(staged) AS \(s)) AS \(s) WHERE \(s).\(clause) > 0
                """)
            return try finish(changed: changed, touchedPaths: [], act: nil, matched: (0, 0), sizeHint: sourceBytes, writer: writer, on: connection)
        }
        try connection.execute("CREATE TEMP TABLE \(src) AS SELECT *, row_number() OVER () AS \(sid) FROM \(staged)")
        try validate(over: "\(scan.view) AS \(t) CROSS JOIN \(src) AS \(s)", on: connection)

        // 2. The matched target rows (the condition as written: a hash join, see DeltaMergeRun).
        try connection.execute("CREATE TEMP TABLE \(pairs) AS SELECT \(t).*, \(s).\(sid) AS \(msid) FROM \(scan.view) AS \(t) JOIN \(src) AS \(s) ON (\(on))")
        var distinctPairs = pairs
        if plan.allowsMultipleMatches {
            distinctPairs = "(SELECT * FROM \(pairs) QUALIFY row_number() OVER (PARTITION BY \(file), \(row) ORDER BY \(msid)) = 1)"
        } else {
            let duplicated = try connection.query("SELECT \(file), \(row), count(*) FROM \(pairs) GROUP BY ALL HAVING count(*) > 1 LIMIT 1").rows()
            if let first = duplicated.first {
                throw SwiftLakeError.invalid("multiple_source_rows_match",
                    "\(first[2].intValue) source rows match the same target row, so the merge cannot tell which one to apply (Spark's DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE). Nothing was written. Make the source unique on the join keys (e.g. 'source.sql' with GROUP BY or QUALIFY row_number() OVER (PARTITION BY id ORDER BY …) = 1) or tighten 'on'.")
            }
        }
        try connection.execute("""
            CREATE TEMP TABLE \(act) AS SELECT \(t).*, \(plan.choice(.matched)) AS \(clause)
            FROM \(distinctPairs) AS \(t) JOIN \(src) AS \(s) ON \(s).\(sid) = \(t).\(msid)
            """)
        // 3. Unmatched source rows and their insert clause.
        try connection.execute("""
            CREATE TEMP TABLE \(ins) AS SELECT \(s).\(sid) AS \(sid), \(plan.choice(.notMatched)) AS \(clause)
            FROM \(src) AS \(s) ANTI JOIN \(pairs) AS p ON p.\(msid) = \(s).\(sid)
            """)

        var matchedUpdated: Int64 = 0, matchedDeleted: Int64 = 0
        for counted in try connection.query("SELECT \(clause), count(*) FROM \(act) WHERE \(clause) > 0 GROUP BY ALL").rows() {
            if plan.deleting.contains(counted[0].intValue) { matchedDeleted += Int64(counted[1].intValue) } else { matchedUpdated += Int64(counted[1].intValue) }
        }
        var touchedPaths: [String] = []
        for touched in try connection.query("SELECT DISTINCT \(file) FROM \(act) WHERE \(clause) > 0 ORDER BY 1").rows() {
            if case .varchar(let path) = touched[0] { touchedPaths.append(path) }
        }

        // 4. The changed rows, checked; then they and the unchanged rows of the touched files.
        let kept = plan.deleting.isEmpty ? "" : " AND \(t).\(clause) NOT IN (\(plan.deleting.map(String.init).joined(separator: ", ")))"
        try connection.execute("""
            CREATE TEMP TABLE \(changed) AS
            SELECT \(try plan.targetSelect(clause: "\(t).\(clause)"))
            FROM \(act) AS \(t) JOIN \(src) AS \(s) ON \(s).\(sid) = \(t).\(msid) WHERE \(t).\(clause) > 0\(kept)
            UNION ALL
            SELECT \(try plan.insertSelect(clause: "m.\(clause)"))
            FROM \(ins) AS m JOIN \(src) AS \(s) ON \(s).\(sid) = m.\(sid) WHERE m.\(clause) > 0
            """)
        return try finish(changed: changed, touchedPaths: touchedPaths, act: act, matched: (matchedUpdated, matchedDeleted),
                          writer: writer, on: connection)
    }

    /// Checks `on` and every clause expression over `both` (the target and source relations).
    private func validate(over both: String, on connection: Connection) throws {
        try ReadOnlyStatement.validateExpression(on, over: both, on: connection, field: "on")
        for (field, expression) in plan.expressions {
            try ReadOnlyStatement.validateExpression(expression, over: both, on: connection, field: field)
        }
    }

    /// Checks the changed rows (NOT NULL, CHECK) and writes them with the unchanged rows of
    /// the touched files (those `act` does not change), then counts.
    private func finish(changed: String, touchedPaths: [String], act: String?, matched: (updated: Int64, deleted: Int64),
                        sizeHint: Int64? = nil, writer: DataFileWriter, on connection: Connection) throws -> DeltaMergeRun.Outcome {
        let t = SQL.identifier(targetAlias), clause = SQL.identifier(Self.clauseColumn)
        let file = SQL.identifier(DeltaTargetScan.fileColumn), row = SQL.identifier(DeltaTargetScan.rowIndexColumn)
        let notNull = DeltaWritePlan(schema: plan.schema, addedColumns: [], selectList: "")
        try notNull.checkNotNull(relation: changed, on: connection)
        try ConstraintCheck(configuration: writer.configuration).check(relation: changed, on: connection)
        // Without touched files every written row is a changed one: no count needed, only
        // whether there is a row at all.
        let counted: Int64? = touchedPaths.isEmpty ? nil
            : Int64(try connection.query("SELECT count(*) FROM \(changed)").rows()[0][0].intValue)
        let anyChanged = try counted.map { $0 > 0 } ?? !connection.query("SELECT 1 FROM \(changed) LIMIT 1").rows().isEmpty

        var outcome = DeltaMergeRun.Outcome()
        var relation = "SELECT * FROM \(changed)"
        if let act, !touchedPaths.isEmpty {
            let columns = plan.schema.fields.map { "\(t).\(SQL.identifier($0.name))" }.joined(separator: ", ")
            relation = """
                SELECT \(columns) FROM \(scan.view) AS \(t)
                ANTI JOIN (SELECT \(file), \(row) FROM \(act) WHERE \(clause) > 0) AS c ON c.\(file) = \(t).\(file) AND c.\(row) = \(t).\(row)
                WHERE \(t).\(file) IN (SELECT unnest(\(SQL.list(touchedPaths))))
                UNION ALL
                """ + "\n" + relation
        }
        outcome.adds = touchedPaths.isEmpty && !anyChanged ? [] : try writer.write(relation: "(\(relation))", sizeHint: sizeHint, on: connection)
        let written = outcome.adds.compactMap(\.numRecords).reduce(0, +)
        let changedRows = counted ?? written
        let touched = Set(touchedPaths)
        outcome.touched = scan.files.filter { touched.contains($0.path) }.map(\.add)
        let inserted = changedRows - matched.updated
        outcome.counts = [
            "numTargetRowsInserted": inserted,
            "numTargetRowsUpdated": matched.updated,
            "numTargetRowsMatchedUpdated": matched.updated,
            "numTargetRowsNotMatchedBySourceUpdated": 0,
            "numTargetRowsDeleted": matched.deleted,
            "numTargetRowsMatchedDeleted": matched.deleted,
            "numTargetRowsNotMatchedBySourceDeleted": 0,
            "numTargetRowsCopied": written - changedRows,
            "numOutputRows": written,
        ]
        return outcome
    }
}
