import DuckDB
import Foundation
import Testing
@testable import SwiftLake

/// How an insert-only MERGE lays out its new rows: a source that fits in one data file becomes
/// one file (written without DuckDB's file rotation), and a larger one is still split at the
/// table's target file size.
@Suite("Delta MERGE: files of inserted rows")
struct DeltaMergeInsertFilesTests {
    /// A table of ids 1–10 in `dir` whose data files aim at 2 MB (`delta.targetFileSize`),
    /// merged with an insert-only MERGE from a Parquet file of `count` new rows from id `first`
    /// on, with 32 hex characters of text each (incompressible, so the file's size is about
    /// the rows' size in any Parquet file).
    static func mergeNewRows(_ lake: Lakehouse, in dir: TemporaryDirectory, first: Int, count: Int) async throws
        -> (path: String, result: DeltaMergeResult) {
        let path = dir.file("t"), source = dir.file("source.parquet")
        _ = try await lake.deltaCreate(DeltaCreateRequest(path: path, schema: [
            DeltaColumnSpec(name: "id", type: .string("long")), DeltaColumnSpec(name: "s", type: .string("string")),
        ], properties: ["delta.targetFileSize": "2000000"]))
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: (1...10).map { ["id": .int(Int64($0)), "s": .string("old\($0)")] }))
        try await lake.duckdb.withConnection { connection in
            try connection.execute("COPY (SELECT i AS id, md5(i::VARCHAR) AS s FROM range(\(first), \(first + count)) r(i)) TO \(SQL.literal(source)) (FORMAT parquet)")
        }
        let result = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: DeltaMergeSource(sourcePaths: [source]), on: "t.id = s.id",
                                                                 clauses: [DeltaMergeClause(when: .notMatched, action: .insertAll)]))
        #expect(result.committed && result[metric: "numTargetRowsInserted"] == Int64(count))
        return (path, result)
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
        // About 0.7 MB: under half the target.
        let (lake, dir) = try makeWriteLake()
        let (path, result) = try await Self.mergeNewRows(lake, in: dir, first: 1_000, count: 20_000)
        #expect(result[metric: "numTargetFilesAdded"] == 1 && result[metric: "numTargetFilesRemoved"] == 0)
        let files = try await lake.deltaFiles(path: path).files
        let added = try #require(files.first { Self.stat($0, "numRecords") == 20_000 }, "one file holds all 20,000 rows")
        #expect(Self.stat(added, "minValues", "id") == 1_000 && Self.stat(added, "maxValues", "id") == 20_999)
        let rows = try await deltaRows(lake, path, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM t")
        #expect(rows == [["20010", "20010", "1", "20999"]])
    }

    @Test("a source larger than the target file size is still split into several files")
    func largeSourceIsSplit() async throws {
        // About 10 MB: five times the target.
        let (lake, dir) = try makeWriteLake()
        let (path, result) = try await Self.mergeNewRows(lake, in: dir, first: 1_000_000, count: 300_000)
        #expect(result[metric: "numTargetFilesAdded"] > 1, "FILE_SIZE_BYTES split the rows: \(result.metrics)")
        let rows = try await deltaRows(lake, path, "SELECT count(*), count(DISTINCT id) FROM t")
        #expect(rows == [["300010", "300010"]])
    }
}
