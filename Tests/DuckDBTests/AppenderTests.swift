import Foundation
import Testing

@testable import DuckDB

@Suite("Appender")
struct AppenderTests {
    @Test func appendsRowsOfEveryKind() throws {
        let connection = try memoryConnection()
        try connection.execute(
            "CREATE TABLE events (id BIGINT, name VARCHAR, happened TIMESTAMP, amount DECIMAL(10,2), tags VARCHAR[], ok BOOLEAN)")
        let appender = try Appender(connection: connection, table: "events")
        #expect(appender.columnCount == 6)
        for id in 0..<5000 {
            try appender.append(row: [
                .bigint(Int64(id)), id % 10 == 0 ? .null : .varchar("event \(id)"),
                .timestamp(micros: Int64(id) * 1_000_000), .decimal(DecimalValue(value: Int128(id), width: 10, scale: 2)),
                .list([.varchar("t\(id % 3)")]), .boolean(id % 2 == 0),
            ])
        }
        try appender.flush()
        #expect(try scalar(connection, "SELECT count(*) FROM events") == .bigint(5000))
        try appender.append(row: [.bigint(5000), .varchar("last"), .null, .null, .null, .null])
        try appender.close()
        #expect(throws: DuckDBError.self) { try appender.append(row: [.bigint(1), .null, .null, .null, .null, .null]) }
        let rows = try connection.query("SELECT * FROM events WHERE id IN (10, 11, 5000) ORDER BY id").rows()
        #expect(rows == [
            [.bigint(10), .null, .timestamp(micros: 10_000_000), .decimal(DecimalValue(value: 10, width: 10, scale: 2)), .list([.varchar("t1")]), .boolean(true)],
            [.bigint(11), .varchar("event 11"), .timestamp(micros: 11_000_000), .decimal(DecimalValue(value: 11, width: 10, scale: 2)), .list([.varchar("t2")]), .boolean(false)],
            [.bigint(5000), .varchar("last"), .null, .null, .null, .null],
        ])
    }

    @Test func appenderErrors() throws {
        let connection = try memoryConnection()
        let missing = try #require(throws: DuckDBError.self) { try Appender(connection: connection, table: "nope") }
        #expect(missing.message.contains("nope"))
        try connection.execute("CREATE SCHEMA s; CREATE TABLE s.t (id INTEGER PRIMARY KEY)")
        let appender = try Appender(connection: connection, table: "t", schema: "s")
        #expect(throws: DuckDBError.self) { try appender.append(row: [.integer(1), .integer(2)]) }
    }
}
