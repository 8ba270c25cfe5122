import Foundation
import Testing
@testable import SwiftLake

/// The S3 cache's Parquet footer reader (Thrift compact protocol) against DuckDB's own
/// reading of the same footers (`parquet_metadata`): every column chunk, in order, with the
/// byte range DuckDB reads for it. No S3 needed.
@Suite struct S3CacheFooterTests {
    @Test func footerChunksMatchDuckDBsParquetMetadata() async throws {
        let directory = try TemporaryDirectory()
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path]))
        let file = directory.file("mixed.parquet")
        // Dictionary-encoded strings, plain numbers, a struct, a list, NULLs; small row groups.
        let rows: [[String]] = try await lake.duckdb.withConnection { connection in
            try connection.execute("""
                COPY (SELECT i AS id, 'city-' || (i % 7) AS city, random() AS score,
                             {'a': i, 'b': 'x' || i} AS nested, [i, i + 1] AS list,
                             CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS sparse
                      FROM range(5000) r(i)) TO \(SQL.literal(file)) (FORMAT parquet, ROW_GROUP_SIZE 1000)
                """)
            return try connection.query("""
                SELECT path_in_schema, coalesce(dictionary_page_offset, -1), data_page_offset, total_compressed_size
                FROM parquet_metadata(\(SQL.literal(file))) ORDER BY row_group_id, column_id
                """).rows().map { $0.map(\.description) }
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        let length = try #require(ParquetFooter.footerLength(trailer: Array(bytes.suffix(8))))
        let footer = try ParquetFooter(fileMetaData: Array(bytes[(bytes.count - 8 - Int(length))..<(bytes.count - 8)]))
        #expect(footer.columnChunks.count == rows.count)
        #expect(rows.count >= 2 * 7 && rows.count % 7 == 0, "row groups of 7 leaf columns")
        for (chunk, row) in zip(footer.columnChunks, rows) {
            #expect(chunk.path.joined(separator: ", ") == row[0])
            let dictionary = try #require(Int64(row[1])), data = try #require(Int64(row[2])), size = try #require(Int64(row[3]))
            let start = dictionary >= 4 ? dictionary : data
            #expect(chunk.ranges.first == start..<start + size, "\(row)")
        }
        // Whole top-level columns: a struct's and a list's leaves are fetched together.
        let nested = footer.ranges(ofColumns: ["NESTED"])
        #expect(nested.byteCount == 4 + footer.columnChunks.filter { $0.path.first == "nested" }
            .reduce(0) { $0 + $1.ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) } })
        #expect(footer.ranges(ofColumns: []).ranges == [0..<4])
        #expect(ParquetFooter.footerLength(trailer: Array("1234PARE".utf8)) == nil, "an encrypted footer is not read")
    }

    @Test func byteRangesMergeAndSubtract() {
        var held = ByteRanges([10..<20, 30..<40])
        held.insert(20..<25)
        #expect(held.ranges == [10..<25, 30..<40])
        #expect(ByteRanges([0..<50]).subtracting(held).ranges == [0..<10, 25..<30, 40..<50])
        #expect(ByteRanges([12..<15]).subtracting(held).isEmpty)
        #expect(ByteRanges([0..<4, 10..<20, 100..<200]).coalesced(gap: 6).ranges == [0..<20, 100..<200])
        #expect(held.byteCount == 25)
    }
}
