import Foundation
import Testing

@testable import DuckDB

@Suite("Parquet")
struct ParquetTests {
    @Test func valuesRoundTripThroughParquet() throws {
        let connection = try memoryConnection()
        let directory = try TemporaryDirectory()
        let file = directory.path("round-trip.parquet")
        let select = """
            SELECT range::INTEGER AS i, range::BIGINT * 1000000000 AS big, (range % 7)::TINYINT AS tiny,
                   (range / 3)::DOUBLE AS d, (range / 4)::FLOAT AS f, (range * 1.25)::DECIMAL(10,2) AS dec,
                   ('1e30'::DECIMAL(38,0) + range)::DECIMAL(38,0) AS dec38,
                   'row ' || range AS s, CASE WHEN range % 5 = 0 THEN NULL ELSE range::VARCHAR END AS maybe,
                   ('\\x00\\xFF' || range::VARCHAR)::BLOB AS b, range % 2 = 0 AS even,
                   DATE '2024-01-01' + range::INTEGER AS day, TIME '10:00:00' + INTERVAL (range) SECOND AS t,
                   TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (range) MINUTE AS ts,
                   TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (range) HOUR AS tstz,
                   gen_random_uuid() IS NOT NULL AS has_uuid, uuid_extract_version('6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID) AS v,
                   [range, range + 1] AS l, {'a': range, 'b': 'x' || range} AS st, MAP {'k': range} AS m,
                   range::USMALLINT AS us, range::UBIGINT AS ub,
                   '2024-01-01 00:00:00'::TIMESTAMP_NS + INTERVAL (range) MICROSECOND AS tns
            FROM range(3000)
            """
        try connection.execute("CREATE TABLE source AS \(select)")
        try connection.execute("COPY source TO '\(file)' (FORMAT parquet)")
        #expect(FileManager.default.fileExists(atPath: file))

        let original = try connection.query("SELECT * FROM source ORDER BY i")
        let expected = try original.rows()
        let readBack = try connection.query("SELECT * FROM read_parquet('\(file)') ORDER BY i")
        let actual = try readBack.rows()
        #expect(actual.count == 3000)
        #expect(readBack.columns.map(\.name) == original.columns.map(\.name))
        for (index, row) in actual.enumerated() where row != expected[index] {
            Issue.record("row \(index) differs: \(row) vs \(expected[index])")
            break
        }
    }

    @Test func corruptFilesFailWithTheirSQL() throws {
        let connection = try memoryConnection()
        let directory = try TemporaryDirectory()
        let file = directory.path("corrupt.parquet")
        try Data("PAR1 this is not really parquet PAR1".utf8).write(to: URL(fileURLWithPath: file))
        let sql = "SELECT * FROM read_parquet('\(file)')"
        let error = try #require(throws: DuckDBError.self) { try connection.query(sql).rows() }
        #expect(error.sql == sql)
        #expect(!error.message.isEmpty)
    }
}
