import DuckDB
import Foundation
import Testing
@testable import SwiftLake

@Suite("Parquet modify")
struct ParquetModifyTests {
    @Test func updatesWhereThePredicateHoldsKeepingTheColumnType() async throws {
        let (lake, directory) = try await makeSampleLake()
        let result = try await lake.modify(ParquetModifyRequest(path: "sales.parquet", output: "sales_eu.parquet",
                                                                predicate: "region = 'north'", updates: ["price": "price * 2", "region": "'NORTH'"]))
        #expect(result.rowsRead == 10000)
        #expect(result.rowsUpdated == 2500)
        #expect(result.rowsWritten == 10000)
        #expect(result.output == directory.file("sales_eu.parquet"))
        let after = try await rows(lake, ["sales_eu.parquet"], "SELECT typeof(price), count(*) FILTER (WHERE region = 'NORTH'), count(*) FILTER (WHERE region = 'north') FROM t GROUP BY 1")
        #expect(after == [[.varchar("DECIMAL(10,2)"), .bigint(2500), .bigint(0)]])
        let doubled = try await rows(lake, ["sales_eu.parquet"], "SELECT price FROM t WHERE id = 4")
        let original = try await rows(lake, ["sales.parquet"], "SELECT price * 2 FROM t WHERE id = 4")
        #expect(doubled.first?.first?.description == original.first?.first?.description)
        // The input is unchanged.
        #expect(try await rows(lake, ["sales.parquet"], "SELECT count(*) FROM t WHERE region = 'north'") == [[.bigint(2500)]])
    }

    @Test func deletesAddsDropsAndRenames() async throws {
        let (lake, _) = try await makeSampleLake()
        let result = try await lake.modify(ParquetModifyRequest(
            path: "sales.parquet", output: "out/changed.parquet", deleteWhere: "quantity > 10",
            addColumns: ["total": "price * quantity"], dropColumns: ["discount"], rename: ["ts": "ordered_at"]))
        // quantity = 1 + (i*13) % 20 takes each value 1…20 equally often: 10 of 20 values are > 10.
        #expect(result.rowsDeleted == 5000)
        #expect(result.rowsWritten == 5000)
        #expect(result.columns.map(\.name) == ["id", "ordered_at", "region", "product", "quantity", "price", "total"])
        let check = try await rows(lake, ["out/changed.parquet"], "SELECT max(quantity), bool_and(total = price * quantity) FROM t")
        #expect(check == [[.integer(10), .boolean(true)]])
    }

    @Test func overwriteRewritesInPlaceAndRequiresTheFlag() async throws {
        let (lake, _) = try await makeSampleLake()
        await expectError(.invalidRequest) { _ = try await lake.modify(ParquetModifyRequest(path: "sales.parquet", deleteWhere: "id > 10")) }
        await expectError(.conflict) { _ = try await lake.modify(ParquetModifyRequest(path: "sales.parquet", output: "customers.parquet", deleteWhere: "id > 10")) }
        let result = try await lake.modify(ParquetModifyRequest(path: "sales.parquet", deleteWhere: "id > 10", overwrite: true))
        #expect(result.rowsWritten == 10)
        #expect(try await rows(lake, ["sales.parquet"], "SELECT count(*) FROM t") == [[.bigint(10)]])
    }

    @Test func aFailedRewriteLeavesTheInputUntouched() async throws {
        let (lake, directory) = try await makeSampleLake()
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.file("sales.parquet")))
        // Valid SQL that fails while writing: the cast back to DECIMAL(10,2) overflows.
        await expectError(.invalidRequest) {
            _ = try await lake.modify(ParquetModifyRequest(path: "sales.parquet", updates: ["price": "price * 1e12"], overwrite: true))
        }
        await expectError(.invalidRequest) {
            _ = try await lake.modify(ParquetModifyRequest(path: "sales.parquet", updates: ["nope": "1"], overwrite: true))
        }
        await expectError(.invalidRequest) {
            _ = try await lake.modify(ParquetModifyRequest(path: "sales.parquet", deleteWhere: "true) TO '/tmp/x' (FORMAT csv); --", overwrite: true))
        }
        let after = try Data(contentsOf: URL(fileURLWithPath: directory.file("sales.parquet")))
        #expect(before == after)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".swiftlake-tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func keepsTheInputsCompressionUnlessAskedOtherwise() async throws {
        let (lake, _) = try await makeSampleLake()
        _ = try await lake.modify(ParquetModifyRequest(path: "sales.parquet", output: "same.parquet", deleteWhere: "id > 100"))
        _ = try await lake.modify(ParquetModifyRequest(path: "sales.parquet", output: "gzip.parquet", deleteWhere: "id > 100", compression: "gzip"))
        #expect(try await lake.metadata(ParquetMetadataRequest(path: "same.parquet")).compression == ["ZSTD"])
        #expect(try await lake.metadata(ParquetMetadataRequest(path: "gzip.parquet")).compression == ["GZIP"])
        await expectError(.invalidRequest) {
            _ = try await lake.modify(ParquetModifyRequest(path: "sales.parquet", output: "x.parquet", deleteWhere: "id > 1", compression: "zip"))
        }
    }
}
