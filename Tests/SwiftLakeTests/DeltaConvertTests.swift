import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

/// CONVERT TO DELTA: a directory of Parquet files becomes version 0 of a Delta table in
/// place, which delta-rs reads as the same rows DuckDB reads from the files.
@Suite struct DeltaConvertTests {
    static let columns = ["event_id", "user_id", "kind", "value", "event_date"]

    /// The sample data in a fresh root, with `events/` copied to `events_copy/`.
    static func sample() async throws -> (Lakehouse, TemporaryDirectory, String) {
        let (lake, root) = try await makeSampleLake(timeout: .seconds(120))
        let copy = root.file("events_copy")
        try FileManager.default.copyItem(atPath: root.file("events"), toPath: copy)
        return (lake, root, copy)
    }

    @Test("the Hive-partitioned events/ copy becomes version 0: our rows and delta-rs's equal DuckDB's read_parquet of the files")
    func convertEvents() async throws {
        let (lake, root, table) = try await Self.sample()
        let before = filesBelow(table)
        let result = try await lake.deltaConvert(DeltaConvertRequest(path: table, partitionBy: ["event_date": "date"]))
        #expect(result.version == 0 && result.numFiles == 7 && result.numRows == 7000)
        #expect(result.columns == ["event_id", "user_id", "kind", "value", "event_date"] && result.partitionColumns == ["event_date"])
        #expect(filesBelow(table).filter { !$0.hasPrefix("_delta_log/") } == before)   // nothing rewritten

        // Our read equals DuckDB reading the files with Hive partitioning.
        let digest = digestSQL.replacingOccurrences(of: "{columns}", with: digestColumns(Self.columns)).replacingOccurrences(of: "{table}", with: "t")
        let ours = try await deltaRows(lake, table, digest)
        let files = try await rows(lake, [root.file("events")], digest)
        #expect(ours == files.map { $0.map(\.description) })
        #expect(ours.first?.first == "7000")
        // Statistics and partition values skip files.
        let read = try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT count(*) FROM t WHERE event_date = DATE '2024-03-02'"))
        #expect(read.filesScanned == 1 && read.filesSkipped == 6)
        #expect(try await read.cursor.collect().rows[0][0].description == "1000")
        let detail = try await lake.deltaDetail(path: table)
        #expect(detail.partitionColumns == ["event_date"] && detail.numFiles == 7)
        let history = try await lake.deltaHistory(path: table)
        guard case .object(let commit)? = history.history.first else { Issue.record("no history"); return }
        #expect(commit["operation"] == .string("CONVERT"))

        guard let answer = try await deltaRs(table, """
import duckdb
dt = DeltaTable(path)
schema = {f.name: str(f.type.type) for f in dt.schema().fields}
ours = sorted(json.dumps(r, sort_keys=True, default=str) for r in dt.to_pyarrow_table().to_pylist())
src = sys.argv[1].rsplit("/", 1)[0] + "/events"
files = duckdb.sql(f"SELECT * FROM read_parquet('{src}/**/*.parquet', hive_partitioning = true)").arrow()
files = files.read_all() if hasattr(files, "read_all") else files
theirs = sorted(json.dumps(r, sort_keys=True, default=str) for r in files.to_pylist())
print(json.dumps({"version": dt.version(), "rows": len(ours), "equal": ours == theirs, "schema": schema, "files": len(dt.file_uris()),
                  "stats": int(sum(pa.table(dt.get_add_actions(flatten=True)).column("num_records").to_pylist()))}))
""") else { return }
        let view = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])
        #expect(view["version"] as? Int == 0 && view["rows"] as? Int == 7000 && view["equal"] as? Bool == true)
        #expect(view["files"] as? Int == 7 && view["stats"] as? Int == 7000)
        #expect(view["schema"] as? [String: String] == ["event_id": "long", "user_id": "integer", "kind": "string", "value": "double", "event_date": "date"])
    }

    @Test("a directory that is already a Delta table is a 409")
    func alreadyDelta() async throws {
        let (lake, _, table) = try await Self.sample()
        _ = try await lake.deltaConvert(DeltaConvertRequest(path: table, partitionBy: ["event_date": "date"]))
        let error = await expectError(.conflict) { _ = try await lake.deltaConvert(DeltaConvertRequest(path: table, partitionBy: ["event_date": "date"])) }
        #expect(error?.code == "table_exists")
    }

    @Test("mismatched schemas, missing or wrong partition columns, bad partition values and no files are 400s that say why; nothing is written")
    func refusals() async throws {
        let (lake, root, table) = try await Self.sample()
        let mismatch = await expectError(.invalidRequest) { _ = try await lake.deltaConvert(DeltaConvertRequest(path: root.file("batches"))) }
        #expect(mismatch?.code == "schema_mismatch" && mismatch?.message.contains("batch_1.parquet") == true && mismatch?.message.contains("batch_2.parquet") == true)
        let unnamed = await expectError(.invalidRequest) { _ = try await lake.deltaConvert(DeltaConvertRequest(path: table)) }
        #expect(unnamed?.code == "partition_columns_needed" && unnamed?.message.contains("event_date") == true)
        let wrong = await expectError(.invalidRequest) { _ = try await lake.deltaConvert(DeltaConvertRequest(path: table, partitionBy: ["day": "date"])) }
        #expect(wrong?.code == "partition_mismatch")
        let badValue = await expectError(.invalidRequest) { _ = try await lake.deltaConvert(DeltaConvertRequest(path: table, partitionBy: ["event_date": "long"])) }
        #expect(badValue?.code == "invalid_partition_value")
        let empty = root.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        await expectError(.invalidRequest) { _ = try await lake.deltaConvert(DeltaConvertRequest(path: empty)) }
        #expect(!FileManager.default.fileExists(atPath: table + "/_delta_log") && !FileManager.default.fileExists(atPath: root.file("batches/_delta_log")))
        await expectError(.notFound) { _ = try await lake.deltaConvert(DeltaConvertRequest(path: root.file("nowhere"))) }
    }

    @Test("an unpartitioned directory converts with the files' schema; hidden files are skipped")
    func unpartitioned() async throws {
        let (lake, root, _) = try await Self.sample()
        let table = root.file("plain")
        try FileManager.default.createDirectory(atPath: table + "/sub", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root.file("batches/batch_1.parquet"), toPath: table + "/a.parquet")
        try FileManager.default.copyItem(atPath: root.file("batches/batch_1.parquet"), toPath: table + "/sub/b.parquet")
        try FileManager.default.copyItem(atPath: root.file("batches/batch_3.parquet"), toPath: table + "/.hidden.parquet")
        try Data("x".utf8).write(to: URL(fileURLWithPath: table + "/_SUCCESS"))
        let result = try await lake.deltaConvert(DeltaConvertRequest(path: table))
        #expect(result.numFiles == 2 && result.numRows == 200 && result.columns == ["id", "amount", "source"] && result.partitionColumns.isEmpty)
        #expect(try await deltaRows(lake, table, "SELECT count(*), sum(amount) FROM t") == [["200", "101000"]])
        guard let views = try await deltaRsViews([(table, nil)]) else { return }
        #expect(views[0].count == 200 && views[0].files == ["a.parquet", "sub/b.parquet"])
    }
}
