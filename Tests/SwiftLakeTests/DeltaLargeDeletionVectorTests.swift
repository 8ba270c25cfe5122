import DuckDB
import Foundation
import Testing
@testable import SwiftLake

@Suite("Delta large deletion vectors")
struct DeltaLargeDeletionVectorTests {
    /// CRC-32 (IEEE), as the deletion vector file framing uses.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// `rows` (all below 2^32) in Delta's RoaringBitmapArray format (PROTOCOL.md, "Deletion
    /// Vector Format"): magic, one 32-bit bitmap with key 0, in the portable Roaring format
    /// without runs: a container per 16 high bits, arrays up to 4,096 values, else bitmaps.
    static func roaringBitmapArray(_ rows: [UInt32]) -> [UInt8] {
        var out: [UInt8] = []
        func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        let containers = Dictionary(grouping: rows, by: { UInt16($0 >> 16) }).sorted { $0.key < $1.key }
        le(UInt32(1_681_511_377)); le(UInt64(1)); le(UInt32(0))
        le(UInt32(12346)); le(UInt32(containers.count))
        for (key, values) in containers { le(key); le(UInt16(values.count - 1)) }
        var offset = 8 + 8 * containers.count
        for (_, values) in containers {
            le(UInt32(offset))
            offset += values.count <= 4096 ? 2 * values.count : 8192
        }
        for (_, values) in containers {
            let lows = values.map { UInt16($0 & 0xFFFF) }.sorted()
            if lows.count <= 4096 {
                for low in lows { le(low) }
            } else {
                var words = [UInt64](repeating: 0, count: 1024)
                for low in lows { words[Int(low) / 64] |= 1 << (UInt64(low) % 64) }
                for word in words { le(word) }
            }
        }
        return out
    }

    /// Two files: `big.parquet` with ids 0…199,999, whose deletion vector (in its own file)
    /// deletes every even id (100,000 rows); `small.parquet` with ids 200,000…200,009.
    static func makeTable(in directory: TemporaryDirectory) throws -> String {
        let table = directory.file("bigdv")
        try FileManager.default.createDirectory(atPath: table + "/_delta_log", withIntermediateDirectories: true)
        let database = try Database()
        let connection = try database.connect()
        try connection.execute("SET threads = 1")
        try connection.execute("COPY (SELECT i AS id FROM range(200000) r(i) ORDER BY i) TO '\(table)/big.parquet' (FORMAT parquet)")
        try connection.execute("COPY (SELECT 200000 + i AS id FROM range(10) r(i)) TO '\(table)/small.parquet' (FORMAT parquet)")

        let deleted = stride(from: UInt32(0), to: 200_000, by: 2).map { $0 }
        let bitmap = roaringBitmapArray(deleted)
        var file: [UInt8] = [1]   // format version, then size, bitmap and CRC-32 (big-endian)
        withUnsafeBytes(of: UInt32(bitmap.count).bigEndian) { file += $0 }
        file += bitmap
        withUnsafeBytes(of: crc32(bitmap).bigEndian) { file += $0 }
        try Data(file).write(to: URL(fileURLWithPath: table + "/dv.bin"))

        func size(_ name: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: table + "/" + name)[.size] as! NSNumber).intValue
        }
        let schema = #"{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}"#
        let dv: [String: Any] = ["storageType": "p", "pathOrInlineDv": "file://" + table + "/dv.bin", "offset": 1,
                                 "sizeInBytes": bitmap.count, "cardinality": deleted.count]
        let actions: [[String: Any]] = [
            ["protocol": ["minReaderVersion": 3, "minWriterVersion": 7, "readerFeatures": ["deletionVectors"], "writerFeatures": ["deletionVectors"]]],
            ["metaData": ["id": "bigdv", "format": ["provider": "parquet", "options": [String: String]()], "schemaString": schema,
                          "partitionColumns": [String](), "configuration": ["delta.enableDeletionVectors": "true"], "createdTime": 0]],
            ["add": ["path": "big.parquet", "partitionValues": [String: String](), "size": try size("big.parquet"),
                     "modificationTime": 0, "dataChange": true, "deletionVector": dv]],
            ["add": ["path": "small.parquet", "partitionValues": [String: String](), "size": try size("small.parquet"),
                     "modificationTime": 0, "dataChange": true]],
        ]
        let log = try actions.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n") + "\n"
        try log.write(toFile: table + "/_delta_log/00000000000000000000.json", atomically: true, encoding: .utf8)
        return table
    }

    static let appendedTables = "SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, '__swiftlake_delta_deleted_')"

    @Test("a deletion vector of 100,000 rows removes exactly those rows, through an appended table that does not outlive its request")
    func hundredThousandDeletedRows() async throws {
        let directory = try TemporaryDirectory()
        let table = try Self.makeTable(in: directory)
        // One connection slot, so every read below runs on the same pooled connection.
        var configuration = LakehouseConfiguration(roots: [directory.path, deltaCorpus], queryTimeout: .seconds(120))
        configuration.threads = 1
        configuration.maxConcurrentOperations = 1
        let lake = try Lakehouse(configuration: configuration)

        for _ in 0..<2 {   // twice: the second read replaces the first one's table
            let read = try await lake.deltaRead(DeltaReadRequest(path: table, sql: """
                SELECT count(*), count(*) FILTER (WHERE id % 2 = 0 AND id < 200000), CAST(sum(id) AS BIGINT), (\(Self.appendedTables)) FROM t
                """))
            let row = try await read.cursor.collect().rows[0]
            // Hand-reasoned: the 100,000 odd ids below 200,000 (summing to 100,000²) and 200,000…200,009.
            #expect(row[0] == .bigint(100_010))
            #expect(row[1] == .bigint(0))
            #expect(row[2] == .bigint(10_000_000_000 + 2_000_045))
            #expect(row[3] == .bigint(1), "the deleted rows were not appended into one temporary table")
        }
        let deleted = try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT id FROM t WHERE id IN (0, 1, 2, 99998, 99999, 199998, 199999, 200000) ORDER BY id"))
        #expect(try await deleted.cursor.collect().rows == [[.bigint(1)], [.bigint(99999)], [.bigint(199999)], [.bigint(200000)]])

        // The next request on that connection no longer sees the table.
        let other = try await lake.deltaRead(DeltaReadRequest(path: deltaCorpus + "/table-without-dv-small", sql: Self.appendedTables))
        #expect(try await other.cursor.collect().rows == [[.bigint(0)]])
    }
}
