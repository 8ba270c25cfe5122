import Foundation
import Testing

@testable import DuckDB

@Suite("Decoding values from DuckDB")
struct DecodingTests {
    /// SQL literal, the Swift value it must decode to, and its column type.
    static let literals: [(sql: String, value: Value, type: LogicalType)] = [
        ("true", .boolean(true), .boolean),
        ("-5::TINYINT", .tinyint(-5), .tinyint),
        ("300::SMALLINT", .smallint(300), .smallint),
        ("70000::INTEGER", .integer(70000), .integer),
        ("5000000000::BIGINT", .bigint(5_000_000_000), .bigint),
        ("'170141183460469231731687303715884105727'::HUGEINT", .hugeint(Int128.max), .hugeint),
        ("'-170141183460469231731687303715884105727'::HUGEINT", .hugeint(Int128.min + 1), .hugeint),
        ("255::UTINYINT", .utinyint(255), .utinyint),
        ("65535::USMALLINT", .usmallint(65535), .usmallint),
        ("4294967295::UINTEGER", .uinteger(4_294_967_295), .uinteger),
        ("18446744073709551615::UBIGINT", .ubigint(UInt64.max), .ubigint),
        ("'340282366920938463463374607431768211455'::UHUGEINT", .uhugeint(UInt128.max), .uhugeint),
        ("1.5::FLOAT", .float(1.5), .float),
        ("2.25::DOUBLE", .double(2.25), .double),
        // DECIMAL is stored as Int16, Int32, Int64 or Int128 depending on its width.
        ("12.34::DECIMAL(4,2)", .decimal(DecimalValue(value: 1234, width: 4, scale: 2)), .decimal(width: 4, scale: 2)),
        ("-0.5::DECIMAL(3,2)", .decimal(DecimalValue(value: -50, width: 3, scale: 2)), .decimal(width: 3, scale: 2)),
        ("1234567.89::DECIMAL(9,2)", .decimal(DecimalValue(value: 123_456_789, width: 9, scale: 2)), .decimal(width: 9, scale: 2)),
        ("'1234567890123.456'::DECIMAL(18,3)", .decimal(DecimalValue(value: 1_234_567_890_123_456, width: 18, scale: 3)), .decimal(width: 18, scale: 3)),
        (
            "'12345678901234567890123456789.123456789'::DECIMAL(38,9)",
            .decimal(DecimalValue(value: Int128("12345678901234567890123456789123456789")!, width: 38, scale: 9)),
            .decimal(width: 38, scale: 9)
        ),
        // Strings of up to 12 bytes are stored inline, longer ones behind a pointer.
        ("'hello'", .varchar("hello"), .varchar),
        ("'exactly12byt'", .varchar("exactly12byt"), .varchar),
        ("'a string longer than twelve bytes'", .varchar("a string longer than twelve bytes"), .varchar),
        ("''", .varchar(""), .varchar),
        ("'héllo wörld ✓'", .varchar("héllo wörld ✓"), .varchar),
        ("'\\xAA\\x00abc'::BLOB", .blob([0xAA, 0x00, 0x61, 0x62, 0x63]), .blob),
        ("DATE '2024-02-29'", .date(days: 19782), .date),
        ("DATE '1969-12-31'", .date(days: -1), .date),
        ("TIME '12:34:56.789'", .time(micros: 45_296_789_000), .time),
        ("TIMETZ '12:34:56+05:30'", .timeTZ(micros: 45_296_000_000, offsetSeconds: 19800), .timeTZ),
        ("TIMETZ '00:00:01-08'", .timeTZ(micros: 1_000_000, offsetSeconds: -28800), .timeTZ),
        ("TIMESTAMP '2024-01-31 12:00:00.5'", .timestamp(micros: 1_706_702_400_500_000), .timestamp),
        ("TIMESTAMPTZ '2024-01-31 12:00:00+01'", .timestampTZ(micros: 1_706_698_800_000_000), .timestampTZ),
        ("'2024-01-31 12:00:00'::TIMESTAMP_S", .timestampS(seconds: 1_706_702_400), .timestampS),
        ("'2024-01-31 12:00:00.123'::TIMESTAMP_MS", .timestampMS(millis: 1_706_702_400_123), .timestampMS),
        ("'2024-01-31 12:00:00.123456789'::TIMESTAMP_NS", .timestampNS(nanos: 1_706_702_400_123_456_789), .timestampNS),
        ("INTERVAL '1 year 2 days'", .interval(months: 12, days: 2, micros: 0), .interval),
        ("INTERVAL '1 year 2 months 3 days 04:05:06'", .interval(months: 14, days: 3, micros: 14_706_000_000), .interval),
        ("'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID", .uuid(UUID(uuidString: "6BA7B810-9DAD-11D1-80B4-00C04FD430C8")!), .uuid),
        ("'00000000-0000-0000-0000-000000000001'::UUID", .uuid(UUID(uuidString: "00000000-0000-0000-0000-000000000001")!), .uuid),
        ("'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID", .uuid(UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")!), .uuid),
        ("[1, NULL, 3]", .list([.integer(1), .null, .integer(3)]), .list(.integer)),
        ("[]::VARCHAR[]", .list([]), .list(.varchar)),
        ("[1, 2, 3]::INTEGER[3]", .array([.integer(1), .integer(2), .integer(3)]), .array(.integer, size: 3)),
        (
            "{'a': 1, 'b': 'x'}",
            .struct([StructField(name: "a", value: .integer(1)), StructField(name: "b", value: .varchar("x"))]),
            .struct([(name: "a", type: .integer), (name: "b", type: .varchar)])
        ),
        ("MAP {'k': 1}", .map([MapEntry(key: .varchar("k"), value: .integer(1))]), .map(key: .varchar, value: .integer)),
        (
            "MAP {'a': 1, 'b': NULL}",
            .map([MapEntry(key: .varchar("a"), value: .integer(1)), MapEntry(key: .varchar("b"), value: .null)]),
            .map(key: .varchar, value: .integer)
        ),
        (
            "[{'a': [1, 2]}, NULL, {'a': NULL}]",
            .list([.struct([StructField(name: "a", value: .list([.integer(1), .integer(2)]))]), .null, .struct([StructField(name: "a", value: .null)])]),
            .list(.struct([(name: "a", type: .list(.integer))]))
        ),
        ("'b'::ENUM('a', 'b', 'c')", .enumeration("b"), .enumeration(["a", "b", "c"])),
        (
            "union_value(str := 'hello')::UNION(num INTEGER, str VARCHAR)",
            .union(tag: "str", value: .varchar("hello")),
            .union([(name: "num", type: .integer), (name: "str", type: .varchar)])
        ),
        ("'0101'::BIT", .bit("0101"), .bit),
        ("'101010101'::BIT", .bit("101010101"), .bit),
        ("'123456789012345678901234567890'::BIGNUM", .bignum("123456789012345678901234567890"), .varint),
        ("'-98765432109876543210'::BIGNUM", .bignum("-98765432109876543210"), .varint),
        ("'0'::BIGNUM", .bignum("0"), .varint),
        ("NULL::INTEGER", .null, .integer),
        ("NULL", .null, .sqlNull),
    ]

    @Test func everyTypeDecodesFromSQLLiterals() throws {
        let connection = try memoryConnection()
        let sql = "SELECT " + Self.literals.map(\.sql).joined(separator: ", ")
        let result = try connection.query(sql)
        #expect(result.columns.map(\.type) == Self.literals.map(\.type))
        let rows = try result.rows()
        try #require(rows.count == 1)
        for (index, literal) in Self.literals.enumerated() {
            #expect(rows[0][index] == literal.value, "\(literal.sql)")
        }
    }

    @Test func specialFloatingPointValues() throws {
        let connection = try memoryConnection()
        let row = try connection.query("SELECT 'inf'::FLOAT, '-inf'::DOUBLE, 'nan'::DOUBLE, -0.0::DOUBLE").rows()[0]
        #expect(row[0] == .float(.infinity))
        #expect(row[1] == .double(-.infinity))
        guard case let .double(nan) = row[2] else { Issue.record("expected a double"); return }
        #expect(nan.isNaN)
        guard case let .double(zero) = row[3] else { Issue.record("expected a double"); return }
        #expect(zero == 0 && zero.sign == .minus)
    }

    @Test func enumsWithLargeDictionariesUseWiderIndexes() throws {
        let connection = try memoryConnection()
        try connection.execute("CREATE TYPE big AS ENUM (SELECT range::VARCHAR FROM range(300))")
        let rows = try connection.query("SELECT '0'::big, '299'::big").rows()
        #expect(rows == [[.enumeration("0"), .enumeration("299")]])
    }

    @Test func nullsInsideAndAroundNestedValues() throws {
        let connection = try memoryConnection()
        try connection.execute(
            """
            CREATE TABLE n (l INTEGER[], s STRUCT(x VARCHAR, y INTEGER[]), m MAP(VARCHAR, VARCHAR[]), a VARCHAR[2]);
            INSERT INTO n VALUES
              ([1], {'x': 'first value here!', 'y': [1]}, MAP {'k': ['v']}, ['p', 'q']),
              (NULL, NULL, NULL, NULL),
              ([NULL], {'x': NULL, 'y': NULL}, MAP {'k': NULL}, [NULL, 'long enough to be out of line'])
            """)
        let rows = try connection.query("SELECT * FROM n").rows()
        #expect(rows.count == 3)
        #expect(rows[1] == [.null, .null, .null, .null])
        #expect(rows[2][0] == .list([.null]))
        #expect(rows[2][1] == .struct([StructField(name: "x", value: .null), StructField(name: "y", value: .null)]))
        #expect(rows[2][2] == .map([MapEntry(key: .varchar("k"), value: .null)]))
        #expect(rows[2][3] == .array([.null, .varchar("long enough to be out of line")]))
        #expect(rows[0][1] == .struct([StructField(name: "x", value: .varchar("first value here!")), StructField(name: "y", value: .list([.integer(1)]))]))
    }

    @Test func typesWithoutACaseAreReadAsText() throws {
        let connection = try memoryConnection()
        let result = try connection.query("SELECT '12:00:00.000000001'::TIME_NS")
        #expect(result.columns[0].type == .other("TIME_NS"))
        #expect(try result.rows() == [[.varchar("12:00:00.000000001")]])
    }
}
