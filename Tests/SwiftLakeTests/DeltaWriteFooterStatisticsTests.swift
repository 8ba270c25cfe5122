import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

/// The statistics of written files come from their Parquet footers (no second read of the
/// rows); they must say what DuckDB's own aggregates over the rows say.
@Suite("Delta write statistics from Parquet footers")
struct DeltaWriteFooterStatisticsTests {
    static let fields: [DeltaLake.StructField] = [
        .init(name: "id", type: .primitive(.long)),
        .init(name: "i", type: .primitive(.integer)),
        .init(name: "sh", type: .primitive(.short)),
        .init(name: "by", type: .primitive(.byte)),
        .init(name: "f", type: .primitive(.float)),
        .init(name: "d", type: .primitive(.double)),
        .init(name: "dec", type: .primitive(.decimal(precision: 12, scale: 3))),
        .init(name: "wide", type: .primitive(.decimal(precision: 30, scale: 4))),
        .init(name: "s", type: .primitive(.string)),
        .init(name: "b", type: .primitive(.boolean)),
        .init(name: "bin", type: .primitive(.binary)),
        .init(name: "day", type: .primitive(.date)),
        .init(name: "at", type: .primitive(.timestamp)),
        .init(name: "local", type: .primitive(.timestampNtz)),
        .init(name: "allnull", type: .primitive(.string)),
        .init(name: "st", type: .struct(StructType(fields: [
            .init(name: "a", type: .primitive(.integer)),
            .init(name: "name with space", type: .primitive(.string)),
        ]))),
        .init(name: "nan", type: .primitive(.double)),
    ]

    /// 5,000 rows in row groups of 1,000 (the first all NULL in `i`), over two files.
    static let rows = """
        SELECT r AS id,
               CASE WHEN r < 1000 THEN NULL ELSE (r * 7) % 1234 - 600 END::INTEGER AS i,
               (r % 300 - 150)::SMALLINT AS sh, (r % 200 - 100)::TINYINT AS by,
               (r / 3.0)::FLOAT AS f, CASE WHEN r % 11 = 0 THEN NULL ELSE r * 0.25 - 3 END AS d,
               (r * 1.125)::DECIMAL(12,3) AS dec, (r * 1000000000.5)::DECIMAL(30,4) AS wide,
               CASE WHEN r % 13 = 0 THEN NULL WHEN r % 2 = 0 THEN repeat('ü', 40) || r ELSE 'k' || r END AS s,
               r % 3 = 0 AS b, ('x' || r)::BLOB AS bin,
               DATE '2024-01-01' + (r % 400)::INTEGER AS day,
               TIMESTAMPTZ '2024-05-01 12:00:00.123456+00' + to_microseconds(r * 1001) AS at,
               TIMESTAMP '1969-12-31 23:59:59.999' + to_microseconds(r * 3) AS local,
               CAST(NULL AS VARCHAR) AS allnull,
               CASE WHEN r % 17 = 0 THEN NULL ELSE {'a': CASE WHEN r % 5 = 0 THEN NULL ELSE r % 50 END::INTEGER,
                                                    'name with space': 'n' || (r % 9)} END AS st,
               CASE WHEN r = 4321 THEN 'nan'::DOUBLE ELSE r END AS nan
        FROM range(5000) t(r)
        """

    static func json(_ text: String) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
    }

    @Test("footer statistics equal DuckDB's aggregates over the rows (NaN columns keep no bounds)")
    func footerMatchesScan() async throws {
        let (lake, dir) = try makeWriteLake()
        let files = [dir.file("a.parquet"), dir.file("b.parquet")]
        let statistics = FileStatistics(dataFields: Self.fields, configuration: [:])
        #expect(statistics.footerEligible)
        let (scan, footer) = try await lake.duckdb.withConnection { connection in
            try connection.execute("COPY (\(Self.rows)) TO \(SQL.literal(files[0])) (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1000)")
            try connection.execute("COPY (\(Self.rows) WHERE r >= 2500) TO \(SQL.literal(files[1])) (FORMAT parquet, ROW_GROUP_SIZE 1000)")
            let scan = statistics.statistics(from: try connection.query(statistics.query(files: files, fileColumn: "__file")).rows())
            let footer = statistics.statistics(fromFooter: try connection.query(try statistics.footerQuery(files: files)).rows(), files: files)
            return (scan, footer)
        }
        let fromFooter = try #require(footer)
        #expect(Set(fromFooter.keys) == Set(files) && Set(scan.keys) == Set(files))
        for file in files {
            let expected = try Self.json(try #require(scan[file]).json).mutableCopy() as! NSMutableDictionary
            let got = try Self.json(try #require(fromFooter[file]).json)
            #expect(fromFooter[file]?.numRecords == scan[file]?.numRecords)
            // A column holding NaN (both files hold row 4321) has no bounds from the footer
            // (leaving them out is always safe); the scan keeps the finite minimum.
            for key in ["minValues", "maxValues"] {
                let bounds = (expected[key] as! NSDictionary).mutableCopy() as! NSMutableDictionary
                #expect((got[key] as? NSDictionary)?["nan"] == nil)
                bounds.removeObject(forKey: "nan")
                expected[key] = bounds
            }
            #expect(got == expected, "\(file): footer \(got) vs scan \(expected)")
        }
        let first = try Self.json(try #require(fromFooter[files[0]]).json)
        #expect(first["numRecords"] as? Int == 5000)
        #expect((first["nullCount"] as? NSDictionary)?["i"] as? Int == 1000)
        #expect((first["nullCount"] as? NSDictionary)?["allnull"] as? Int == 5000)
        #expect((first["minValues"] as? NSDictionary)?["allnull"] == nil)
    }

    @Test("arrays and maps are counted from the rows: the footer only counts their elements")
    func nestedCollectionsFallBack() {
        let statistics = FileStatistics(dataFields: [
            .init(name: "id", type: .primitive(.long)),
            .init(name: "l", type: .array(ArrayType(elementType: .primitive(.long), containsNull: true))),
        ], configuration: [:])
        #expect(!statistics.footerEligible)
        let commas = FileStatistics(dataFields: [.init(name: "a,b", type: .primitive(.long))], configuration: [:])
        #expect(!commas.footerEligible)
    }
}
