import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

/// OPTIMIZE compacts small files without changing rows: delta-rs reads the same rows from
/// fewer files, the commit is Spark's, and only removals of compacted files conflict.
@Suite struct DeltaOptimizeTests {
    /// A table partitioned by `region` built from `appends` appends of two rows per region
    /// (so `2 * appends` small files); returns the lakehouse and the table path.
    static func smallFilesTable(appends: Int = 4) async throws -> (Lakehouse, String) {
        let (lake, table) = try maintenanceRoot()
        for i in 0..<appends {
            let rows: [[String: DeltaRowValue]] = (0..<4).map { j in
                let id = i * 4 + j
                return ["id": .int(Int64(id)), "amount": .double(Double(id) * 1.5),
                        "name": .string("n\(id)"), "region": .string(j % 2 == 0 ? "north" : "south")]
            }
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: table, rows: rows, partitionColumns: ["region"]))
        }
        return (lake, table)
    }

    /// Row count and order-independent digest of the table (at `version`), by DuckDB.
    static func checksum(_ lake: Lakehouse, _ table: String, version: Int64? = nil) async throws -> [String] {
        let sql = digestSQL.replacingOccurrences(of: "{columns}", with: digestColumns(["id", "amount", "name", "region"]))
            .replacingOccurrences(of: "{table}", with: "t")
        return try await deltaRows(lake, table, version: version, sql)[0]
    }

    /// The actions of commit `version` of `table`, one JSON object per line.
    static func commit(_ table: String, _ version: Int64) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: table + "/_delta_log/" + LogFile.paddedVersion(version) + ".json", encoding: .utf8)
        return try text.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test("compacts each partition's small files into one: same rows (checksum, delta-rs), fewer files, an OPTIMIZE commit with dataChange false")
    func compactsPartitions() async throws {
        let (lake, table) = try await Self.smallFilesTable()
        let before = try await Self.checksum(lake, table)
        let filesBefore = try await lake.deltaFiles(path: table).files.count
        #expect(filesBefore == 8)

        let result = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table))
        #expect(result.committed && result.version == 4)
        #expect(result.numFilesRemoved == 8 && result.numFilesAdded == 2)
        #expect(result.numBatches == 2 && result.partitionsOptimized == 2)
        #expect(result.rowsRewritten == 16)
        #expect(result.targetSize == 128 * 1024 * 1024)
        #expect(result.minFileSize > 0 && result.maxFileSize >= result.minFileSize)
        #expect(try await Self.checksum(lake, table) == before)
        #expect(try await lake.deltaFiles(path: table).files.count == 2)

        let actions = try Self.commit(table, 4)
        let adds = actions.compactMap { $0["add"] as? [String: Any] }, removes = actions.compactMap { $0["remove"] as? [String: Any] }
        #expect(adds.count == 2 && removes.count == 8)
        #expect(adds.allSatisfy { $0["dataChange"] as? Bool == false && ($0["stats"] as? String)?.contains("\"numRecords\":8") == true })
        #expect(removes.allSatisfy { $0["dataChange"] as? Bool == false })
        let info = try #require(actions.compactMap { $0["commitInfo"] as? [String: Any] }.first)
        #expect(info["operation"] as? String == "OPTIMIZE")
        #expect(info["isBlindAppend"] as? Bool == false)
        let parameters = try #require(info["operationParameters"] as? [String: Any])
        #expect(parameters["predicate"] as? String == "[]" && parameters["targetSize"] as? String == "134217728")
        let metrics = try #require(info["operationMetrics"] as? [String: String])
        #expect(metrics["numAddedFiles"] == "2" && metrics["numRemovedFiles"] == "8")
        #expect(metrics["numRemovedBytes"] == String(result.numBytesRemoved) && metrics["numAddedBytes"] == String(result.numBytesAdded))
        #expect(metrics["minFileSize"] == String(result.minFileSize) && metrics["maxFileSize"] == String(result.maxFileSize))

        // A second run finds nothing to do.
        let again = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table))
        #expect(!again.committed && again.version == 4)

        guard let views = try await deltaRsViews([(table, 3), (table, nil)]) else { return }
        #expect(views[1].version == 4 && views[1].files.count == 2 && views[0].files.count == 8)
        #expect(views[1].count == 16 && views[1].digest == views[0].digest)
        #expect(try await deltaRs(table, "print(DeltaTable(path).history(1)[0]['operation'])")?.contains("OPTIMIZE") == true)
    }

    @Test("files at least target_size are left alone; bins hold at most target_size bytes")
    func targetSize() async throws {
        let (lake, table) = try await Self.smallFilesTable()
        let sizes = try await lake.deltaFiles(path: table).files.map(\.size)
        let smallest = try #require(sizes.min())
        // Nothing is smaller than the smallest file: nothing to do.
        let none = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table, targetSize: smallest))
        #expect(!none.committed && none.numFilesRemoved == 0)
        // Room for two files per bin: each partition's four files become two bins.
        let two = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table, targetSize: 2 * (sizes.max() ?? 0) + 1))
        #expect(two.committed && two.numBatches == 4 && two.numFilesRemoved == 8 && two.numFilesAdded == 4)
        await expectError(.invalidRequest) { _ = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table, targetSize: 0)) }
    }

    @Test("'where' on a partition column compacts only that partition; on a data column it is a 400 that says so")
    func partitionPredicate() async throws {
        let (lake, table) = try await Self.smallFilesTable()
        let before = try await Self.checksum(lake, table)
        let result = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table, predicate: "region = 'north'"))
        #expect(result.committed && result.numFilesRemoved == 4 && result.numFilesAdded == 1 && result.partitionsOptimized == 1)
        let files = try await lake.deltaFiles(path: table).files
        #expect(files.filter { $0.partitionValues["region"] == "south" }.count == 4)
        #expect(files.filter { $0.partitionValues["region"] == "north" }.count == 1)
        #expect(try await Self.checksum(lake, table) == before)
        let parameters = try #require(Self.commit(table, result.version).compactMap { $0["commitInfo"] as? [String: Any] }.first?["operationParameters"] as? [String: Any])
        #expect(parameters["predicate"] as? String == #"["region = 'north'"]"#)

        let error = try await #require(throws: SwiftLakeError.self) {
            _ = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table, predicate: "region = 'south' AND amount > 3"))
        }
        #expect(error.kind == .invalidRequest && error.code == "predicate_on_data_column")
        #expect(error.message.contains("amount") && error.message.contains("partition columns: region"))
        let none = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table, predicate: "region = 'west'"))
        #expect(!none.committed)
    }

    @Test("an append committed while OPTIMIZE runs does not conflict; both land")
    func concurrentAppend() async throws {
        let (lake, table) = try await Self.smallFilesTable()
        let result = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table), progress: nil) {
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: table, rows: [
                ["id": .int(100), "amount": .double(1), "name": .string("late"), "region": .string("north")]]))
        }
        #expect(result.committed && result.version == 5)
        let rows = try await Self.checksum(lake, table)
        #expect(rows[0] == "17")
        #expect(try await lake.deltaFiles(path: table).files.count == 3)
        guard let views = try await deltaRsViews([(table, nil)]) else { return }
        #expect(views[0].version == 5 && views[0].count == 17)
    }

    @Test("a delete of a compacted file committed while OPTIMIZE runs is a 409; OPTIMIZE's files are removed")
    func concurrentDelete() async throws {
        let (lake, table) = try await Self.smallFilesTable()
        let before = filesBelow(table).filter { $0.hasSuffix(".parquet") }
        let error = try await #require(throws: SwiftLakeError.self) {
            _ = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table), progress: nil) {
                _ = try await lake.deltaDelete(DeltaDeleteRequest(path: table, predicate: "id = 0"))
            }
        }
        #expect(error.kind == .conflict && error.code == "commit_conflict")
        // The delete rewrote one file; none of OPTIMIZE's files is left behind.
        let after = filesBelow(table).filter { $0.hasSuffix(".parquet") }
        #expect(after.count == before.count + 1)
        #expect(try await Self.checksum(lake, table)[0] == "15")
        #expect(try await lake.deltaHistory(path: table, limit: 1).history.count == 1)
    }

    @Test("a missing table is a 404; a table with deletion vectors is optimized (its single file: nothing to do)")
    func refusals() async throws {
        let (lake, table) = try maintenanceRoot()
        await expectError(.notFound) { _ = try await lake.deltaOptimize(DeltaOptimizeRequest(path: table)) }
        let (dvLake, dvTable) = try maintenanceCopy(of: "table-with-dv-small")
        let result = try await dvLake.deltaOptimize(DeltaOptimizeRequest(path: dvTable))
        #expect(!result.committed)
    }
}
