import DeltaLake
import DuckDB
import Foundation

/// The engine part of a MERGE, on one connection:
///
/// 1. the staged source becomes a temporary table numbering its rows (`__swiftlake_sid`),
///    the candidate target rows another (`__swiftlake_rid`, with each row's file);
/// 2. `on` pairs them; a target row with several source rows is refused (unless allowed);
/// 3. each target row gets its clause number (matched, or not matched by source), each
///    unmatched source row its not-matched clause number;
/// 4. the files with changed rows are rewritten, with the inserted rows, by ``DataFileWriter``;
///    with ``usesDeletionVectors`` only the updated and inserted rows are written, and the
///    changed rows of files that keep some rows are returned by file (``Outcome/marked``) to be
///    marked deleted in deletion vectors; files all of whose rows change are removed.
struct DeltaMergeRun: @unchecked Sendable {
    /// What the run produced: files to remove, files added, Spark's row metrics.
    struct Outcome: @unchecked Sendable {
        /// Files removed: rewritten (copy-on-write) or, with deletion vectors, all of whose rows changed.
        var touched: [AddFile] = []
        var adds: [AddFile] = []
        /// With deletion vectors: absolute path → row indexes of the changed rows of files that keep other rows.
        var marked: [String: [UInt64]] = [:]
        /// Physical row counts of marked files whose log entry has no `numRecords`.
        var physicalRows: [String: Int64] = [:]
        var counts: [String: Int64] = [:]
    }

    static let sid = "__swiftlake_sid"
    static let rid = "__swiftlake_rid"

    let plan: DeltaMergePlan
    let scan: DeltaTargetScan
    /// The source rows as a DuckDB table expression (``DeltaMergeStagedSource/relation``).
    let sourceRelation: String
    let on: String
    let sourceAlias: String
    let targetAlias: String
    /// Whether changed rows are marked in deletion vectors instead of their files being rewritten
    /// (the scan must expose its row index).
    var usesDeletionVectors = false

    func execute(writer: DataFileWriter, on connection: Connection) throws -> Outcome {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let src = "__swiftlake_merge_src_\(suffix)", tgt = "__swiftlake_merge_tgt_\(suffix)"
        let pairs = "__swiftlake_merge_pairs_\(suffix)", act = "__swiftlake_merge_act_\(suffix)"
        let ins = "__swiftlake_merge_ins_\(suffix)", out = "__swiftlake_merge_out_\(suffix)"
        defer {
            for name in [out, ins, act, pairs, tgt, src] { try? connection.execute("DROP TABLE IF EXISTS \(name)") }
            try? connection.execute(scan.teardown())
        }
        let s = SQL.identifier(sourceAlias), t = SQL.identifier(targetAlias)
        let sid = SQL.identifier(Self.sid), rid = SQL.identifier(Self.rid), file = SQL.identifier(DeltaTargetScan.fileColumn)

        try scan.setup(on: connection)
        try connection.execute("CREATE TEMP TABLE \(src) AS SELECT *, row_number() OVER () AS \(sid) FROM \(sourceRelation)")
        try connection.execute("CREATE TEMP TABLE \(tgt) AS SELECT *, row_number() OVER () AS \(rid) FROM \(scan.view)")
        let both = "\(tgt) AS \(t) CROSS JOIN \(src) AS \(s)"
        try ReadOnlyStatement.validateExpression(on, over: both, on: connection, field: "on")
        for (field, expression) in plan.expressions {
            try ReadOnlyStatement.validateExpression(expression, over: both, on: connection, field: field)
        }

        // 2. Pairs, and the one-source-row-per-target-row rule. The condition goes into the
        // join as written: an inner join already drops pairs whose condition is NULL, and
        // wrapped in coalesce(…) DuckDB cannot see its equalities and falls back to a
        // nested-loop join (10M × 1M comparisons: a merge that never finishes).
        try connection.execute("""
            CREATE TEMP TABLE \(pairs) AS SELECT \(t).\(rid) AS rid, \(s).\(sid) AS sid
            FROM \(tgt) AS \(t) JOIN \(src) AS \(s) ON (\(on))
            """)
        if !plan.allowsMultipleMatches {
            let duplicated = try connection.query("SELECT rid, count(*) FROM \(pairs) GROUP BY rid HAVING count(*) > 1 LIMIT 1").rows()
            if let first = duplicated.first {
                throw SwiftLakeError.invalid("multiple_source_rows_match",
                    "\(first[1].intValue) source rows match the same target row, so the merge cannot tell which one to apply (Spark's DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE). Nothing was written. Make the source unique on the join keys (e.g. 'source.sql' with GROUP BY or QUALIFY row_number() OVER (PARTITION BY id ORDER BY …) = 1) or tighten 'on'.")
            }
        }

        // 3. Each candidate target row's clause (0: unchanged).
        try connection.execute("""
            CREATE TEMP TABLE \(act) AS
            SELECT \(t).\(rid) AS rid, \(t).\(file) AS file, p.sid AS sid,
                   CASE WHEN p.sid IS NOT NULL THEN \(plan.choice(.matched)) ELSE \(plan.choice(.notMatchedBySource)) END AS clause
            FROM \(tgt) AS \(t)
            LEFT JOIN (SELECT rid, min(sid) AS sid FROM \(pairs) GROUP BY rid) AS p ON p.rid = \(t).\(rid)
            LEFT JOIN \(src) AS \(s) ON \(s).\(sid) = p.sid
            """)
        // … and each unmatched source row's insert clause.
        try connection.execute("""
            CREATE TEMP TABLE \(ins) AS
            SELECT \(s).\(sid) AS sid, \(plan.choice(.notMatched)) AS clause
            FROM \(src) AS \(s) WHERE NOT EXISTS (SELECT 1 FROM \(pairs) AS p WHERE p.sid = \(s).\(sid))
            """)

        var outcome = Outcome()
        let perClause = try connection.query("SELECT clause, CAST(sid IS NOT NULL AS INTEGER) AS matched, count(*) FROM \(act) WHERE clause > 0 GROUP BY ALL").rows()
        var matchedUpdated: Int64 = 0, matchedDeleted: Int64 = 0, sourceUpdated: Int64 = 0, sourceDeleted: Int64 = 0
        for row in perClause {
            let clause = row[0].intValue, count = Int64(row[2].intValue)
            let matched = row[1].intValue == 1
            let deletes = plan.deleting.contains(clause)
            switch (matched, deletes) {
            case (true, true): matchedDeleted += count
            case (true, false): matchedUpdated += count
            case (false, true): sourceDeleted += count
            case (false, false): sourceUpdated += count
            }
        }
        let inserted = Int64(try connection.query("SELECT count(*) FROM \(ins) WHERE clause > 0").rows()[0][0].intValue)

        // 4. Files with changed rows, and the rows to write.
        let touchedRows = try connection.query("SELECT file, count(*) FILTER (WHERE clause = 0) FROM \(act) GROUP BY file HAVING count(*) FILTER (WHERE clause > 0) > 0").rows()
        var touchedPaths: [String] = [], copied: Int64 = 0
        var keeps: [String: Bool] = [:]
        for row in touchedRows {
            if case .varchar(let path) = row[0] {
                touchedPaths.append(path)
                keeps[path] = row[1].intValue > 0
            }
            copied += Int64(row[1].intValue)
        }
        var partialPaths: [String] = []
        if usesDeletionVectors {
            // Only changed rows leave their files; a file keeping none of its rows is removed whole.
            copied = 0
            partialPaths = touchedPaths.filter { keeps[$0] ?? false }
        }
        var inTouched = touchedPaths.isEmpty ? "false" : "m.file IN (SELECT unnest(\(SQL.list(touchedPaths))))"
        if usesDeletionVectors { inTouched += " AND m.clause > 0" }
        let deleteList = plan.deleting.isEmpty ? "" : " AND m.clause NOT IN (\(plan.deleting.map(String.init).joined(separator: ", ")))"
        try connection.execute("""
            CREATE TEMP TABLE \(out) AS
            SELECT \(try plan.targetSelect(clause: "m.clause"))
            FROM \(act) AS m JOIN \(tgt) AS \(t) ON \(t).\(rid) = m.rid LEFT JOIN \(src) AS \(s) ON \(s).\(sid) = m.sid
            WHERE \(inTouched)\(deleteList)
            UNION ALL
            SELECT \(try plan.insertSelect(clause: "m.clause"))
            FROM \(ins) AS m JOIN \(src) AS \(s) ON \(s).\(sid) = m.sid WHERE m.clause > 0
            """)
        let notNull = DeltaWritePlan(schema: plan.schema, addedColumns: [], selectList: "")
        try notNull.checkNotNull(relation: out, on: connection)
        try ConstraintCheck(configuration: writer.configuration).check(relation: out, on: connection)
        let written = Int64(try connection.query("SELECT count(*) FROM \(out)").rows()[0][0].intValue)
        outcome.adds = written > 0 ? try writer.write(relation: out, on: connection) : []
        let partial = Set(partialPaths)
        let touched = Set(touchedPaths).subtracting(partial)
        outcome.touched = scan.files.filter { touched.contains($0.path) }.map(\.add)
        if !partialPaths.isEmpty {
            let row = SQL.identifier(DeltaTargetScan.rowIndexColumn)
            outcome.marked = try DeletionVectorMarking.collect(connection.query("""
                SELECT m.file, \(t).\(row) FROM \(act) AS m JOIN \(tgt) AS \(t) ON \(t).\(rid) = m.rid
                WHERE m.clause > 0 AND m.file IN (SELECT unnest(\(SQL.list(partialPaths))))
                """))
            outcome.physicalRows = try DeletionVectorMarking.missingRowCounts(in: scan, files: partialPaths, on: connection)
        }
        outcome.counts = [
            "numTargetRowsInserted": inserted,
            "numTargetRowsUpdated": matchedUpdated + sourceUpdated,
            "numTargetRowsMatchedUpdated": matchedUpdated,
            "numTargetRowsNotMatchedBySourceUpdated": sourceUpdated,
            "numTargetRowsDeleted": matchedDeleted + sourceDeleted,
            "numTargetRowsMatchedDeleted": matchedDeleted,
            "numTargetRowsNotMatchedBySourceDeleted": sourceDeleted,
            "numTargetRowsCopied": copied,
            "numOutputRows": written,
        ]
        return outcome
    }
}
