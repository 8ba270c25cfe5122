import DuckDB
import Foundation
import Testing
@testable import SwiftLake

/// Writes the 1,000-file table on a thread of its own: the work blocks for seconds, and doing
/// it on a Swift concurrency thread (libdispatch's pool on Linux) would delay other tests'
/// query-timeout timers.
func makeThousandFileTableOffPool(in directory: TemporaryDirectory) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try makeThousandFileTable(in: directory) }) }
        thread.qualityOfService = .background
        thread.start()
    }
}

/// A 1,000-file Delta table written here: file i holds ids 10·i … 10·i+9, partition `p` = i % 10
/// recorded only in the log (the file paths hold no `p=…` directory), with min/max/nullCount stats.
func makeThousandFileTable(in directory: TemporaryDirectory) throws -> String {
    let table = directory.file("thousand")
    try FileManager.default.createDirectory(atPath: table + "/_delta_log", withIntermediateDirectories: true)
    let database = try Database()
    let connection = try database.connect()
    try connection.execute("SET threads = 1")
    try connection.execute("CREATE TABLE src AS SELECT i AS id, 'row ' || i AS name FROM range(10000) r(i)")
    var log = #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"# + "\n"
    let schema = #"{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"name","type":"string","nullable":true,"metadata":{}},{"name":"p","type":"integer","nullable":true,"metadata":{}}]}"#
    let metadata: [String: Any] = ["metaData": ["id": "thousand", "format": ["provider": "parquet", "options": [String: String]()],
                                                "schemaString": schema, "partitionColumns": ["p"],
                                                "configuration": [String: String](), "createdTime": 0]]
    log += String(decoding: try JSONSerialization.data(withJSONObject: metadata), as: UTF8.self) + "\n"
    try connection.execute("""
        COPY (SELECT id, name, id // 10 AS file FROM src) TO '\(table)/data' (FORMAT parquet, PARTITION_BY (file), WRITE_PARTITION_COLUMNS false)
        """)
    for i in 0..<1000 {
        let source = "\(table)/data/file=\(i)"
        let name = try FileManager.default.contentsOfDirectory(atPath: source).first!
        let target = "part-\(i).parquet"
        try FileManager.default.moveItem(atPath: source + "/" + name, toPath: table + "/" + target)
        let size = (try FileManager.default.attributesOfItem(atPath: table + "/" + target)[.size] as! NSNumber).intValue
        let stats = #"{"numRecords":10,"minValues":{"id":\#(i * 10),"name":"row \#(i * 10)"},"maxValues":{"id":\#(i * 10 + 9)},"nullCount":{"id":0,"name":0}}"#
        let add: [String: Any] = ["add": ["path": target, "partitionValues": ["p": String(i % 10)], "size": size,
                                          "modificationTime": 0, "dataChange": true, "stats": stats]]
        log += String(decoding: try JSONSerialization.data(withJSONObject: add), as: UTF8.self) + "\n"
    }
    try FileManager.default.removeItem(atPath: table + "/data")
    try log.write(toFile: table + "/_delta_log/00000000000000000000.json", atomically: true, encoding: .utf8)
    return table
}

@Suite("Delta file skipping")
struct DeltaSkippingTests {
    @Test("a selective predicate on a 1,000-file table opens only the files that can match")
    func thousandFiles() async throws {
        let (lake, directory) = try makeDeltaLake()
        let table = try await makeThousandFileTableOffPool(in: directory)

        let all = try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT count(*), sum(p) FROM t"))
        #expect(all.filesScanned == 1000 && all.filesSkipped == 0)
        let totals = try await all.cursor.collect().rows[0]
        #expect(totals[0] == .bigint(10000))

        let one = try await lake.deltaRead(DeltaReadRequest(path: table, filter: "id = 5005"))
        #expect(one.filesScanned == 1 && one.filesSkipped == 999)
        let row = try await one.cursor.collect().rows
        #expect(row.count == 1 && row[0][0] == .bigint(5005) && row[0][2] == .integer(0))

        let range = try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT count(*) FROM t WHERE id BETWEEN 100 AND 119 OR id IN (9999)"))
        #expect(range.filesScanned == 3)
        #expect(try await range.cursor.collect().rows[0][0] == .bigint(21))

        let partition = try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT count(*) FROM t WHERE p = 3 AND id < 1000"))
        #expect(partition.filesScanned == 10)
        #expect(try await partition.cursor.collect().rows[0][0] == .bigint(100))

        let nulls = try await lake.deltaRead(DeltaReadRequest(path: table, filter: "name IS NULL"))
        #expect(nulls.filesScanned == 0)

        // Predicates it does not understand never skip.
        let unknown = try await lake.deltaRead(DeltaReadRequest(path: table, filter: "id + 1 = 5006"))
        #expect(unknown.filesScanned == 1000)
        #expect(try await unknown.cursor.collect().rows.count == 1)
    }

    @Test("statistics from a checkpoint (and the commits after it) skip files")
    func checkpointStatistics() async throws {
        let (lake, _) = try makeDeltaLake()
        let read = try await lake.deltaRead(DeltaReadRequest(path: deltaCorpus + "/delta-1.2.1-only-struct-stats",
                                                             sql: "SELECT \"integer\" FROM t WHERE \"integer\" = 3"))
        #expect(read.version == 12 && read.filesScanned == 1 && read.filesSkipped == 11)
        #expect(try await read.cursor.collect().rows == [[.integer(3)]])
    }

    @Test("the skipping predicate comes from DuckDB's parse tree")
    func predicateParsing() async throws {
        let (lake, _) = try makeDeltaLake()
        let p = try await lake.skippingPredicate(statement: "SELECT * FROM t WHERE a > 5 AND (b IN ('x', 'y') OR c IS NULL) AND 3 >= d")
        #expect(p == .and([.compare(column: "a", .greater, .number(5)),
                           .or([.inList(column: "b", [.string("x"), .string("y")]), .isNull(column: "c")]),
                           .compare(column: "d", .lessOrEqual, .number(3))]))
        #expect(try await lake.skippingPredicate(statement: "SELECT * FROM t JOIN t AS u USING (a) WHERE a = 1") == .unknown)
        // NOT is pushed down by De Morgan; a struct field is a path; a boolean column alone is `= true`.
        let negated = try await lake.skippingPredicate(statement: "SELECT * FROM t AS u WHERE NOT (u.s.a < 1 OR flag OR b NOT IN ('x'))")
        #expect(negated == .and([.compare(column: ColumnPath(["s", "a"]), .greaterOrEqual, .number(1)),
                                 .compare(column: "flag", .notEqual, .boolean(true)),
                                 .or([.compare(column: "b", .equal, .string("x"))])]))
        let typed = try await lake.skippingPredicate(statement: "SELECT * FROM t WHERE ts < TIMESTAMPTZ '2024-01-01 00:00:00+01' AND NOT (x + 1 = 2)")
        #expect(typed == .and([.compare(column: "ts", .less, .timestamp(SkippingTimestamp(micros: 1_704_063_600_000_000, hasZone: true), zoned: true)),
                               .unknown]))
    }
}
