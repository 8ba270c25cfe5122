import Foundation
import Testing
@testable import SwiftLake

/// Writes whose data is another Delta table (`source_delta`) or a query alone (`sql`).
@Suite struct DeltaWriteSourceTests {
    @Test("a Delta source is read as a read would: its deletion vectors drop rows, delta-rs reads the copy")
    func deltaSourceWithDeletionVectors() async throws {
        let (lake, directory) = try makeDeltaLake()
        let source = deltaCorpus + "/table-with-dv-small"  // 0–9 at v0; v1 deletes 0 and 9 by deletion vector
        let target = directory.file("copy")
        let written = try await lake.deltaWrite(DeltaWriteRequest(path: target, sourceDelta: DeltaMergeTableSource(path: source)))
        #expect(written.rowsInserted == 8)
        let values = try await rows(lake, target, "SELECT value FROM t ORDER BY value")
        #expect(values == (1...8).map { .integer(Int32($0)) })
        if let view = try await deltaRsView(target) {
            #expect(view.rows == (1...8).map { "value=\($0)" }.sorted())
        }
    }

    @Test("a Delta source at a version, reshaped by sql; a write into the table it reads")
    func deltaSourceAtVersionWithSQL() async throws {
        let (lake, directory) = try makeDeltaLake()
        let source = deltaCorpus + "/table-with-dv-small"
        let target = directory.file("tens")
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: target, sourceDelta: DeltaMergeTableSource(path: source, version: 0),
                                                        sql: "SELECT value * 10 AS v FROM t WHERE value >= 7"))
        #expect(try await rows(lake, target, "SELECT v FROM t ORDER BY v") == [.integer(70), .integer(80), .integer(90)])
        // The table as its own source: version 0 appended again doubles it.
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: target, sourceDelta: DeltaMergeTableSource(path: target, version: 0)))
        #expect(try await rows(lake, target, "SELECT v FROM t ORDER BY v") == [70, 70, 80, 80, 90, 90].map { .integer(Int32($0)) })
        // An overwrite from its own latest version, filtered, reads the files before it removes them.
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: target, mode: .overwrite, sourceDelta: DeltaMergeTableSource(path: target),
                                                        sql: "SELECT DISTINCT v FROM t WHERE v < 90"))
        #expect(try await rows(lake, target, "SELECT v FROM t ORDER BY v") == [.integer(70), .integer(80)])
        if let view = try await deltaRsView(target) {
            #expect(view.version == 2 && view.rows == ["v=70", "v=80"])
        }
    }

    @Test("sql alone is the data; it cannot see a t an earlier request defined")
    func queryAlone() async throws {
        let (lake, directory) = try makeDeltaLake()
        let target = directory.file("ids")
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: target, sql: "SELECT range AS id, 'r' || range AS name FROM range(5)"))
        #expect(try await rows(lake, target, "SELECT id, name FROM t ORDER BY id")
                == (0..<5).map { .list([.bigint(Int64($0)), .varchar("r\($0)")]) })
        // Reads above defined t on pooled connections; a query alone must not read it.
        for _ in 0..<4 {
            let error = await #expect(throws: SwiftLakeError.self) {
                _ = try await lake.deltaWrite(DeltaWriteRequest(path: target, sql: "SELECT id + 100 AS id, name FROM t"))
            }
            #expect(error?.kind == .invalidRequest, "\(String(describing: error))")
        }
        #expect(try await rows(lake, target, "SELECT count(*) FROM t") == [.bigint(5)])
    }

    private func rows(_ lake: Lakehouse, _ path: String, _ sql: String) async throws -> [DuckDBValue] {
        try await lake.deltaRead(DeltaReadRequest(path: path, sql: sql)).cursor.collect().rows.map { $0.count == 1 ? $0[0] : .list($0) }
    }
}

@Suite struct DeltaOverwriteMetricsTests {
    @Test("an overwrite counts the rows it deletes without those a deletion vector already removed")
    func overwriteOfATableWithDeletionVectors() async throws {
        let (lake, directory) = try makeDeltaLake()
        let path = directory.file("spark")
        try FileManager.default.copyItem(atPath: deltaCorpus + "/table-with-dv-small", toPath: path)
        // One file of 10 rows (values 0–9); Spark's deletion vector removed 0 and 9.
        let overwrite = try await lake.deltaWrite(DeltaWriteRequest(path: path, mode: .overwrite, rows: [["value": .int(42)]]))
        #expect(overwrite.rowsDeleted == 8 && overwrite.filesRemoved == 1 && overwrite.rowsInserted == 1)
    }
}
