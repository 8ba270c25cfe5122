import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

@Suite("Delta MERGE")
struct DeltaMergeTests {
    /// ids 1–5 (version 0, one file) and 6–10 (version 1, another), `qty` = id × 10, `name` = n<id>.
    static func table(_ lake: Lakehouse, _ path: String) async throws {
        for range in [1...5, 6...10] {
            let rows = range.map { ["id": DeltaRowValue.int(Int64($0)), "name": .string("n\($0)"), "qty": .int(Int64($0 * 10))] }
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: rows))
        }
    }

    static func rows(_ pairs: [(Int64, Int64)]) -> [[String: DeltaRowValue]] {
        pairs.map { ["id": .int($0.0), "qty": .int($0.1)] }
    }

    static func commitInfo(_ lake: Lakehouse, _ path: String) async throws -> [String: SwiftLake.JSONValue] {
        let history = try await lake.deltaHistory(path: path, limit: 1)
        guard case .object(let entry)? = history.history.first else { return [:] }
        return entry
    }

    @Test("matched delete/update and conditional insert: only the file with matches is rewritten, the other is not read")
    func matchedAndInserted() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.table(lake, path)
        // 2: update; 3: delete (qty < 0); 11: inserted; 12: no insert (qty not > 0).
        let result = try await lake.deltaMerge(DeltaMergeRequest(
            path: path, source: DeltaMergeSource(rows: Self.rows([(2, 200), (3, -1), (11, 110), (12, 0)])), on: "t.id = s.id",
            clauses: [
                DeltaMergeClause(when: .matched, condition: "s.qty < 0", action: .delete),
                DeltaMergeClause(when: .matched, action: .update, set: ["qty": "s.qty", "t.name": "'upd'"]),
                DeltaMergeClause(when: .notMatched, condition: "s.qty > 0", action: .insertAll),
            ]))
        #expect(result.committed && result.version == 2)
        // Keys {2, 3, 11, 12} rule out the file of 6–10 by its statistics.
        #expect(result.filesScanned == 1 && result.filesSkipped == 1)
        #expect(result[metric: "numSourceRows"] == 4)
        #expect(result[metric: "numTargetRowsUpdated"] == 1 && result[metric: "numTargetRowsMatchedUpdated"] == 1)
        #expect(result[metric: "numTargetRowsDeleted"] == 1 && result[metric: "numTargetRowsMatchedDeleted"] == 1)
        #expect(result[metric: "numTargetRowsInserted"] == 1)
        #expect(result[metric: "numTargetRowsCopied"] == 3)            // 1, 4, 5 share the file with 2 and 3
        #expect(result[metric: "numOutputRows"] == 5)                  // 3 copied + 1 updated + 1 inserted
        #expect(result[metric: "numTargetFilesRemoved"] == 1 && result[metric: "numTargetFilesAdded"] == 1)

        let info = try await Self.commitInfo(lake, path)
        #expect(info["operation"] == .string("MERGE"))
        guard case .object(let metrics)? = info["operationMetrics"], case .object(let parameters)? = info["operationParameters"] else {
            Issue.record("no metrics or parameters in \(info)")
            return
        }
        #expect(metrics["numTargetRowsCopied"] == .string("3") && metrics["numSourceRows"] == .string("4"))
        #expect(parameters["predicate"] == .string("t.id = s.id"))
        #expect(parameters["matchedPredicates"] == .string(#"[{"predicate":"s.qty < 0","actionType":"delete"},{"actionType":"update"}]"#))
        #expect(parameters["notMatchedPredicates"] == .string(#"[{"predicate":"s.qty > 0","actionType":"insert"}]"#))
        #expect(parameters["notMatchedBySourcePredicates"] == .string("[]"))

        let expected = ["id=1|name=n1|qty=10", "id=10|name=n10|qty=100", "id=11|name=∅|qty=110", "id=2|name=upd|qty=200",
                        "id=4|name=n4|qty=40", "id=5|name=n5|qty=50", "id=6|name=n6|qty=60", "id=7|name=n7|qty=70",
                        "id=8|name=n8|qty=80", "id=9|name=n9|qty=90"].sorted()
        #expect(try await ourRows(lake, path, columns: ["id", "name", "qty"]) == expected)
        guard let view = try await deltaRsView(path) else { return }
        #expect(view.rows == expected && view.version == 2 && view.operations.first == "MERGE")
    }

    @Test("not matched by source: update and delete rows the source lacks; update_all copies the source's columns")
    func notMatchedBySource() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.table(lake, path)
        let result = try await lake.deltaMerge(DeltaMergeRequest(
            path: path, source: DeltaMergeSource(rows: [["id": .int(1), "name": .string("one"), "qty": .int(1)]]), on: "t.id = s.id",
            clauses: [
                DeltaMergeClause(when: .matched, action: .updateAll),
                DeltaMergeClause(when: .notMatchedBySource, condition: "t.id > 8", action: .delete),
                DeltaMergeClause(when: .notMatchedBySource, action: .update, set: ["name": "'stale'"]),
            ]))
        // Every file is read (rows the source lacks may be anywhere); 1 matched, 2–8 stale, 9–10 deleted.
        #expect(result.filesScanned == 2 && result.filesSkipped == 0)
        #expect(result[metric: "numTargetRowsMatchedUpdated"] == 1 && result[metric: "numTargetRowsNotMatchedBySourceUpdated"] == 7)
        #expect(result[metric: "numTargetRowsUpdated"] == 8)
        #expect(result[metric: "numTargetRowsNotMatchedBySourceDeleted"] == 2 && result[metric: "numTargetRowsDeleted"] == 2)
        #expect(result[metric: "numTargetRowsCopied"] == 0 && result[metric: "numTargetRowsInserted"] == 0)
        #expect(result[metric: "numOutputRows"] == 8 && result[metric: "numTargetFilesRemoved"] == 2)
        let rows = try await ourRows(lake, path, columns: ["id", "name", "qty"])
        #expect(rows.count == 8 && rows.contains("id=1|name=one|qty=1") && rows.contains("id=8|name=stale|qty=80"))
        #expect(!rows.contains { $0.hasPrefix("id=9|") || $0.hasPrefix("id=10|") })
    }

    @Test("clauses of a kind apply in order, the first whose condition holds wins; an unreachable clause is a 400")
    func clauseOrder() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.table(lake, path)
        let result = try await lake.deltaMerge(DeltaMergeRequest(
            path: path, source: DeltaMergeSource(rows: Self.rows([(1, 500), (2, 50), (3, 5), (20, 500), (21, 1)])),
            sourceAlias: "src", targetAlias: "tgt", on: "tgt.id = src.id",
            clauses: [
                DeltaMergeClause(when: .matched, condition: "src.qty > 100", action: .update, set: ["name": "'big'"]),
                DeltaMergeClause(when: .matched, condition: "src.qty > 10", action: .update, set: ["name": "'medium'"]),
                DeltaMergeClause(when: .matched, action: .update, set: ["name": "'small'", "qty": "tgt.qty + src.qty"]),
                DeltaMergeClause(when: .notMatched, condition: "src.qty > 100", action: .insert, values: ["id": "src.id", "name": "'big-new'"]),
                DeltaMergeClause(when: .notMatched, action: .insert, values: ["id": "src.id", "name": "'other'"]),
            ]))
        #expect(result[metric: "numTargetRowsUpdated"] == 3 && result[metric: "numTargetRowsInserted"] == 2)
        let rows = try await ourRows(lake, path, columns: ["id", "name", "qty"])
        #expect(rows.contains("id=1|name=big|qty=10") && rows.contains("id=2|name=medium|qty=20") && rows.contains("id=3|name=small|qty=35"))
        #expect(rows.contains("id=20|name=big-new|qty=∅") && rows.contains("id=21|name=other|qty=∅"))

        let error = await expectError(.invalidRequest) {
            _ = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(rows: Self.rows([(1, 1)])), on: "t.id = s.id",
                clauses: [DeltaMergeClause(when: .matched, action: .delete),
                          DeltaMergeClause(when: .matched, condition: "s.qty > 0", action: .updateAll)]))
        }
        #expect(error?.code == "unreachable_clause")
        let wrongAction = await expectError(.invalidRequest) {
            _ = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(rows: Self.rows([(1, 1)])), on: "t.id = s.id",
                clauses: [DeltaMergeClause(when: .notMatched, action: .delete)]))
        }
        #expect(wrongAction?.code == "invalid_clause")
    }

    @Test("several source rows matching one target row is a 400 and writes nothing; an unconditional delete allows them")
    func multipleMatches() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.table(lake, path)
        let before = filesBelow(path)
        let error = await expectError(.invalidRequest) {
            _ = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(rows: Self.rows([(4, 1), (4, 2), (30, 3)])),
                on: "t.id = s.id", clauses: [DeltaMergeClause(when: .matched, action: .updateAll),
                                             DeltaMergeClause(when: .notMatched, action: .insertAll)]))
        }
        #expect(error?.code == "multiple_source_rows_match")
        #expect(error?.message.contains("DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE") == true)
        #expect(filesBelow(path) == before)
        #expect(try await lake.deltaDetail(path: path).version == 1)

        let deleted = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(rows: Self.rows([(4, 1), (4, 2)])),
            on: "t.id = s.id", clauses: [DeltaMergeClause(when: .matched, action: .delete)]))
        #expect(deleted[metric: "numTargetRowsDeleted"] == 1 && deleted[metric: "numTargetRowsCopied"] == 4)
        #expect(try await ourRows(lake, path, columns: ["id"]).count == 9)
    }

    @Test("an insert-only merge reads the target: matched keys are not inserted, and the commit is not a blind append")
    func insertOnly() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.table(lake, path)
        let result = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(rows: Self.rows([(5, 0), (50, 500)])),
            on: "t.id = s.id", clauses: [DeltaMergeClause(when: .notMatched, action: .insertAll)]))
        #expect(result[metric: "numTargetRowsInserted"] == 1 && result[metric: "numTargetFilesRemoved"] == 0)
        #expect(result[metric: "numTargetRowsCopied"] == 0 && result[metric: "numTargetFilesAdded"] == 1)
        let info = try await Self.commitInfo(lake, path)
        #expect(info["isBlindAppend"] == .bool(false))
        #expect(try await ourRows(lake, path, columns: ["id"]).count == 11)

        // Nothing to do: nothing committed.
        let none = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(rows: Self.rows([(5, 0)])),
            on: "t.id = s.id", clauses: [DeltaMergeClause(when: .notMatched, action: .insertAll)]))
        #expect(!none.committed && none.version == result.version)
    }

    @Test("new keys outside every file: no file is read, the conditional inserts come straight from the source, and a CHECK still holds")
    func insertOnlyNewKeys() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.table(lake, path)
        _ = try await lake.deltaAddConstraint(path: path, name: "qty_not_negative", expression: "qty >= 0")
        let before = try await lake.deltaHistory(path: path, limit: 100).history.count
        // A key range above every file's (ids 1–10): statistics skip both files.
        let insert = [DeltaMergeClause(when: .notMatched, condition: "s.qty > 100", action: .insertAll)]
        let result = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(rows: Self.rows([(100, 1000), (101, 50), (102, 2000)])),
            on: "t.id = s.id", clauses: insert))
        #expect(result.filesScanned == 0 && result.filesSkipped == 2)
        // Hand-reasoned: 100 and 102 pass the condition, 101 does not.
        #expect(result[metric: "numTargetRowsInserted"] == 2 && result[metric: "numTargetRowsCopied"] == 0)
        #expect(result[metric: "numTargetFilesAdded"] == 1 && result[metric: "numOutputRows"] == 2 && result[metric: "numSourceRows"] == 3)
        let ids = try await ourRows(lake, path, columns: ["id"]).compactMap { Int($0.dropFirst("id=".count)) }.sorted()
        #expect(ids == Array(1...10) + [100, 102])

        // A row that breaks the constraint: refused, nothing committed, nothing else inserted.
        await #expect(throws: SwiftLakeError.self) {
            _ = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(rows: Self.rows([(200, 500), (201, -1)])),
                on: "t.id = s.id", clauses: [DeltaMergeClause(when: .notMatched, action: .insertAll)]))
        }
        #expect(try await lake.deltaHistory(path: path, limit: 100).history.count == before + 1)
        #expect(try await ourRows(lake, path, columns: ["id"]).count == 12)

        // Nothing passes the condition: nothing committed.
        let none = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(rows: Self.rows([(300, 1)])),
            on: "t.id = s.id", clauses: insert))
        #expect(!none.committed && none.version == result.version)
    }

    @Test("a Delta table (at a version) and Parquet files reshaped by sql work as sources")
    func otherSources() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t"), other = dir.file("src")
        try await Self.table(lake, path)
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: other, rows: Self.rows([(1, 1000), (99, 990)])))
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: other, rows: Self.rows([(2, 2000)])))
        let result = try await lake.deltaMerge(DeltaMergeRequest(
            path: path, source: DeltaMergeSource(delta: DeltaMergeTableSource(path: other, version: 0)), on: "t.id = s.id",
            clauses: [DeltaMergeClause(when: .matched, action: .update, set: ["qty": "s.qty"]),
                      DeltaMergeClause(when: .notMatched, action: .insertAll)]))
        #expect(result[metric: "numSourceRows"] == 2 && result[metric: "numTargetRowsUpdated"] == 1 && result[metric: "numTargetRowsInserted"] == 1)
        let rows = try await ourRows(lake, path, columns: ["id", "qty"])
        #expect(rows.contains("id=1|qty=1000") && rows.contains("id=99|qty=990") && rows.contains("id=2|qty=20"))

        // The other table's data files, as plain Parquet, reshaped by sql.
        let fromFiles = try await lake.deltaMerge(DeltaMergeRequest(
            path: path, source: DeltaMergeSource(sourcePaths: [other + "/*.parquet"], sql: "SELECT id, qty * 2 AS qty FROM t WHERE id = 2"),
            on: "t.id = s.id", clauses: [DeltaMergeClause(when: .matched, action: .update, set: ["qty": "s.qty"])]))
        #expect(fromFiles[metric: "numSourceRows"] == 1 && fromFiles[metric: "numTargetRowsUpdated"] == 1)
        #expect(try await ourRows(lake, path, columns: ["id", "qty"]).contains("id=2|qty=4000"))
    }

    @Test("delta-rs runs the same merge on a copy of the table and both tables read the same rows")
    func deltaRsOracle() async throws {
        let (lake, dir) = try makeWriteLake()
        let ours = dir.file("ours"), theirs = dir.file("theirs")
        try await Self.table(lake, ours)
        try FileManager.default.copyItem(atPath: ours, toPath: theirs)
        let source: [(Int64, String, Int64)] = [(2, "a", 200), (3, "b", -1), (7, "c", 700), (11, "d", 110), (12, "e", 0), (13, "f", 130)]
        let result = try await lake.deltaMerge(DeltaMergeRequest(
            path: ours, source: DeltaMergeSource(rows: source.map { ["id": .int($0.0), "name": .string($0.1), "qty": .int($0.2)] }),
            on: "t.id = s.id",
            clauses: [
                DeltaMergeClause(when: .matched, condition: "s.qty < 0", action: .delete),
                DeltaMergeClause(when: .matched, action: .update, set: ["qty": "s.qty + t.qty", "name": "s.name"]),
                DeltaMergeClause(when: .notMatched, condition: "s.qty > 0", action: .insert, values: ["id": "s.id", "name": "s.name", "qty": "s.qty"]),
                DeltaMergeClause(when: .notMatchedBySource, condition: "t.id > 8", action: .update, set: ["name": "'stale'"]),
                DeltaMergeClause(when: .notMatchedBySource, condition: "t.id = 1", action: .delete),
            ]))
        let script = """
        dt = DeltaTable(sys.argv[1])
        source = pa.table({"id": pa.array([2, 3, 7, 11, 12, 13], pa.int64()), "name": ["a", "b", "c", "d", "e", "f"],
                           "qty": pa.array([200, -1, 700, 110, 0, 130], pa.int64())})
        m = (dt.merge(source=source, predicate="t.id = s.id", source_alias="s", target_alias="t")
             .when_matched_delete(predicate="s.qty < 0")
             .when_matched_update(updates={"qty": "s.qty + t.qty", "name": "s.name"})
             .when_not_matched_insert(updates={"id": "s.id", "name": "s.name", "qty": "s.qty"}, predicate="s.qty > 0")
             .when_not_matched_by_source_update(updates={"name": "'stale'"}, predicate="t.id > 8")
             .when_not_matched_by_source_delete(predicate="t.id = 1")
             .execute())
        import json
        print(json.dumps(m))
        """
        guard let output = try await deltaRsWrite(script, [theirs]) else { return }
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(result[metric: "numSourceRows"] == (metrics["num_source_rows"] as? Int).map(Int64.init))
        #expect(result[metric: "numTargetRowsInserted"] == (metrics["num_target_rows_inserted"] as? Int).map(Int64.init))
        #expect(result[metric: "numTargetRowsUpdated"] == (metrics["num_target_rows_updated"] as? Int).map(Int64.init))
        #expect(result[metric: "numTargetRowsDeleted"] == (metrics["num_target_rows_deleted"] as? Int).map(Int64.init))
        // Hand-reasoned: 2, 7 updated, 9, 10 stale (4); 3 and 1 deleted (2); 11, 13 inserted (2).
        #expect(result[metric: "numTargetRowsUpdated"] == 4 && result[metric: "numTargetRowsDeleted"] == 2 && result[metric: "numTargetRowsInserted"] == 2)

        guard let mine = try await deltaRsView(ours), let oracle = try await deltaRsView(theirs) else { return }
        #expect(mine.rows == oracle.rows)
        #expect(mine.rows.count == 10)
        #expect(mine.operations.first == "MERGE" && oracle.operations.first == "MERGE")
        #expect(try await ourRows(lake, theirs, columns: ["id", "name", "qty"]) == oracle.rows)
    }

    @Test("partitioned table: the source's partition and id keys skip the other partition, inserts open a new partition, updates move rows; delta-rs agrees")
    func partitioned() async throws {
        let (lake, dir) = try makeWriteLake()
        let ours = dir.file("ours"), theirs = dir.file("theirs")
        let rows: [[String: DeltaRowValue]] = (1...6).map {
            ["id": .int(Int64($0)), "region": .string($0 <= 3 ? "north" : "south"), "qty": .int(Int64($0 * 10))]
        }
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: ours, rows: rows, partitionColumns: ["region"]))
        try FileManager.default.copyItem(atPath: ours, toPath: theirs)
        let first = try await lake.deltaMerge(DeltaMergeRequest(
            path: ours, source: DeltaMergeSource(rows: [["id": .int(2), "region": .string("north"), "qty": .int(99)],
                                                        ["id": .int(7), "region": .string("east"), "qty": .int(1)]]),
            on: "t.region = s.region AND t.id = s.id",
            clauses: [DeltaMergeClause(when: .matched, action: .update, set: ["qty": "s.qty"]),
                      DeltaMergeClause(when: .notMatched, action: .insertAll)]))
        #expect(first.filesScanned == 1 && first.filesSkipped == 1)
        #expect(first[metric: "numTargetRowsUpdated"] == 1 && first[metric: "numTargetRowsInserted"] == 1 && first[metric: "numTargetRowsCopied"] == 2)
        // The rewritten north file and the new east file.
        #expect(first[metric: "numTargetFilesAdded"] == 2 && first[metric: "numTargetFilesRemoved"] == 1)
        let second = try await lake.deltaMerge(DeltaMergeRequest(
            path: ours, source: DeltaMergeSource(rows: [["id": .int(4)]]), on: "t.id = s.id",
            clauses: [DeltaMergeClause(when: .matched, action: .update, set: ["region": "'west'"])]))
        #expect(second[metric: "numTargetRowsUpdated"] == 1 && second[metric: "numTargetFilesRemoved"] == 1)

        let script = """
        dt = DeltaTable(sys.argv[1])
        s1 = pa.table({"id": pa.array([2, 7], pa.int64()), "region": ["north", "east"], "qty": pa.array([99, 1], pa.int64())})
        (dt.merge(source=s1, predicate="t.region = s.region AND t.id = s.id", source_alias="s", target_alias="t")
           .when_matched_update(updates={"qty": "s.qty"})
           .when_not_matched_insert(updates={"id": "s.id", "region": "s.region", "qty": "s.qty"}).execute())
        dt = DeltaTable(sys.argv[1])
        s2 = pa.table({"id": pa.array([4], pa.int64())})
        (dt.merge(source=s2, predicate="t.id = s.id", source_alias="s", target_alias="t")
           .when_matched_update(updates={"region": "'west'"}).execute())
        """
        guard try await deltaRsWrite(script, [theirs]) != nil, let mine = try await deltaRsView(ours), let oracle = try await deltaRsView(theirs) else { return }
        #expect(mine.rows == oracle.rows && mine.rows.count == 7)
        #expect(mine.rows.contains("id=4|qty=40|region=west") && mine.rows.contains("id=7|qty=1|region=east"))
        #expect(try await ourRows(lake, ours, columns: ["id", "qty", "region"]) == oracle.rows)
    }
}
