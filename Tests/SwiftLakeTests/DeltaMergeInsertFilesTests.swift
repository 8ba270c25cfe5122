import DuckDB
import Foundation
import Testing
@testable import SwiftLake

/// How an insert-only MERGE lays out its new rows: a source that fits in one data file becomes
/// one file (written without DuckDB's file rotation), and a larger one is still split at the
/// table's target file size.
@Suite("Delta MERGE: files of inserted rows")
struct DeltaMergeInsertFilesTests {
    /// A table of ids 1–10 whose data files aim at 2 MB (`delta.targetFileSize`).
    static func table(_ lake: Lakehouse, _ path: String) async throws {
        _ = try await lake.deltaCreate(DeltaCreateRequest(path: path, schema: [
            DeltaColumnSpec(name: "id", type: .string("long")), DeltaColumnSpec(name: "s", type: .string("string")),
        ], properties: ["delta.targetFileSize": "2000000"]))
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: (1...10).map { ["id": .int(Int64($0)), "s": .string("old\($0)")] }))
    }

    /// A Parquet file of `count` rows from id `first` on, with 32 hex characters of text each
    /// (incompressible, so the file's size is about the rows' size in any Parquet file).
    static func source(_ lake: Lakehouse, _ file: String, first: Int, count: Int) async throws {
        try await lake.duckdb.withConnection { connection in
            try connection.execute("COPY (SELECT i AS id, md5(i::VARCHAR) AS s FROM range(\(first), \(first + count)) r(i)) TO \(SQL.literal(file)) (FORMAT parquet)")
        }
    }

    static func insertOnly(_ lake: Lakehouse, _ path: String, _ source: String) async throws -> DeltaMergeResult {
        try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(sourcePaths: [source]), on: "t.id = s.id",
                                                    clauses: [DeltaMergeClause(when: .notMatched, action: .insertAll)]))
    }

    /// An integer in a file's statistics: `numRecords`, or `minValues`/`maxValues` of a column.
    static func stat(_ file: DeltaFileInfo, _ key: String, _ column: String? = nil) -> Int64? {
        guard case .object(let stats)? = file.stats else { return nil }
        var value = stats[key]
        if let column, case .object(let columns)? = value { value = columns[column] }
        switch value {
        case .exactNumber(let text)?: return Int64(text)
        case .number(let number)?: return Int64(exactly: number)
        default: return nil
        }
    }

    @Test("a source that fits in one file is inserted as one file, with every row and its statistics")
    func smallSourceIsOneFile() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.table(lake, path)
        let source = dir.file("small.parquet")
        try await Self.source(lake, source, first: 1_000, count: 20_000)   // about 0.7 MB: under half the target

        let result = try await Self.insertOnly(lake, path, source)
        #expect(result.committed && result[metric: "numTargetRowsInserted"] == 20_000)
        #expect(result[metric: "numTargetFilesAdded"] == 1 && result[metric: "numTargetFilesRemoved"] == 0)
        let files = try await lake.deltaFiles(path: path).files
        let added = try #require(files.first { Self.stat($0, "numRecords") == 20_000 }, "one file holds all 20,000 rows")
        #expect(Self.stat(added, "minValues", "id") == 1_000 && Self.stat(added, "maxValues", "id") == 20_999)
        let rows = try await deltaRows(lake, path, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM t")
        #expect(rows == [["20010", "20010", "1", "20999"]])
    }

    @Test("a source larger than the target file size is still split into several files")
    func largeSourceIsSplit() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.table(lake, path)
        let source = dir.file("large.parquet")
        try await Self.source(lake, source, first: 1_000_000, count: 300_000)   // about 10 MB: five times the target

        let result = try await Self.insertOnly(lake, path, source)
        #expect(result.committed && result[metric: "numTargetRowsInserted"] == 300_000)
        #expect(result[metric: "numTargetFilesAdded"] > 1, "FILE_SIZE_BYTES split the rows: \(result.metrics)")
        let rows = try await deltaRows(lake, path, "SELECT count(*), count(DISTINCT id) FROM t")
        #expect(rows == [["300010", "300010"]])
    }
}
