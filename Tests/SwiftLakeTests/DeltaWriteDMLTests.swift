import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

@Suite("Delta delete, update and overwrite")
struct DeltaWriteDMLTests {
    /// A table of ids 1–5 (version 0, one file) and 6–10 (version 1, another file).
    static func twoFileTable(_ lake: Lakehouse, _ path: String) async throws {
        for range in [1...5, 6...10] {
            let rows = range.map { ["id": DeltaRowValue.int(Int64($0)), "name": .string("n\($0)")] }
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: rows))
        }
    }

    static func metrics(_ lake: Lakehouse, _ path: String) async throws -> [String: SwiftLake.JSONValue] {
        let history = try await lake.deltaHistory(path: path, limit: 1)
        guard case .object(let entry)? = history.history.first, case .object(let metrics)? = entry["operationMetrics"] else { return [:] }
        return metrics
    }

    @Test("delete removes wholly matching files unread-by-rewrite, rewrites partly matching ones, skips the rest")
    func deleteCopyOnWrite() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.twoFileTable(lake, path)

        let whole = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id <= 5"))
        #expect(whole.version == 2 && whole.rowsDeleted == 5 && whole.rowsCopied == 0 && whole.filesRemoved == 1 && whole.filesAdded == 0)
        let partial = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id = 7"))
        #expect(partial.version == 3 && partial.rowsDeleted == 1 && partial.rowsCopied == 4 && partial.filesRemoved == 1 && partial.filesAdded == 1)
        let metrics = try await Self.metrics(lake, path)
        #expect(metrics["numDeletedRows"] == .string("1") && metrics["numCopiedRows"] == .string("4"))
        #expect(metrics["numRemovedFiles"] == .string("1") && metrics["numAddedFiles"] == .string("1"))
        let none = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id = 100"))
        #expect(!none.committed && none.version == 3 && none.rowsDeleted == 0)

        #expect(try await ourRows(lake, path, columns: ["id"]) == ["id=10", "id=6", "id=8", "id=9"])
        guard let view = try await deltaRsView(path) else { return }
        #expect(view.version == 3)
        #expect(view.rows == ["id=10|name=n10", "id=6|name=n6", "id=8|name=n8", "id=9|name=n9"])
        #expect(view.operations == ["DELETE", "DELETE", "WRITE", "WRITE"])
        #expect(view.adds.map { $0["num_records"] } == ["4"])
        #expect(view.adds.first?["min.id"] == "6" && view.adds.first?["max.id"] == "10")

        let all = try await lake.deltaDelete(DeltaDeleteRequest(path: path))
        #expect(all.rowsDeleted == 4 && all.filesRemoved == 1)
        #expect(try await ourRows(lake, path, columns: ["id"]).isEmpty)
    }

    @Test("on a partitioned table, a delete or update that statistics rule out everywhere changes nothing")
    func partitionedPredicateMatchingNoFile() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("p")
        let rows = (1...6).map { ["id": DeltaRowValue.int(Int64($0)), "region": .string($0 % 2 == 0 ? "east" : "west")] }
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: rows, partitionColumns: ["region"]))
        let log = try FileManager.default.contentsOfDirectory(atPath: path + "/_delta_log").sorted()

        let delete = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id > 1000"))
        #expect(!delete.committed && delete.version == 0 && delete.rowsDeleted == 0)
        let update = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, predicate: "id > 1000", updates: ["id": "id + 1"]))
        #expect(!update.committed && update.version == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path + "/_delta_log").sorted() == log)

        let east = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "region = 'east' AND id > 3"))
        #expect(east.committed && east.rowsDeleted == 2 && east.rowsCopied == 1)
        #expect(try await ourRows(lake, path, columns: ["id"]) == ["id=1", "id=2", "id=3", "id=5"])
    }

    @Test("update rewrites only the files with matching rows; delta-rs reads the changed rows")
    func updateCopyOnWrite() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.twoFileTable(lake, path)
        let result = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, predicate: "id IN (7, 8)", updates: ["name": "upper(name) || '!'", "id": "id * 100"]))
        #expect(result.version == 2 && result.rowsUpdated == 2 && result.rowsCopied == 3 && result.filesRemoved == 1 && result.filesAdded == 1)
        let metrics = try await Self.metrics(lake, path)
        #expect(metrics["numUpdatedRows"] == .string("2") && metrics["numCopiedRows"] == .string("3"))
        let none = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, predicate: "id = 12345", updates: ["name": "'x'"]))
        #expect(!none.committed)
        guard let view = try await deltaRsView(path) else { return }
        #expect(view.operations.first == "UPDATE")
        #expect(view.rows.contains("id=700|name=N7!") && view.rows.contains("id=800|name=N8!") && view.rows.contains("id=9|name=n9"))
        #expect(view.rows.count == 10)
    }

    @Test("a failed write, delete or update leaves the table exactly as it was")
    func failuresChangeNothing() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        _ = try await lake.deltaCreate(DeltaCreateRequest(path: path, schema: [
            DeltaColumnSpec(name: "id", type: .string("long"), nullable: false), DeltaColumnSpec(name: "name", type: .string("string")),
        ]))
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: [["id": .int(1), "name": .string("a")]]))
        let before = filesBelow(path)

        let badType = await expectError(.invalidRequest) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: [["id": .string("x"), "name": .string("b")]]))
        }
        #expect(badType?.code == "type_mismatch")
        let notNull = await expectError(.invalidRequest) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: [["id": .int(2)], ["name": .string("no id")]]))
        }
        #expect(notNull?.code == "not_null_violation" && notNull?.message.contains("'id'") == true)
        let unknown = await expectError(.invalidRequest) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: [["id": .int(2), "extra": .int(1)]]))
        }
        #expect(unknown?.code == "schema_mismatch" && unknown?.message.contains("extra") == true)
        await expectError(.invalidRequest) { _ = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "nope > 1")) }
        await expectError(.invalidRequest) { _ = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, updates: ["id": "NULL"])) }
        await expectError(.invalidRequest) { _ = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, updates: ["id": "id +"])) }
        let parquetType = await expectError(.invalidRequest) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: [["id": .int(5)]], sql: "SELECT 'text' AS id FROM t"))
        }
        #expect(parquetType?.code == "type_mismatch")
        #expect(filesBelow(path) == before)
        #expect(try await lake.deltaDetail(path: path).version == 1)
        let exists = await expectError(.conflict) {
            _ = try await lake.deltaCreate(DeltaCreateRequest(path: path, schema: [DeltaColumnSpec(name: "id", type: .string("long"))]))
        }
        #expect(exists?.code == "table_exists")
        let ignored = try await lake.deltaCreate(DeltaCreateRequest(path: path, schema: [DeltaColumnSpec(name: "id", type: .string("long"))], ignoreIfExists: true))
        #expect(!ignored.committed && ignored.version == 1)
    }

    @Test("overwrite, replace_where and merge_schema")
    func overwriteReplaceWhereMergeSchema() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.twoFileTable(lake, path)
        // replace_where: ids 4–7 replaced; file 1 (1–5) and file 2 (6–10) both partly match.
        let replaced = try await lake.deltaWrite(DeltaWriteRequest(path: path, mode: .overwrite,
            rows: [["id": .int(40), "name": .string("new")]], sql: "SELECT 5 AS id, name FROM t", replaceWhere: "id BETWEEN 4 AND 7"))
        #expect(replaced.rowsInserted == 1 && replaced.rowsDeleted == 4 && replaced.rowsCopied == 6 && replaced.filesRemoved == 2)
        #expect(try await ourRows(lake, path, columns: ["id"]) == ["id=1", "id=10", "id=2", "id=3", "id=5", "id=8", "id=9"])
        let outside = await expectError(.invalidRequest) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, mode: .overwrite, rows: [["id": .int(99)]], replaceWhere: "id < 5"))
        }
        #expect(outside?.code == "replace_where_violation")
        // merge_schema adds a nullable column; without it the new column is refused.
        await expectError(.invalidRequest) { _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: [["id": .int(11), "score": .double(1.5)]])) }
        let merged = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: [["id": .int(11), "score": .double(1.5)]], mergeSchema: true))
        #expect(merged.rowsInserted == 1)
        let overwritten = try await lake.deltaWrite(DeltaWriteRequest(path: path, mode: .overwrite, rows: [["id": .int(1), "name": .string("only")]]))
        #expect(overwritten.rowsDeleted == 8 && overwritten.filesAdded == 1)
        let ignored = try await lake.deltaWrite(DeltaWriteRequest(path: path, mode: .ignore, rows: [["id": .int(2)]]))
        #expect(!ignored.committed)
        await expectError(.conflict) { _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, mode: .error, rows: [["id": .int(2)]])) }
        guard let view = try await deltaRsView(path) else { return }
        #expect(view.rows == ["id=1|name=only|score=∅"])
        #expect(view.schema["score"] == "double")
    }

    @Test("a table delta-rs wrote: we append, delete and update, delta-rs reads the right rows")
    func deltaRsTableRoundTrip() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("rs")
        guard try await deltaRsWrite("""
            write_deltalake(sys.argv[1], pa.table({"id": pa.array([1, 2, 3], pa.int64()), "part": ["a", "a", "b"], "v": [1.5, 2.5, None]}), partition_by=["part"])
            """, [path]) != nil else { return }
        let appended = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: [["id": .int(4), "part": .string("b"), "v": .int(4)]]))
        #expect(appended.version == 1)
        _ = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id = 1"))
        _ = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, predicate: "part = 'b'", updates: ["v": "coalesce(v, 0) + 10"]))
        guard let view = try await deltaRsView(path) else { return }
        #expect(view.version == 3)
        #expect(view.rows == ["id=2|part=a|v=2.5", "id=3|part=b|v=10.0", "id=4|part=b|v=14.0"])
        #expect(view.operations.prefix(3) == ["UPDATE", "DELETE", "WRITE"])
    }

    @Test("files split at the target size; statistics agree with the data")
    func targetFileSizeAndStats() async throws {
        let (lake, dir) = try makeWriteLake()
        let source = dir.file("src.parquet")
        try await lake.duckdb.withConnection { connection in
            try connection.execute("COPY (SELECT i AS id, md5(i::VARCHAR) AS s, CASE WHEN i % 10 = 0 THEN NULL ELSE i * 0.5 END AS d, "
                + "DATE '2024-01-01' + (i % 300)::INTEGER AS day, {'a': i % 7, 'b': 'x' || i} AS st, [i, i + 1] AS l "
                + "FROM range(200000) r(i)) TO \(SQL.literal(source)) (FORMAT parquet)")
        }
        let path = dir.file("big")
        let result = try await lake.deltaWrite(DeltaWriteRequest(path: path, sourcePaths: [source], targetFileSize: 1_000_000))
        #expect(result.filesAdded > 1 && result.rowsInserted == 200_000)
        let files = try await lake.deltaFiles(path: path)
        for file in files.files {
            let full = path + "/" + (file.path.removingPercentEncoding ?? file.path)
            let truth = try await lake.duckdb.withConnection { connection in
                try connection.query("""
                    SELECT count(*), min(id), max(id), count(*) - count(d), min(d)::VARCHAR, max(day)::VARCHAR, min(st.a), max(st.b), count(*) - count(l)
                    FROM read_parquet(\(SQL.literal(full)))
                    """).rows()[0].map { $0.description }
            }
            guard case .object(let stats)? = file.stats, case .object(let mins)? = stats["minValues"],
                  case .object(let maxs)? = stats["maxValues"], case .object(let nulls)? = stats["nullCount"] else {
                Issue.record("no stats for \(file.path)"); continue
            }
            func text(_ v: SwiftLake.JSONValue?) -> String {
                switch v {
                case .exactNumber(let s)?: return s
                case .number(let d)?: return d.rounded() == d ? String(Int64(d)) : String(d)
                case .string(let s)?: return s
                default: return "∅"
                }
            }
            #expect(text(stats["numRecords"]) == truth[0])
            #expect(text(mins["id"]) == truth[1] && text(maxs["id"]) == truth[2])
            #expect(text(nulls["d"]) == truth[3] && Double(text(mins["d"])) == Double(truth[4]))
            #expect(text(maxs["day"]) == truth[5])
            guard case .object(let minStruct)? = mins["st"], case .object(let maxStruct)? = maxs["st"] else { Issue.record("nested stats"); continue }
            #expect(text(minStruct["a"]) == truth[6] && text(maxStruct["b"]) == truth[7])
            #expect(text(nulls["l"]) == truth[8] && mins["l"] == nil)
        }
    }
}
