import DuckDB
import Foundation
import Testing
@testable import SwiftLake

@Suite("Parquet merge")
struct ParquetMergeTests {
    @Test func unionsByNameAndWidensTypes() async throws {
        let (lake, _) = try await makeSampleLake()
        let result = try await lake.merge(ParquetMergeRequest(paths: ["batches/"], output: "merged.parquet"))
        #expect(result.filesMerged == 3)
        #expect(result.rowsRead == 260)
        #expect(result.rowsWritten == 260)
        #expect(result.duplicatesRemoved == 0)
        let types = Dictionary(uniqueKeysWithValues: result.columns.map { ($0.name, $0.type) })
        #expect(types == ["id": "INTEGER", "amount": "BIGINT", "source": "VARCHAR", "note": "VARCHAR"])
        #expect(try await rows(lake, ["merged.parquet"], "SELECT count(*), count(note) FROM t") == [[.bigint(260), .bigint(60)]])
    }

    @Test func dedupeKeepsTheRowFromTheLastFile() async throws {
        let (lake, _) = try await makeSampleLake()
        let result = try await lake.merge(ParquetMergeRequest(paths: ["batches/batch_1.parquet", "batches/batch_2.parquet", "batches/batch_3.parquet"],
                                                              output: "dedup.parquet", dedupeOn: ["id"], orderBy: nil))
        // ids: 1–100, 51–150, 141–200 → 200 distinct; 260 − 200 = 60 duplicates.
        #expect(result.rowsWritten == 200)
        #expect(result.duplicatesRemoved == 60)
        let sources = try await rows(lake, ["dedup.parquet"], "SELECT id, source FROM t WHERE id IN (50, 51, 141) ORDER BY id")
        #expect(sources == [[.integer(50), .varchar("batch_1")], [.integer(51), .varchar("batch_2")], [.integer(141), .varchar("batch_3")]])
        // Listing the files the other way round makes the earlier batch win.
        _ = try await lake.merge(ParquetMergeRequest(paths: ["batches/batch_3.parquet", "batches/batch_2.parquet", "batches/batch_1.parquet"],
                                                     output: "dedup_rev.parquet", dedupeOn: ["id"]))
        #expect(try await rows(lake, ["dedup_rev.parquet"], "SELECT source FROM t WHERE id = 51") == [[.varchar("batch_1")]])
    }

    @Test func dedupeWithOrderKeepsTheFirstByThatOrderAndSortsTheOutput() async throws {
        let (lake, _) = try await makeSampleLake()
        _ = try await lake.merge(ParquetMergeRequest(paths: ["batches/*.parquet"], output: "by_amount.parquet", dedupeOn: ["id"], orderBy: ["amount DESC"]))
        let top = try await rows(lake, ["by_amount.parquet"], "SELECT id, amount FROM t LIMIT 2")
        #expect(top == [[.integer(200), .bigint(200_000)], [.integer(199), .bigint(199_000)]])
        #expect(try await rows(lake, ["by_amount.parquet"], "SELECT amount FROM t WHERE id = 60") == [[.bigint(6000)]])
    }

    @Test func partitionsCompressesAndSizesRowGroups() async throws {
        let (lake, directory) = try await makeSampleLake()
        let result = try await lake.merge(ParquetMergeRequest(paths: ["batches/"], output: "by_source", partitionBy: ["source"],
                                                              compression: "zstd"))
        #expect(result.rowsWritten == 260)
        let partitions = try FileManager.default.contentsOfDirectory(atPath: directory.file("by_source")).sorted()
        #expect(partitions == ["source=batch_1", "source=batch_2", "source=batch_3"])
        #expect(try await rows(lake, ["by_source"], "SELECT source, count(*) FROM t GROUP BY 1 ORDER BY 1")
                == [[.varchar("batch_1"), .bigint(100)], [.varchar("batch_2"), .bigint(100)], [.varchar("batch_3"), .bigint(60)]])
        let file = try DataRoots([directory.path]).parquetFiles(["by_source/source=batch_1"])[0]
        let metadata = try await lake.metadata(ParquetMetadataRequest(path: file))
        #expect(metadata.compression == ["ZSTD"])
    }

    @Test func rowGroupSizeIsHonouredInWholeVectors() async throws {
        let (lake, _) = try await makeSampleLake()
        // DuckDB fills row groups in whole 2048-row vectors and, writing in parallel, never lets
        // one span two input row groups: first one big group, then split it.
        _ = try await lake.merge(ParquetMergeRequest(paths: ["sales.parquet"], output: "sales_one.parquet", rowGroupSize: 100_000))
        #expect(try await lake.metadata(ParquetMetadataRequest(path: "sales_one.parquet")).rowGroups.map(\.numRows) == [10000])
        _ = try await lake.merge(ParquetMergeRequest(paths: ["sales_one.parquet"], output: "sales_rg.parquet", compression: "snappy", rowGroupSize: 4096))
        let metadata = try await lake.metadata(ParquetMetadataRequest(path: "sales_rg.parquet"))
        #expect(metadata.rowGroups.map(\.numRows) == [4096, 4096, 1808])
        #expect(metadata.compression == ["SNAPPY"])
    }

    @Test func refusesToReplaceWithoutOverwriteAndReplacesAtomicallyWithIt() async throws {
        let (lake, _) = try await makeSampleLake()
        await expectError(.conflict) { _ = try await lake.merge(ParquetMergeRequest(paths: ["batches/"], output: "sales.parquet")) }
        #expect(try await rows(lake, ["sales.parquet"], "SELECT count(*) FROM t") == [[.bigint(10000)]])
        _ = try await lake.merge(ParquetMergeRequest(paths: ["batches/"], output: "sales.parquet", overwrite: true))
        #expect(try await rows(lake, ["sales.parquet"], "SELECT count(*) FROM t") == [[.bigint(260)]])
        await expectError(.invalidRequest) { _ = try await lake.merge(ParquetMergeRequest(paths: ["batches/"], output: "x.parquet", dedupeOn: ["nope"])) }
    }

    @Test func anOutputMayChangeBetweenFileAndDirectory() async throws {
        let (lake, directory) = try await makeSampleLake()
        _ = try await lake.merge(ParquetMergeRequest(paths: ["batches/"], output: "out"))
        #expect(!FileManager.default.isDirectory(directory.file("out")))
        _ = try await lake.merge(ParquetMergeRequest(paths: ["batches/"], output: "out", partitionBy: ["source"], overwrite: true))
        #expect(FileManager.default.isDirectory(directory.file("out")))
        #expect(try await rows(lake, ["out"], "SELECT count(*) FROM t") == [[.bigint(260)]])
        _ = try await lake.merge(ParquetMergeRequest(paths: ["out"], output: "out", overwrite: true))
        #expect(!FileManager.default.isDirectory(directory.file("out")))
        #expect(try await rows(lake, ["out"], "SELECT count(*) FROM t") == [[.bigint(260)]])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".swiftlake-tmp") }
        #expect(leftovers.isEmpty)
    }
}
