import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

@Suite("Delta writes")
struct DeltaWriteTests {
    static func rows(_ json: String) throws -> [[String: DeltaRowValue]] {
        try JSONDecoder().decode([[String: DeltaRowValue]].self, from: Data(json.utf8))
    }

    @Test("create, then append partitioned rows: delta-rs reads our rows, schema, partitions, history and stats")
    func createAndAppendReadByDeltaRs() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("sales")
        let created = try await lake.deltaCreate(DeltaCreateRequest(path: path, schema: [
            DeltaColumnSpec(name: "id", type: .string("long"), nullable: false),
            DeltaColumnSpec(name: "name", type: .string("string")),
            DeltaColumnSpec(name: "amount", type: .string("decimal(10,2)")),
            DeltaColumnSpec(name: "at", type: .string("timestamp")),
            DeltaColumnSpec(name: "day", type: .string("date")),
            DeltaColumnSpec(name: "region", type: .string("string")),
        ], partitionColumns: ["region"], description: "sales"))
        #expect(created.version == 0 && created.operation == "CREATE TABLE")

        let long = String(repeating: "z", count: 40)
        let result = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: try Self.rows("""
            [{"id": 1, "name": "a", "amount": 1.25, "at": "2024-05-01T12:00:00.123456Z", "day": "2024-05-01", "region": "north"},
             {"id": 2, "name": "\(long)", "amount": "10.50", "at": "2024-05-02 00:00:00", "day": "2024-05-02", "region": "north"},
             {"id": 3, "name": null, "amount": null, "at": null, "day": null, "region": "a/b=c"},
             {"id": 4, "name": "d", "region": null}]
            """)))
        #expect(result.version == 1 && result.rowsInserted == 4 && result.filesAdded == 3 && result.committed)
        #expect(result.bytesAdded > 0)

        let columns = ["id", "name", "amount", "at", "day", "region"]
        let ours = try await ourRows(lake, path, columns: columns)
        #expect(ours.count == 4)
        guard let view = try await deltaRsView(path) else { return }
        #expect(view.version == 1)
        #expect(view.partitionColumns == ["region"])
        #expect(view.schema == ["id": "long", "name": "string", "amount": "decimal(10,2)", "at": "timestamp", "day": "date", "region": "string"])
        #expect(view.nullable["id"] == false && view.nullable["name"] == true)
        #expect(view.operations == ["WRITE", "CREATE TABLE"])
        #expect(view.rows == [
            "amount=1.25|at=2024-05-01T12:00:00.123456+00:00|day=2024-05-01|id=1|name=a|region=north",
            "amount=10.50|at=2024-05-02T00:00:00+00:00|day=2024-05-02|id=2|name=\(long)|region=north",
            "amount=∅|at=∅|day=∅|id=3|name=∅|region=a/b=c",
            "amount=∅|at=∅|day=∅|id=4|name=d|region=∅",
        ])
        let north = try #require(view.adds.first { $0["partition.region"] == "north" })
        #expect(north["num_records"] == "2")
        #expect(north["min.id"] == "1" && north["max.id"] == "2")
        #expect(north["null_count.name"] == "0" && north["min.name"] == "a")
        // The 40-character name is cut to 32 characters; the maximum stays above it.
        let maxName = try #require(north["max.name"])
        #expect(maxName.unicodeScalars.count == 33 && maxName.hasPrefix(String(repeating: "z", count: 32)) && maxName > long)
        #expect(north["min.day"] == "2024-05-01" && north["max.day"] == "2024-05-02")
        #expect(north["min.at"]?.hasPrefix("2024-05-01T12:00:00.123") == true)
        let nulls = try #require(view.adds.first { $0["partition.region"] == "∅" })
        #expect(nulls["num_records"] == "1" && nulls["null_count.amount"] == "1")
        // Hive-escaped directory, percent-encoded path in the log.
        let slash = try #require(view.adds.first { $0["partition.region"] == "a/b=c" })
        #expect(slash["path"]?.hasPrefix("region=a%252Fb%253Dc/part-") == true)
        #expect(FileManager.default.fileExists(atPath: path + "/region=__HIVE_DEFAULT_PARTITION__"))
    }
}
