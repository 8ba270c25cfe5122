import Foundation
import HummingbirdTesting
import SwiftLake
import SwiftLakeServer
import Testing

/// The request shapes of the "Delta writing" issue (`partition_by`, `source: {"parquet": …}`,
/// `when_matched` / `when_not_matched` / `when_not_matched_by_source`), accepted as aliases of
/// today's fields, and the `metrics` every write answers with.
@Suite struct DeltaWriteShapeRouteTests {
    /// `[id, region, quantity]` rows of a read, in id order.
    private func rows(_ client: any TestClientProtocol, _ path: String) async throws -> [[String]] {
        let read = try await client.post("/api/delta/read", json: """
            {"path": "\(path)", "sql": "SELECT id, region, quantity FROM t ORDER BY id"}
            """).json()
        return try #require(read["rows"] as? [[Any]]).map { $0.map { "\($0)" } }
    }

    private func metrics(_ body: [String: Any]) throws -> [String: Int] {
        try #require(body["metrics"] as? [String: Any], "no metrics in \(body)").compactMapValues { int($0) }
    }

    @Test func theIssuesShapesWriteUpdateDeleteAndMerge() async throws {
        try await withServer(testOptions()) { client, _ in
            // sales.parquet ids 1…8: region ['north','south','east','west'][1 + id % 4],
            // quantity 1 + (id * 13) % 20 → 1 south 14, 2 east 7, 3 west 20, 4 north 13,
            // 5 south 6, 6 east 19, 7 west 12, 8 north 5.
            let written = try await client.post("/api/delta/write", json: """
                {"path": "issue_sales", "mode": "overwrite", "partition_by": ["region"],
                 "source": {"parquet": ["sales.parquet"], "sql": "SELECT id, region, quantity FROM t WHERE id <= 8"}}
                """)
            #expect(written.status == .ok, "\(written.text)")
            let writeBody = try written.json()
            let writeMetrics = try metrics(writeBody)
            #expect(int(writeBody["version"]) == 0 && int(writeBody["rows_inserted"]) == 8 && int(writeBody["files_added"]) == 4)
            #expect(writeMetrics["numOutputRows"] == 8 && writeMetrics["numFiles"] == 4, "\(writeMetrics)")
            #expect(writeMetrics["executionTimeMs"] != nil)
            let detail = try await client.post("/api/delta/detail", json: #"{"path": "issue_sales"}"#).json()
            #expect(detail["partition_columns"] as? [String] == ["region"], "\(detail)")
            #expect(try await rows(client, "issue_sales") == [
                ["1", "south", "14"], ["2", "east", "7"], ["3", "west", "20"], ["4", "north", "13"],
                ["5", "south", "6"], ["6", "east", "19"], ["7", "west", "12"], ["8", "north", "5"],
            ])

            // The issue's plain form: all of sales.parquet, no sql.
            let plain = try await client.post("/api/delta/write", json: """
                {"path": "issue_all", "mode": "append", "source": {"parquet": ["sales.parquet"]}}
                """)
            #expect(plain.status == .ok, "\(plain.text)")
            #expect(try metrics(plain.json())["numOutputRows"] == 10_000)

            // update: the north file (ids 4 and 8) is rewritten with both rows changed.
            let updated = try await client.post("/api/delta/update", json: """
                {"path": "issue_sales", "predicate": "region = 'north'", "updates": {"quantity": "quantity * 10"}}
                """)
            #expect(updated.status == .ok, "\(updated.text)")
            let updateBody = try updated.json()
            let updateMetrics = try metrics(updateBody)
            #expect(int(updateBody["version"]) == 1 && int(updateBody["rows_updated"]) == 2)
            #expect(updateMetrics["numUpdatedRows"] == 2 && updateMetrics["numCopiedRows"] == 0
                    && updateMetrics["numRemovedFiles"] == 1 && updateMetrics["numAddedFiles"] == 1, "\(updateMetrics)")

            // delete: id 1 shares the south file with id 5, which is copied.
            let deleted = try await client.post("/api/delta/delete", json: #"{"path": "issue_sales", "predicate": "id = 1"}"#)
            #expect(deleted.status == .ok, "\(deleted.text)")
            let deleteBody = try deleted.json()
            let deleteMetrics = try metrics(deleteBody)
            #expect(int(deleteBody["version"]) == 2 && int(deleteBody["rows_deleted"]) == 1)
            #expect(deleteMetrics["numDeletedRows"] == 1 && deleteMetrics["numCopiedRows"] == 1
                    && deleteMetrics["numRemovedFiles"] == 1 && deleteMetrics["numAddedFiles"] == 1, "\(deleteMetrics)")
            #expect(try await rows(client, "issue_sales") == [
                ["2", "east", "7"], ["3", "west", "20"], ["4", "north", "130"], ["5", "south", "6"],
                ["6", "east", "19"], ["7", "west", "12"], ["8", "north", "50"],
            ])

            // merge: 2 matched → update all (quantity 70); 3 matched with s.quantity < 0 → deleted;
            // 9 unmatched → inserted; of the targets no source row matches (4, 5, 6, 7, 8) only
            // the south one (5) is updated, 6 → 7.
            let merged = try await client.post("/api/delta/merge", json: """
                {"path": "issue_sales",
                 "source": {"rows": [{"id": 2, "region": "east", "quantity": 70}, {"id": 3, "region": "west", "quantity": -1},
                                     {"id": 9, "region": "south", "quantity": 3}]},
                 "source_alias": "s", "target_alias": "t", "on": "t.id = s.id",
                 "when_matched": [{"action": "delete", "predicate": "s.quantity < 0"}, {"action": "update", "set": "all"}],
                 "when_not_matched": [{"action": "insert", "values": "all"}],
                 "when_not_matched_by_source": [{"action": "update", "set": {"quantity": "t.quantity + 1"}, "predicate": "t.region = 'south'"}]}
                """)
            #expect(merged.status == .ok, "\(merged.text)")
            let mergeBody = try merged.json()
            let mergeMetrics = try metrics(mergeBody)
            #expect(int(mergeBody["version"]) == 3)
            #expect(mergeMetrics["numSourceRows"] == 3 && mergeMetrics["numTargetRowsInserted"] == 1
                    && mergeMetrics["numTargetRowsUpdated"] == 2 && mergeMetrics["numTargetRowsDeleted"] == 1
                    && mergeMetrics["numTargetRowsMatchedUpdated"] == 1 && mergeMetrics["numTargetRowsMatchedDeleted"] == 1
                    && mergeMetrics["numTargetRowsNotMatchedBySourceUpdated"] == 1, "\(mergeMetrics)")
            #expect(try await rows(client, "issue_sales") == [
                ["2", "east", "70"], ["4", "north", "130"], ["5", "south", "7"], ["6", "east", "19"],
                ["7", "west", "12"], ["8", "north", "50"], ["9", "south", "3"],
            ])

            // The issue's merge source shapes: {"parquet": […]} and {"delta": "path"}; the
            // not-matched-by-source delete removes what the source lacks.
            let fromDelta = try await client.post("/api/delta/merge", json: """
                {"path": "issue_sales", "source": {"delta": "issue_sales", "sql": "SELECT * FROM t WHERE id >= 8"},
                 "on": "t.id = s.id", "when_not_matched_by_source": [{"action": "delete", "predicate": "t.id < 5"}]}
                """)
            #expect(fromDelta.status == .ok, "\(fromDelta.text)")
            #expect(try metrics(fromDelta.json())["numTargetRowsDeleted"] == 2)
            let fromParquet = try await client.post("/api/delta/merge", json: """
                {"path": "issue_sales", "source": {"parquet": ["sales.parquet"], "sql": "SELECT id, region, quantity FROM t WHERE id = 10"},
                 "on": "t.id = s.id", "when_not_matched": [{"action": "insert", "values": {"id": "s.id", "region": "s.region", "quantity": "0"}}]}
                """)
            #expect(fromParquet.status == .ok, "\(fromParquet.text)")
            #expect(try metrics(fromParquet.json())["numTargetRowsInserted"] == 1)
            // id 10: region ['north','south','east','west'][1 + 10 % 4] = east.
            #expect(try await rows(client, "issue_sales") == [
                ["5", "south", "7"], ["6", "east", "19"], ["7", "west", "12"], ["8", "north", "50"],
                ["9", "south", "3"], ["10", "east", "0"],
            ])
        }
    }

    @Test func todaysShapesStillWorkAndAnswerWithMetrics() async throws {
        try await withServer(testOptions()) { client, _ in
            let written = try await client.post("/api/delta/write", json: """
                {"path": "old", "rows": [{"id": 1, "region": "north"}, {"id": 2, "region": "south"}], "partition_columns": ["region"]}
                """)
            #expect(written.status == .ok, "\(written.text)")
            let body = try written.json()
            #expect(int(body["rows_inserted"]) == 2 && int(body["files_added"]) == 2)
            #expect(try metrics(body)["numOutputRows"] == 2)
            // Same partitioning under both names is fine.
            let both = try await client.post("/api/delta/write", json: """
                {"path": "old", "rows": [{"id": 3, "region": "north"}], "partition_columns": ["region"], "partition_by": ["region"]}
                """)
            #expect(both.status == .ok, "\(both.text)")
            let merged = try await client.post("/api/delta/merge", json: """
                {"path": "old", "source": {"rows": [{"id": 3, "region": "east"}]}, "on": "t.id = s.id",
                 "clauses": [{"when": "matched", "action": "update_all"}]}
                """)
            #expect(merged.status == .ok, "\(merged.text)")
            #expect(try metrics(merged.json())["numTargetRowsUpdated"] == 1)
            let nothing = try await client.post("/api/delta/delete", json: #"{"path": "old", "predicate": "id = 99"}"#)
            #expect(nothing.status == .ok, "\(nothing.text)")
            #expect(try nothing.json()["metrics"] as? [String: Any] != nil)
        }
    }

    @Test func conflictingFieldsAre400sNamingThem() async throws {
        try await withServer(testOptions()) { client, _ in
            func expectError(_ json: String, route: String = "/api/delta/write", code: String, naming names: [String]) async throws {
                let response = try await client.post(route, json: json)
                #expect(response.status == .badRequest, "\(json): \(response.text)")
                let error = try #require(try response.json()["error"] as? [String: Any], "\(response.text)")
                #expect(error["code"] as? String == code, "\(response.text)")
                let message = error["message"] as? String ?? ""
                for name in names { #expect(message.contains("'\(name)'"), "\(message) should name '\(name)'") }
            }
            try await expectError("""
                {"path": "c", "partition_by": ["region"], "partition_columns": ["id"], "rows": [{"id": 1, "region": "x"}]}
                """, code: "conflicting_fields", naming: ["partition_by", "partition_columns"])
            try await expectError("""
                {"path": "c", "rows": [{"id": 1}], "source": {"parquet": ["sales.parquet"]}}
                """, code: "conflicting_fields", naming: ["source", "rows"])
            try await expectError("""
                {"path": "c", "source_paths": ["sales.parquet"], "source": {"parquet": ["sales.parquet"]}}
                """, code: "conflicting_fields", naming: ["source", "source_paths"])
            try await expectError("""
                {"path": "c", "sql": "SELECT id FROM t", "source": {"parquet": ["sales.parquet"], "sql": "SELECT region FROM t"}}
                """, code: "conflicting_fields", naming: ["source.sql", "sql"])
            try await expectError("""
                {"path": "c", "source": {"delta": "orders_delta", "parquet": ["sales.parquet"]}}
                """, code: "conflicting_fields", naming: ["source.parquet", "source.delta"])
            try await expectError("""
                {"path": "c", "source": {}}
                """, code: "missing_data", naming: ["parquet", "delta", "sql"])
            try await expectError("""
                {"path": "orders_delta", "source": {"rows": [{"id": 1}]}, "on": "t.id = s.id",
                 "clauses": [{"when": "matched", "action": "delete"}], "when_matched": [{"action": "delete"}]}
                """, route: "/api/delta/merge", code: "conflicting_fields", naming: ["clauses", "when_matched"])
            try await expectError("""
                {"path": "orders_delta", "source": {"parquet": ["sales.parquet"], "source_paths": ["sales.parquet"]}, "on": "t.id = s.id",
                 "when_matched": [{"action": "delete"}]}
                """, route: "/api/delta/merge", code: "conflicting_fields", naming: ["source.parquet", "source.source_paths"])
            try await expectError("""
                {"path": "orders_delta", "source": {"rows": [{"id": 1}]}, "on": "t.id = s.id",
                 "when_matched": [{"action": "update", "set": "everything"}]}
                """, route: "/api/delta/merge", code: "invalid_clause", naming: [])
            // Nothing was created by the refused writes.
            #expect(try await client.post("/api/delta/read", json: #"{"path": "c"}"#).status == .notFound)
        }
    }

    @Test func sourceDeltaAndSourceSQLWrite() async throws {
        try await withServer(testOptions()) { client, _ in
            // orders_delta of the sample data: 100 rows at its latest version.
            let copied = try await client.post("/api/delta/write", json: """
                {"path": "orders_copy", "source": {"delta": "orders_delta", "sql": "SELECT * FROM t WHERE id <= 10"}}
                """)
            #expect(copied.status == .ok, "\(copied.text)")
            #expect(int(try copied.json()["rows_inserted"]) == 10, "\(copied.text)")
            let versioned = try await client.post("/api/delta/write", json: """
                {"path": "orders_copy", "source": {"delta": {"path": "orders_delta", "version": 0}, "sql": "SELECT * FROM t WHERE id = 1"}}
                """)
            #expect(versioned.status == .ok, "\(versioned.text)")
            let generated = try await client.post("/api/delta/write", json: """
                {"path": "numbers", "source": {"sql": "SELECT range AS n FROM range(1, 101)"}}
                """)
            #expect(generated.status == .ok, "\(generated.text)")
            let sum = try await client.post("/api/delta/read", json: #"{"path": "numbers", "sql": "SELECT sum(n) AS s, count(*) AS c FROM t"}"#)
            #expect(try sum.json()["rows"] as? [[Int]] == [[5050, 100]], "\(sum.text)")
            let count = try await client.post("/api/delta/read", json: #"{"path": "orders_copy", "sql": "SELECT count(*) AS c, count(DISTINCT id) AS d FROM t"}"#)
            #expect(try count.json()["rows"] as? [[Int]] == [[11, 10]], "\(count.text)")
            let noT = try await client.post("/api/delta/write", json: #"{"path": "numbers", "sql": "SELECT * FROM t"}"#)
            #expect(noT.status == .badRequest, "\(noT.text)")
        }
    }

    @Test func aliasesDecodeOntoTodaysFields() throws {
        let write = try JSONDecoder().decode(DeltaWriteRequest.self, from: Data("""
            {"path": "p", "partition_by": ["a"], "source": {"parquet": ["x.parquet"], "sql": "SELECT * FROM t"}}
            """.utf8))
        #expect(write.partitionColumns == ["a"] && write.sourcePaths == ["x.parquet"] && write.sql == "SELECT * FROM t" && write.rows == nil)
        let merge = try JSONDecoder().decode(DeltaMergeRequest.self, from: Data("""
            {"path": "p", "source": {"delta": "q"}, "on": "t.id = s.id",
             "when_not_matched_by_source": [{"action": "delete"}],
             "when_not_matched": [{"action": "insert", "values": "all", "predicate": "s.ok"}],
             "when_matched": [{"action": "update", "set": {"v": "s.v"}, "predicate": "s.v > 0"}, {"action": "update", "set": "all"}]}
            """.utf8))
        #expect(merge.source.delta?.path == "q" && merge.source.delta?.version == nil)
        #expect(merge.clauses == [
            DeltaMergeClause(when: .matched, condition: "s.v > 0", action: .update, set: ["v": "s.v"]),
            DeltaMergeClause(when: .matched, action: .updateAll),
            DeltaMergeClause(when: .notMatched, condition: "s.ok", action: .insertAll),
            DeltaMergeClause(when: .notMatchedBySource, action: .delete),
        ])
        let versioned = try JSONDecoder().decode(DeltaMergeSource.self, from: Data(#"{"delta": {"path": "q", "version": 3}}"#.utf8))
        #expect(versioned.delta?.path == "q" && versioned.delta?.version == 3)
    }
}
