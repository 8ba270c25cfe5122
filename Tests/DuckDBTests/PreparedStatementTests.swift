import Foundation
import Testing

@testable import DuckDB

@Suite("Prepared statements")
struct PreparedStatementTests {
    /// One value of every bindable kind, with the column type that stores it.
    static let bindable: [(type: String, value: Value)] = [
        ("BOOLEAN", .boolean(true)),
        ("TINYINT", .tinyint(-128)),
        ("SMALLINT", .smallint(-32768)),
        ("INTEGER", .integer(2_147_483_647)),
        ("BIGINT", .bigint(-9_223_372_036_854_775_808)),
        ("HUGEINT", .hugeint(Int128.min + 1)),
        ("UTINYINT", .utinyint(255)),
        ("USMALLINT", .usmallint(65535)),
        ("UINTEGER", .uinteger(4_294_967_295)),
        ("UBIGINT", .ubigint(18_446_744_073_709_551_615)),
        ("UHUGEINT", .uhugeint(UInt128.max)),
        ("FLOAT", .float(1.5)),
        ("DOUBLE", .double(-2.25e-300)),
        ("DECIMAL(4,2)", .decimal(DecimalValue(value: -1234, width: 4, scale: 2))),
        ("DECIMAL(9,3)", .decimal(DecimalValue(value: 123_456_789, width: 9, scale: 3))),
        ("DECIMAL(18,6)", .decimal(DecimalValue(value: 123_456_789_012_345_678, width: 18, scale: 6))),
        ("DECIMAL(38,10)", .decimal(DecimalValue(value: Int128("12345678901234567890123456789012345678")!, width: 38, scale: 10))),
        ("VARCHAR", .varchar("héllo, wörld — a string longer than twelve bytes")),
        ("VARCHAR", .varchar("short")),
        ("BLOB", .blob([0x00, 0xAA, 0x27, 0x5C, 0x41])),
        ("DATE", .date(days: 19782)),
        ("TIME", .time(micros: 45_296_789_000)),
        ("TIMETZ", .timeTZ(micros: 45_296_000_000, offsetSeconds: -19800)),
        ("TIMESTAMP", .timestamp(micros: 1_706_702_400_500_000)),
        ("TIMESTAMPTZ", .timestampTZ(micros: -1_000_000)),
        ("TIMESTAMP_S", .timestampS(seconds: 1_706_702_400)),
        ("TIMESTAMP_MS", .timestampMS(millis: 1_706_702_400_123)),
        ("TIMESTAMP_NS", .timestampNS(nanos: 1_706_702_400_123_456_789)),
        ("INTERVAL", .interval(months: 14, days: -3, micros: 14_706_000_001)),
        ("UUID", .uuid(UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!)),
        ("UUID", .uuid(UUID(uuidString: "0f0e0d0c-0b0a-0908-0706-050403020100")!)),
        ("BIT", .bit("101010101")),
        ("BIGNUM", .bignum("-123456789012345678901234567890")),
        ("INTEGER[]", .list([.integer(1), .null, .integer(3)])),
        ("VARCHAR[2]", .array([.varchar("a"), .varchar("b")])),
        ("STRUCT(a INTEGER, b VARCHAR)", .struct([StructField(name: "a", value: .integer(1)), StructField(name: "b", value: .varchar("x"))])),
        ("MAP(VARCHAR, INTEGER)", .map([MapEntry(key: .varchar("k"), value: .integer(7))])),
    ]

    @Test func everyBindableValueRoundTripsThroughATable() throws {
        let connection = try memoryConnection()
        for (index, entry) in Self.bindable.enumerated() {
            try connection.execute("CREATE TABLE t\(index) (v \(entry.type))")
            let insert = try connection.prepare("INSERT INTO t\(index) VALUES (?)")
            #expect(insert.parameterCount == 1)
            #expect(insert.statementType == .insert)
            try insert.bind([entry.value])
            #expect(try insert.execute().rowsChanged == 1)
            try insert.bind([.null])
            _ = try insert.execute()
            let rows = try connection.query("SELECT v FROM t\(index) ORDER BY v NULLS LAST").rows()
            #expect(rows == [[entry.value], [.null]], "\(entry.type)")
        }
    }

    @Test func untypedParametersTakeTheBoundValuesType() throws {
        let connection = try memoryConnection()
        for entry in Self.bindable where entry.type != "BIT" && entry.type != "BIGNUM" {
            #expect(try scalar(connection, "SELECT ?", [entry.value]) == entry.value, "\(entry.type)")
        }
    }

    @Test func nestedParametersWithoutElementsOrWithOnlyNulls() throws {
        let connection = try memoryConnection()
        try connection.execute("CREATE TABLE n (l INTEGER[], m MAP(VARCHAR, INTEGER), s STRUCT(a INTEGER, b VARCHAR))")
        let insert = try connection.prepare("INSERT INTO n VALUES (?, ?, ?)")
        try insert.bind([.list([]), .map([]), .struct([StructField(name: "a", value: .null), StructField(name: "b", value: .null)])])
        _ = try insert.execute()
        try insert.bind([.list([.null, .null]), .map([MapEntry(key: .varchar("k"), value: .null)]), .null])
        _ = try insert.execute()
        let rows = try connection.query("SELECT * FROM n").rows()
        #expect(rows == [
            [.list([]), .map([]), .struct([StructField(name: "a", value: .null), StructField(name: "b", value: .null)])],
            [.list([.null, .null]), .map([MapEntry(key: .varchar("k"), value: .null)]), .null],
        ])
        // Enum labels bind as text and are cast to the column's ENUM.
        try connection.execute("CREATE TABLE e (mood ENUM('sad', 'ok', 'happy'))")
        _ = try connection.query("INSERT INTO e VALUES (?)", parameters: [.enumeration("happy")])
        #expect(try scalar(connection, "SELECT mood FROM e") == .enumeration("happy"))
        let bad = try #require(throws: DuckDBError.self) { try connection.query("SELECT ?::BIT", parameters: [.bit("012")]) }
        #expect(bad.code == .bind)
    }

    @Test func queryBindsParametersByPosition() throws {
        let connection = try memoryConnection()
        let rows = try connection.query(
            "SELECT $2::VARCHAR || $1::VARCHAR, $3 IS NULL",
            parameters: [.integer(1), .varchar("a"), .null]
        ).rows()
        #expect(rows == [[.varchar("a1"), .boolean(true)]])
    }

    @Test func wrongParameterCountIsABindError() throws {
        let connection = try memoryConnection()
        let statement = try connection.prepare("SELECT ? + ?")
        #expect(statement.parameterCount == 2)
        let error = try #require(throws: DuckDBError.self) { try statement.bind([.integer(1)]) }
        #expect(error.code == .bind)
        #expect(error.sql == "SELECT ? + ?")
        #expect(throws: DuckDBError.self) { try connection.query("SELECT ?") }
        try statement.bind([.integer(1), .integer(2)])
        #expect(try statement.execute().rows() == [[.integer(3)]])
        // Rebinding replaces the previous values.
        try statement.bind([.integer(10), .integer(20)])
        #expect(try statement.execute().rows() == [[.integer(30)]])
    }

    @Test func statementTypes() throws {
        let connection = try memoryConnection()
        let directory = try TemporaryDirectory()
        try connection.execute("CREATE TABLE t (x INTEGER)")
        #expect(try connection.prepare("SELECT 1").statementType == .select)
        #expect(try connection.prepare("COPY t TO '\(directory.path("t.csv"))'").statementType == .copy)
        #expect(try connection.prepare("SET threads = 1").statementType == .set)
        #expect(try connection.prepare("ATTACH ':memory:' AS other").statementType == .attach)
        #expect(try connection.prepare("CREATE TABLE u (y INTEGER)").statementType == .create)
        #expect(try connection.prepare("UPDATE t SET x = 1").statementType == .update)
        #expect(try connection.prepare("DELETE FROM t").statementType == .delete)
        #expect(try connection.prepare("DROP TABLE t").statementType == .drop)
    }

    @Test func extractStatementsSplitsScripts() throws {
        let connection = try memoryConnection()
        let statements = try connection.extractStatements("SELECT 1; SELECT 'two' AS second")
        #expect(statements.count == 2)
        #expect(statements.map(\.statementType) == [.select, .select])
        #expect(try statements[0].execute().rows() == [[.integer(1)]])
        let second = try statements[1].execute()
        #expect(second.columns == [Column(name: "second", type: .varchar)])
        #expect(try second.rows() == [[.varchar("two")]])
        #expect(try connection.extractStatements("").isEmpty)
        let error = try #require(throws: DuckDBError.self) { try connection.extractStatements("SELECT 1; SELEC 2") }
        #expect(error.code == .parser)
        #expect(error.sql == "SELECT 1; SELEC 2")
    }

    @Test func queryRunsScriptsAndReturnsTheLastResult() throws {
        let connection = try memoryConnection()
        let rows = try connection.query("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (5), (6); SELECT sum(x) FROM t").rows()
        #expect(rows == [[.hugeint(11)]])
        #expect(throws: DuckDBError.self) { try connection.query("SELECT 1; SELECT ?", parameters: [.integer(1)]) }
    }
}
