import DuckDB
import Foundation
import Testing
@testable import SwiftLake

/// Runs a python script that writes test tables. nil when python3 with deltalake is missing
/// (after saying so).
func writeTablesWithPython(_ script: String, _ arguments: [String]) async throws -> String? {
    try await runPythonOracle(script, arguments)
}

/// What file skipping did for one predicate, and whether it lost rows.
struct SkippingOutcome {
    var scanned: Int
    var skipped: Int
    /// The rows read with skipping.
    var rows: [String]
    /// The rows of an unfiltered read (every file opened) filtered by the same predicate.
    var expected: [String]
}

/// Reads `table` filtered by `predicate` twice: with file skipping, and over every file (the
/// predicate sits outside a subquery, where skipping does not look).
func readWithAndWithoutSkipping(_ lake: Lakehouse, _ table: String, _ predicate: String) async throws -> SkippingOutcome {
    let select = "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM"
    let skipping = try await textRows(lake, DeltaReadRequest(path: table, sql: "\(select) t WHERE \(predicate)", limit: 100_000))
    let everything = try await textRows(lake, DeltaReadRequest(path: table, sql: "\(select) (SELECT * FROM t) AS t WHERE \(predicate)", limit: 100_000))
    #expect(everything.result.filesSkipped == 0, "the unfiltered read skipped files")
    return SkippingOutcome(scanned: skipping.result.filesScanned, skipped: skipping.result.filesSkipped,
                           rows: sortedRows(skipping.rows, columns: skipping.columns),
                           expected: sortedRows(everything.rows, columns: everything.columns))
}

@Suite("Delta file skipping on timestamps, booleans, struct fields and NOT")
struct DeltaTypedSkippingTests {
    /// Four files written by delta-rs, one per append; file k (0…3) holds 10 rows i = 0…9:
    /// - `id` = 10k + i;
    /// - `ts` (timestamp) = 2024-01-(1 + 10k) 00:00:0i.123456 UTC, `tsn` (timestamp_ntz) the same
    ///   wall-clock time: statistics keep milliseconds, so file 0's max is written `…09.123`;
    /// - `flag`: file 0 all true, 1 all false, 2 alternating, 3 NULL for even i, else true;
    /// - `s` = {a: 10k + i, inner: {x: "k<k>"}}, NULL in file 3 for i < 5.
    static let script = #"""
import sys, datetime
import pyarrow as pa
from deltalake import write_deltalake
path = sys.argv[1]
utc = datetime.timezone.utc
s_type = pa.struct([("a", pa.int64()), ("inner", pa.struct([("x", pa.string())]))])
for k in range(4):
    base = datetime.datetime(2024, 1, 1 + 10 * k, 0, 0, 0, 123456)
    flags = [[True] * 10, [False] * 10, [i % 2 == 0 for i in range(10)], [None if i % 2 == 0 else True for i in range(10)]][k]
    structs = [None if (k == 3 and i < 5) else {"a": 10 * k + i, "inner": {"x": "k%d" % k}} for i in range(10)]
    batch = pa.table({
        "id": pa.array([10 * k + i for i in range(10)], pa.int64()),
        "ts": pa.array([(base + datetime.timedelta(seconds=i)).replace(tzinfo=utc) for i in range(10)], pa.timestamp("us", tz="UTC")),
        "tsn": pa.array([base + datetime.timedelta(seconds=i) for i in range(10)], pa.timestamp("us")),
        "flag": pa.array(flags, pa.bool_()),
        "s": pa.array(structs, s_type),
    })
    write_deltalake(path, batch, mode="append")
"""#

    static func table(in directory: TemporaryDirectory) async throws -> String? {
        let path = directory.file("typed")
        guard try await writeTablesWithPython(script, [path]) != nil else { return nil }
        return path
    }

    /// Each predicate with the number of files that can hold matching rows (reasoned from
    /// the data above), so skipping must open exactly those.
    static let cases: [(predicate: String, scanned: Int)] = [
        // Timestamps: file 0's maximum is written 09.123 but is 09.123456, so it must stay.
        ("ts > TIMESTAMPTZ '2024-01-01 00:00:09.123+00'", 4),
        ("ts > TIMESTAMPTZ '2024-01-01 00:00:09.124+00' AND ts < TIMESTAMPTZ '2024-01-11 00:00:00+00'", 0),
        ("ts >= '2024-01-21T00:00:00Z'", 2),
        // Without a zone the session's zone applies: only far-away files are skipped.
        ("ts < '2024-01-05'", 1),
        ("tsn BETWEEN TIMESTAMP '2024-01-11 00:00:00' AND TIMESTAMP '2024-01-11 23:59:59'", 1),
        ("tsn > TIMESTAMP '2024-01-31 00:00:09.123'", 1),
        ("tsn = TIMESTAMP '2024-01-21 00:00:05.123456'", 1),
        ("tsn < DATE '2024-01-11'", 1),
        // Booleans.
        ("flag", 3),
        ("NOT flag", 2),
        ("flag = false", 2),
        ("flag IS NULL", 1),
        // Struct fields.
        ("s.a > 25", 2),
        ("s.inner.x = 'k1'", 1),
        ("t.s.a = 11", 1),
        ("s.inner.x IN ('k0', 'k2')", 2),
        ("s.a IS NULL", 1),
        // NOT, pushed down.
        ("NOT (id < 10 OR id >= 30)", 2),
        ("id NOT BETWEEN 0 AND 29", 1),
        ("NOT (id IN (1, 2))", 4),
        ("NOT (s.a IS NOT NULL)", 1),
        ("NOT (NOT (id = 35))", 1),
        ("NOT (id = 3 AND flag)", 4),
        // Not understood: every file is kept.
        ("NOT (id + 1 = 5)", 4),
        // A literal of another type than the column keeps the file.
        ("flag = 1", 4),
    ]

    @Test("timestamps, timestamp_ntz, booleans, nested fields and NOT skip only files without matches")
    func typedPredicates() async throws {
        let (lake, directory) = try makeDeltaLake()
        guard let table = try await Self.table(in: directory) else { return }
        let all = try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT count(*) FROM t"))
        #expect(all.filesScanned == 4)
        #expect(try await all.cursor.collect().rows == [[.bigint(40)]])
        for (predicate, scanned) in Self.cases {
            let outcome = try await readWithAndWithoutSkipping(lake, table, predicate)
            #expect(outcome.scanned == scanned && outcome.skipped == 4 - scanned,
                    "\(predicate): opened \(outcome.scanned) files, expected \(scanned)")
            #expect(outcome.rows == outcome.expected, "\(predicate): skipping lost or added rows")
        }
        // The widened maximum really matters: file 0 holds the matching row.
        let edge = try await readWithAndWithoutSkipping(lake, table, "ts > TIMESTAMPTZ '2024-01-01 00:00:09.123+00' AND id < 10")
        #expect(edge.rows.count == 1 && edge.scanned == 1)
    }

    @Test("statistics missing, without null counts or of another type keep the file")
    func unusableStatistics() async throws {
        let (lake, directory) = try makeDeltaLake()
        let table = directory.file("nostats")
        try FileManager.default.createDirectory(atPath: table + "/_delta_log", withIntermediateDirectories: true)
        let database = try Database()
        let connection = try database.connect()
        for k in 0..<4 {
            try connection.execute("COPY (SELECT \(k) AS id, TIMESTAMPTZ '2024-01-0\(k + 1) 00:00:00+00' AS ts, \(k % 2 == 0) AS flag) TO '\(table)/f\(k).parquet' (FORMAT parquet)")
        }
        let schema = #"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},{\"name\":\"flag\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}}]}"#
        // f0: no stats; f1: min/max but no null counts; f2: a timestamp without a zone and a
        // boolean written as a number (0, though the row is true); f3: complete.
        let stats = [
            nil,
            #"{\"numRecords\":1,\"minValues\":{\"id\":1,\"ts\":\"2024-01-02T00:00:00.000Z\",\"flag\":false},\"maxValues\":{\"id\":1,\"ts\":\"2024-01-02T00:00:00.000Z\",\"flag\":false}}"#,
            #"{\"numRecords\":1,\"minValues\":{\"id\":2,\"ts\":\"2024-01-03 00:00:00\",\"flag\":0},\"maxValues\":{\"id\":2,\"ts\":\"2024-01-03 00:00:00\",\"flag\":0},\"nullCount\":{\"id\":0,\"ts\":0,\"flag\":0}}"#,
            #"{\"numRecords\":1,\"minValues\":{\"id\":3,\"ts\":\"2024-01-04T00:00:00.000Z\",\"flag\":false},\"maxValues\":{\"id\":3,\"ts\":\"2024-01-04T00:00:00.000Z\",\"flag\":false},\"nullCount\":{\"id\":0,\"ts\":0,\"flag\":0}}"#,
        ]
        var log = """
            {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
            {"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"\(schema)","partitionColumns":[],"configuration":{},"createdTime":0}}

            """
        for k in 0..<4 {
            let size = (try FileManager.default.attributesOfItem(atPath: "\(table)/f\(k).parquet")[.size] as! NSNumber).intValue
            let statsField = stats[k].map { #","stats":"\#($0)""# } ?? ""
            log += #"{"add":{"path":"f\#(k).parquet","partitionValues":{},"size":\#(size),"modificationTime":0,"dataChange":true\#(statsField)}}"# + "\n"
        }
        try log.write(toFile: table + "/_delta_log/00000000000000000000.json", atomically: true, encoding: .utf8)

        let cases: [(String, Int)] = [
            ("ts = TIMESTAMPTZ '2024-01-03 00:00:00+00'", 2),   // f0 (no stats) and f2 (zone-less stat)
            ("flag", 2),                                       // f0 and f2 (number stat); f1, f3 are false
            ("id IS NULL", 2),                                 // f0 and f1 (no null counts)
            ("id = 3", 2),                                     // f0 and f3
        ]
        for (predicate, scanned) in cases {
            let outcome = try await readWithAndWithoutSkipping(lake, table, predicate)
            #expect(outcome.scanned == scanned, "\(predicate): opened \(outcome.scanned) files, expected \(scanned)")
            #expect(outcome.rows == outcome.expected, "\(predicate)")
        }
    }

    @Test("corpus: timestamps near 9999-12-31 (Spark's statistics) skip files")
    func corpusTimestamps() async throws {
        let (lake, _) = try makeDeltaLake()
        let table = deltaCorpus + "/table_with_edge_timestamps"
        for (predicate, scanned) in [("BIG_DATE > TIMESTAMPTZ '9999-12-30 12:00:00+00'", 1),
                                     ("NORMAL_DATE < '2022-01-15T00:00:00Z'", 1),
                                     ("NOT (BIG_DATE >= TIMESTAMPTZ '9999-01-01 00:00:00+00')", 0)] {
            let read = try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT SOME_VALUE FROM t WHERE \(predicate)"))
            #expect(read.filesScanned == scanned && read.filesSkipped == 2 - scanned, "\(predicate)")
            #expect(try await read.cursor.collect().rows.count == scanned, "\(predicate)")
        }
    }

    @Test("corpus: a column-mapped table skips on statistics kept under physical names")
    func columnMappedStatistics() async throws {
        let (lake, _) = try makeDeltaLake()
        let table = deltaCorpus + "/table_with_column_mapping"
        for (predicate, scanned) in [("\"Super Name\" = 'Timothy Lamb'", 1),
                                     ("\"Super Name\" < 'B'", 1),
                                     ("\"Company Very Short\" = 'BMS'", 1),
                                     ("NOT (\"Super Name\" <> 'Timothy Lamb')", 1),
                                     ("\"Super Name\" > 'Z'", 0)] {
            let outcome = try await readWithAndWithoutSkipping(lake, table, predicate)
            #expect(outcome.scanned == scanned && outcome.skipped == 2 - scanned, "\(predicate): opened \(outcome.scanned)")
            #expect(outcome.rows == outcome.expected, "\(predicate)")
            #expect(!outcome.expected.isEmpty || scanned == 0, "\(predicate): the test should match rows")
        }
    }
}
