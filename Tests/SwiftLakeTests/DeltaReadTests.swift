import DuckDB
import Foundation
import Testing
@testable import SwiftLake

/// A lakehouse whose roots are the Delta corpus (read only) and a fresh temporary directory.
func makeDeltaLake() throws -> (Lakehouse, TemporaryDirectory) {
    let directory = try TemporaryDirectory()
    // One DuckDB thread: these tests run beside timing-sensitive ones on small machines.
    var configuration = LakehouseConfiguration(roots: [deltaCorpus, directory.path], queryTimeout: .seconds(120))
    configuration.threads = 1
    let lake = try Lakehouse(configuration: configuration)
    return (lake, directory)
}

/// Every value of a read rendered by DuckDB as text, one dictionary per row.
func textRows(_ lake: Lakehouse, _ request: DeltaReadRequest) async throws -> (columns: [String], rows: [[String: String?]], result: DeltaReadResult) {
    let read = try await lake.deltaRead(request)
    let set = try await read.cursor.collect()
    let names = set.columns.map(\.name)
    let rows = set.rows.map { row in
        Dictionary(uniqueKeysWithValues: zip(names, row.map { value -> String? in
            if case .varchar(let s) = value { return s }
            return value.isNull ? nil : value.description
        }))
    }
    return (names, rows, read)
}

/// A row multiset in a stable order, for comparisons.
func sortedRows(_ rows: [[String: String?]], columns: [String]) -> [String] {
    rows.map { row in columns.sorted().map { "\($0)=\(row[$0].flatMap { $0 } ?? "∅")" }.joined(separator: "|") }.sorted()
}

/// Tables where delta-rs's rows are not the truth, and why (their own tests check them).
let knownDivergences: [String: String] = [
    "table_with_edge_timestamps": "delta-rs overflows timestamps after 2262 (nanoseconds); see edgeTimestamps",
    "spark-variant-checkpoint": "delta-rs orders a variant's struct fields (metadata, value), the Parquet files (value, metadata)",
]

@Suite("Delta reads")
struct DeltaReadTests {
    @Test("every corpus table at every version with data files reads as delta-rs reads it")
    func corpusMatchesDeltaRs() async throws {
        guard let oracle = await deltaOracleOrSkip() else { return }
        let (lake, _) = try makeDeltaLake()
        var compared = 0
        for (table, versions) in oracle.sorted(by: { $0.key < $1.key }) {
            for (version, expected) in versions.sorted(by: { $0.key < $1.key }) {
                let columns = expected.columns
                do {
                    let path = deltaCorpus + "/" + table
                    let sql = digestSQL.replacingOccurrences(of: "{columns}", with: digestColumns(columns))
                        .replacingOccurrences(of: "{table}", with: "t")
                    let read = try await lake.deltaRead(DeltaReadRequest(path: path, version: version, sql: sql))
                    #expect(read.version == version)
                    let digest = try await read.cursor.collect().rows[0].map { value -> String in
                        if case .varchar(let s) = value { return s }
                        return value.description
                    }
                    let names = try await lake.deltaRead(DeltaReadRequest(path: path, version: version, sql: "SELECT * FROM t LIMIT 0"))
                        .cursor.columns.map(\.name)
                    #expect(Set(names) == Set(columns), "\(table)@\(version): columns \(names) vs \(columns)")
                    if let reason = knownDivergences[table] {
                        // Same rows, different rendering on delta-rs's side: only the counts must agree.
                        #expect(digest[0] == expected.count, "\(table)@\(version): row count")
                        print("\(table)@\(version): compared row counts only (\(reason))")
                        compared += 1
                        continue
                    }
                    #expect(digest == [expected.count, expected.digest], "\(table)@\(version): rows differ (count \(digest[0]) vs \(expected.count))")
                    if digest != [expected.count, expected.digest], !expected.rows.isEmpty {
                        let select = columns.map { "CAST(\(SQL.identifier($0)) AS VARCHAR) AS \(SQL.identifier($0))" }.joined(separator: ", ")
                        let got = try await textRows(lake, DeltaReadRequest(path: path, version: version, sql: "SELECT \(select) FROM t", limit: 10_000))
                        let expectedRows = expected.rows.map { row in Dictionary(uniqueKeysWithValues: zip(columns, row)) }
                        let mine = Set(sortedRows(got.rows, columns: columns)), theirs = Set(sortedRows(expectedRows, columns: columns))
                        print("\(table)@\(version) only here: \(Array(mine.subtracting(theirs).sorted().prefix(2))); only delta-rs: \(Array(theirs.subtracting(mine).sorted().prefix(2)))")
                    }
                    compared += 1
                } catch {
                    Issue.record("\(table)@\(version): \(error)")
                }
            }
        }
        print("compared \(compared) table versions with delta-rs")
        #expect(compared > 20)
    }

    @Test("deletion vectors remove rows: table-with-dv-small is 0–9 at v0 and 1–8 at v1")
    func deletionVectors() async throws {
        let (lake, _) = try makeDeltaLake()
        let path = deltaCorpus + "/table-with-dv-small"
        let v0 = try await lake.deltaRead(DeltaReadRequest(path: path, version: 0, sql: "SELECT value FROM t ORDER BY value")).cursor.collect()
        #expect(v0.rows.map { $0[0] } == (0...9).map { Value.integer(Int32($0)) })
        let v1 = try await lake.deltaRead(DeltaReadRequest(path: path, sql: "SELECT value FROM t ORDER BY value"))
        #expect(v1.version == 1)
        #expect(try await v1.cursor.collect().rows.map { $0[0] } == (1...8).map { Value.integer(Int32($0)) })
    }

    @Test("timestamps up to 9999-12-31 read exactly (delta-rs wraps them to 1816)")
    func edgeTimestamps() async throws {
        let (lake, _) = try makeDeltaLake()
        let read = try await lake.deltaRead(DeltaReadRequest(path: deltaCorpus + "/table_with_edge_timestamps",
            sql: "SELECT CAST(BIG_DATE AS VARCHAR), CAST(NORMAL_DATE AS VARCHAR) FROM t ORDER BY SOME_VALUE"))
        let rows = try await read.cursor.collect().rows
        #expect(rows == [[.varchar("9999-12-31 00:00:00+00"), .varchar("2022-01-01 00:00:00+00")],
                         [.varchar("9999-12-30 00:00:00+00"), .varchar("2022-02-01 00:00:00+00")]])
    }

    @Test("versions and timestamps that do not exist are notFound with the range")
    func missingVersion() async throws {
        let (lake, _) = try makeDeltaLake()
        let path = deltaCorpus + "/table-with-dv-small"
        let error = await expectError(.notFound) { _ = try await lake.deltaRead(DeltaReadRequest(path: path, version: 7)) }
        #expect(error?.message.contains("1") == true)
        await expectError(.notFound) { _ = try await lake.deltaRead(DeltaReadRequest(path: path, timestamp: "1990-01-01")) }
        await expectError(.invalidRequest) { _ = try await lake.deltaRead(DeltaReadRequest(path: path, version: 0, timestamp: "2020-01-01")) }
    }

    @Test("a reader feature SwiftLake does not support is refused as unprocessable, naming it")
    func unsupportedFeature() async throws {
        let (lake, directory) = try makeDeltaLake()
        let table = directory.file("future")
        try FileManager.default.createDirectory(atPath: table + "/_delta_log", withIntermediateDirectories: true)
        let schema = #"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}"#
        let log = """
            {"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timeMachineFeature"],"writerFeatures":["timeMachineFeature"]}}
            {"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"\(schema)","partitionColumns":[],"configuration":{},"createdTime":0}}

            """
        try log.write(toFile: table + "/_delta_log/00000000000000000000.json", atomically: true, encoding: .utf8)
        let error = await expectError(.unprocessable) { _ = try await lake.deltaRead(DeltaReadRequest(path: table)) }
        #expect(error?.message.contains("timeMachineFeature") == true, "\(error?.message ?? "")")
        await expectError(.notFound) { _ = try await lake.deltaRead(DeltaReadRequest(path: directory.path)) }
    }

    @Test("history, detail and files describe the table")
    func historyDetailFiles() async throws {
        let (lake, _) = try makeDeltaLake()
        let path = deltaCorpus + "/table-with-dv-small"
        let history = try await lake.deltaHistory(path: path)
        #expect(history.history.count == 2)
        let detail = try await lake.deltaDetail(path: path)
        #expect(detail.version == 1 && detail.id == "testId" && detail.numFiles == 1)
        #expect(detail.protocol.readerFeatures == ["deletionVectors"])
        let files = try await lake.deltaFiles(path: path, version: 0)
        #expect(files.files.count == 1 && files.files[0].deletedRows == nil)
        #expect(try await lake.deltaFiles(path: path).files[0].deletedRows == 2)
    }

    @Test("the latest snapshot is cached until a new commit appears")
    func snapshotCache() async throws {
        let (lake, _) = try makeDeltaLake()
        let path = deltaCorpus + "/table-with-dv-small"
        _ = try await lake.deltaDetail(path: path)
        _ = try await lake.deltaDetail(path: path)
        _ = try await lake.deltaFiles(path: path)
        #expect(await lake.deltaSnapshots.builds == 1)
    }
}
