import DuckDB
import Foundation
import Testing
@testable import SwiftLake

@Suite("Parquet metadata and stats")
struct ParquetMetadataTests {
    @Test func readsTheFooter() async throws {
        let (lake, _) = try await makeSampleLake()
        let metadata = try await lake.metadata(ParquetMetadataRequest(path: "sales.parquet"))
        #expect(metadata.numRows == 10000)
        // Written with ROW_GROUP_SIZE 2048: four full groups and the 1808 rows left.
        #expect(metadata.numRowGroups == 5)
        #expect(metadata.rowGroups.map(\.numRows) == [2048, 2048, 2048, 2048, 1808])
        #expect(metadata.createdBy?.contains("DuckDB") == true)
        #expect(metadata.compression == ["ZSTD"])
        #expect(metadata.columns.map(\.name) == ["id", "ts", "region", "product", "quantity", "price", "discount"])
        #expect(metadata.columns.first { $0.name == "price" }?.type == "DECIMAL(10,2)")
        let id = metadata.rowGroups[1].columns.first { $0.path == "id" }
        #expect(id?.min == "2049")
        #expect(id?.max == "4096")
        #expect(id?.nullCount == 0)
        #expect(id?.physicalType == "INT64")
        let discount = metadata.rowGroups[0].columns.first { $0.path == "discount" }
        #expect(discount?.nullCount == 204)   // ids 1…2048 divisible by 10
        let price = metadata.schema.first { $0.name == "price" }
        #expect(price?.precision == 10 && price?.scale == 2)
        #expect(metadata.fileSize > 0)
        #expect(!(id?.encodings.isEmpty ?? true))
    }

    @Test func nestedColumnsHaveDottedPaths() async throws {
        let (lake, _) = try await makeSampleLake()
        let metadata = try await lake.metadata(ParquetMetadataRequest(path: "customers.parquet"))
        let paths = metadata.rowGroups[0].columns.map(\.path)
        #expect(paths.contains { $0.contains("address") && $0.contains("city") })
        #expect(metadata.schema.first { $0.name == "address" }?.numChildren == 2)
    }

    @Test func summarisesEveryColumn() async throws {
        let (lake, _) = try await makeSampleLake()
        let stats = try await lake.stats(ParquetStatsRequest(paths: ["sales.parquet"]))
        #expect(stats.rowCount == 10000)
        let byName = Dictionary(uniqueKeysWithValues: stats.columns.map { ($0.name, $0) })
        #expect(byName["id"]?.min == .exactNumber("1"))
        #expect(byName["id"]?.max == .exactNumber("10000"))
        #expect(byName["id"]?.mean == 5000.5)
        #expect(byName["id"]?.nullCount == 0)
        #expect(byName["discount"]?.nullCount == 1000)
        #expect(byName["discount"]?.count == 9000)
        #expect(byName["region"]?.min == .string("east"))
        #expect(byName["region"]?.mean == nil)
        let distinct = byName["region"]?.distinctEstimate ?? 0
        #expect((3...5).contains(distinct))
    }

    @Test func summarisesAQuery() async throws {
        let (lake, _) = try await makeSampleLake()
        let stats = try await lake.stats(ParquetStatsRequest(paths: ["customers.parquet"], sql: "SELECT tags, address, signup_date FROM t WHERE id <= 10"))
        #expect(stats.rowCount == 10)
        #expect(stats.columns.map(\.name) == ["tags", "address", "signup_date"])
        #expect(stats.columns[0].min == nil)   // lists have no order
        #expect(stats.columns[2].min == .string("2020-01-04"))
        await expectError(.invalidRequest) { _ = try await lake.stats(ParquetStatsRequest(paths: ["sales.parquet"], sql: "DROP TABLE t")) }
    }
}
