import Foundation
import Testing
@testable import SwiftLake

/// Query results must equal DuckDB's own for every type Parquet can hold. The oracle is the
/// Python `duckdb` package (same version, separate build): it writes a file holding every
/// type and prints each row with DuckDB's `to_json`; SwiftLake reads the same file through
/// the same path the REST API takes (query → JSON encoder) and must give the same values.
@Suite("Query results equal DuckDB's own, for every type")
struct AllTypesOracleTests {
    static let oracleScript = #"""
import duckdb, sys, json
path = sys.argv[1]
con = duckdb.connect()
con.execute("SET TimeZone='UTC'")
con.execute(f"""COPY (
SELECT * FROM (VALUES
 (1, 1::TINYINT, 2::SMALLINT, 3::INTEGER, 4::BIGINT, 170141183460469231731687303715884105727::HUGEINT, 255::UTINYINT, 65535::USMALLINT, 4294967295::UINTEGER, 18446744073709551615::UBIGINT,
  0.5::FLOAT, 3.141592653589793::DOUBLE, 123.4::DECIMAL(4,1), 12345.678::DECIMAL(9,3), 123456789012.345678::DECIMAL(18,6), 1234567890123456789012345678.0123456789::DECIMAL(38,10),
  'héllo "quoted"\n', '\\xAA\\x00AB'::BLOB, true, DATE '2024-02-29', TIME '12:34:56.789', TIMESTAMP '2024-01-01 12:00:00.123456', TIMESTAMPTZ '2024-01-01 12:00:00+02',
  '2024-01-01 00:00:01'::TIMESTAMP_S, '2024-01-01 00:00:00.001'::TIMESTAMP_MS, '2024-01-01 00:00:00.000000001'::TIMESTAMP_NS,
  INTERVAL '1 year 2 months 3 days 04:05:06', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID, [1, NULL, 3], {{'a': 1, 'b': 'x'}}, MAP {{'k1': 10, 'k2': 20}},
  [{{'n': 1, 's': 'one'}}, {{'n': 2, 's': NULL}}], '12:00:00+02'::TIMETZ),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (3, (-128)::TINYINT, (-32768)::SMALLINT, (-2147483648)::INTEGER, (-9223372036854775808)::BIGINT, (-170141183460469231731687303715884105727)::HUGEINT, 0::UTINYINT, 0::USMALLINT, 0::UINTEGER, 0::UBIGINT,
  (-1.5e30)::FLOAT, (-2.2250738585072014e-308)::DOUBLE, (-999.9)::DECIMAL(4,1), (-0.001)::DECIMAL(9,3), 0::DECIMAL(18,6), (-0.0000000001)::DECIMAL(38,10),
  '', ''::BLOB, false, DATE '1970-01-01', TIME '00:00:00', TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMPTZ '1970-01-01 00:00:00+00',
  '1970-01-01 00:00:00'::TIMESTAMP_S, '1970-01-01 00:00:00'::TIMESTAMP_MS, '1970-01-01 00:00:00'::TIMESTAMP_NS,
  INTERVAL '0 seconds', '00000000-0000-0000-0000-000000000000'::UUID, [], {{'a': NULL, 'b': NULL}}, MAP {{}}::MAP(VARCHAR, INTEGER), [], '00:00:00+00'::TIMETZ)
) AS v(id, c_tinyint, c_smallint, c_integer, c_bigint, c_hugeint, c_utinyint, c_usmallint, c_uinteger, c_ubigint,
       c_float, c_double, c_decimal_4_1, c_decimal_9_3, c_decimal_18_6, c_decimal_38_10,
       c_varchar, c_blob, c_boolean, c_date, c_time, c_timestamp, c_timestamptz, c_timestamp_s, c_timestamp_ms, c_timestamp_ns,
       c_interval, c_uuid, c_list, c_struct, c_map, c_list_of_struct, c_timetz)
) TO '{path}' (FORMAT parquet)""")
print(json.dumps({
  "types": con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{path}'))").fetchall(),
  "rows": [json.loads(r[0]) for r in con.execute(f"SELECT to_json(t)::VARCHAR FROM read_parquet('{path}') t ORDER BY id").fetchall()]
}))
"""#

    @Test func everyTypeMatchesDuckDB() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.file("all_types.parquet")
        guard let output = try await runPythonOracle(Self.oracleScript, [file]) else { return }
        struct Oracle: Decodable { var types: [[String]]; var rows: [[String: JSONValue]] }
        struct Response: Decodable {
            var columns: [ResultColumn]
            var rows: [[JSONValue]]
            var row_count: Int
            var truncated: Bool
        }
        let oracle = try JSONDecoder().decode(Oracle.self, from: Data(output.utf8))

        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path]))
        let cursor = try await lake.query(ParquetQueryRequest(paths: [file], sql: "SELECT * FROM t ORDER BY id"))
        var encoder = JSONResultEncoder()
        var bytes = encoder.begin(columns: cursor.columns)
        while let batch = try await cursor.next() { bytes += encoder.encode(batch) }
        bytes += encoder.end(summary: ResultSummary(rowCount: cursor.rowCount, truncated: cursor.truncated,
                                                    engine: cursor.engine, elapsedMilliseconds: cursor.elapsedMilliseconds))
        let response = try JSONDecoder().decode(Response.self, from: Data(bytes))

        #expect(response.columns.map(\.name) == oracle.types.map { $0[0] })
        #expect(response.columns.map(\.type) == oracle.types.map { $0[1] })
        #expect(response.row_count == oracle.rows.count)
        #expect(!response.truncated)
        #expect(response.rows.count == oracle.rows.count)
        for (row, expected) in zip(response.rows, oracle.rows) {
            for (index, column) in response.columns.enumerated() {
                let theirs = expected[column.name] ?? .null
                #expect(jsonEqual(row[index], theirs),
                        "column \(column.name) (\(column.type)), row \(expected["id"].map { "\($0)" } ?? "?"): ours \(row[index]), DuckDB \(theirs)")
            }
        }
    }
}

/// Structural JSON equality; numbers equal within a relative 1e-6 (DuckDB's `to_json` prints
/// FLOAT and DECIMAL through DOUBLE, SwiftLake prints them exactly).
func jsonEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
    func number(_ v: JSONValue) -> Double? {
        switch v {
        case .number(let d): d
        case .exactNumber(let text): Double(text)
        default: nil
        }
    }
    if let x = number(a), let y = number(b) {
        return x == y || abs(x - y) <= 1e-6 * max(abs(x), abs(y))
    }
    switch (a, b) {
    case (.null, .null): return true
    case let (.bool(x), .bool(y)): return x == y
    case let (.string(x), .string(y)): return x == y
    case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { jsonEqual($0, $1) }
    case let (.object(x), .object(y)):
        return Set(x.keys) == Set(y.keys) && x.allSatisfy { key, value in jsonEqual(value, y[key]!) }
    default: return false
    }
}
