import Foundation
import Testing

@testable import DuckDB

@Suite("Database and configuration")
struct DatabaseTests {
    @Test func opensInMemoryDatabases() throws {
        for path in [nil, ":memory:"] as [String?] {
            let connection = try Database(path: path).connect()
            #expect(try scalar(connection, "SELECT 40 + 2") == .integer(42))
        }
        // Two in-memory databases are separate.
        let first = try Database().connect()
        let second = try Database().connect()
        try first.execute("CREATE TABLE t (x INTEGER)")
        #expect(throws: DuckDBError.self) { try second.execute("SELECT * FROM t") }
    }

    @Test func fileDatabasesPersistAcrossOpens() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("lake.duckdb")
        do {
            let connection = try Database(path: path).connect()
            try connection.execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)")
        }
        #expect(FileManager.default.fileExists(atPath: path))
        let reopened = try Database(path: path).connect()
        #expect(try scalar(reopened, "SELECT sum(x) FROM t") == .hugeint(6))
    }

    @Test func libraryVersionNamesTheLinkedDuckDB() {
        #expect(Database.libraryVersion.hasPrefix("v"))
        #expect(Database.libraryVersion.contains("2.0"))
    }

    @Test func configurationIsAppliedAtOpen() throws {
        var configuration = Configuration()
        configuration["threads"] = "1"
        configuration["default_order"] = "DESC"
        #expect(configuration.orderedOptions.map(\.name) == ["default_order", "threads"])
        let connection = try Database(configuration: configuration).connect()
        #expect(try scalar(connection, "SELECT current_setting('threads')") == .bigint(1))
        let rows = try connection.query("SELECT * FROM range(3) ORDER BY 1").rows()
        #expect(rows == [[.bigint(2)], [.bigint(1)], [.bigint(0)]])
    }

    @Test func unknownConfigurationOptionCarriesDuckDBsMessage() throws {
        var configuration = Configuration()
        configuration["no_such_option"] = "1"
        let error = try #require(throws: DuckDBError.self) { try Database(configuration: configuration) }
        #expect(error.code == .configuration)
        #expect(error.message.contains("no_such_option"))
        #expect(error.message.contains("not recognized"))
    }

    @Test func invalidConfigurationValueIsAConfigurationError() throws {
        var configuration = Configuration()
        configuration["threads"] = "lots"
        let error = try #require(throws: DuckDBError.self) { try Database(configuration: configuration) }
        #expect(error.code == .configuration)
        #expect(error.message.contains("threads"))
        // DuckDB's own explanation follows ours.
        #expect(error.message.contains("Could not convert string 'lots'"))
    }

    @Test func openingADirectoryFails() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: DuckDBError.self) { try Database(path: directory.url.path) }
        #expect(!error.message.isEmpty)
    }
}
