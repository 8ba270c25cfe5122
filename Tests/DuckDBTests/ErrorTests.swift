import Testing

@testable import DuckDB

@Suite("Errors")
struct ErrorTests {
    @Test func syntaxErrorsCarryMessageAndSQL() throws {
        let connection = try memoryConnection()
        for run in [{ try connection.execute("SELEC 1") }, { _ = try connection.query("SELEC 1") }, { _ = try connection.prepare("SELEC 1") }] {
            let error = try #require(throws: DuckDBError.self) { try run() }
            #expect(error.code == .parser)
            #expect(error.message.hasPrefix("Parser Error:"))
            #expect(error.message.contains("SELEC"))
            #expect(error.sql == "SELEC 1")
            #expect(error.description.hasSuffix("(SQL: SELEC 1)"))
        }
    }

    @Test func missingTablesAreCatalogErrors() throws {
        let connection = try memoryConnection()
        for run in [{ try connection.execute("SELECT * FROM missing_table") }, { _ = try connection.query("SELECT * FROM missing_table") }] {
            let error = try #require(throws: DuckDBError.self) { try run() }
            #expect(error.code == .catalog)
            #expect(error.message.contains("missing_table"))
            #expect(error.sql == "SELECT * FROM missing_table")
        }
    }

    @Test func runtimeErrorsSurfaceWhileReading() throws {
        let connection = try memoryConnection()
        let sql = "SELECT CASE WHEN range < 5000 THEN range::VARCHAR ELSE 'x' END::INTEGER FROM range(10000)"
        let error = try #require(throws: DuckDBError.self) { try connection.query(sql).rows() }
        #expect(error.code == .conversion)
        #expect(error.message.contains("x"))
        #expect(error.sql == sql)
        // The connection is usable afterwards.
        #expect(try scalar(connection, "SELECT 1") == .integer(1))
    }

    @Test func constraintViolations() throws {
        let connection = try memoryConnection()
        try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)")
        let error = try #require(throws: DuckDBError.self) { try connection.execute("INSERT INTO t VALUES (1)") }
        #expect(error.code == .constraint)
    }

    @Test func longSQLIsShortenedInTheDescription() {
        let sql = "SELECT " + String(repeating: "1 + ", count: 100) + "1"
        let error = DuckDBError(code: .execute, message: "boom", sql: sql)
        #expect(error.description.hasPrefix("boom (SQL: SELECT 1 + "))
        #expect(error.description.count < 230)
        #expect(DuckDBError(code: .io, message: "no SQL").description == "no SQL")
    }

    @Test func codesCompareAndPrint() {
        #expect(DuckDBError.Code.catalog == .catalog)
        #expect(DuckDBError.Code.catalog != .binder)
        #expect(DuckDBError.Code.interrupted.description == "interrupted")
        switch DuckDBError.Code.io {
        case .io: break
        default: Issue.record("codes match in switch statements")
        }
    }
}
