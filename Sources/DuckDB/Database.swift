import CDuckDB
import Foundation

/// A DuckDB database: an in-memory database or one database file, opened once.
///
/// Owns the `duckdb_database` handle and closes it when the last reference goes away.
/// Every ``Connection`` keeps its database alive, so a database outlives its connections.
///
/// Thread-safe: DuckDB databases can be shared across threads; open one ``Connection`` per
/// thread (or per concurrent task) to run queries in parallel.
///
/// ```swift
/// let database = try Database()                    // in-memory
/// let connection = try database.connect()
/// let rows = try connection.query("SELECT 42").rows()   // [[.integer(42)]]
/// ```
public final class Database: @unchecked Sendable {
    /// The `duckdb_database` handle. Immutable after `init`; DuckDB synchronises its use.
    let handle: duckdb_database
    /// The path the database was opened with; `nil` for an in-memory database.
    public let path: String?
    /// The configuration the database was opened with.
    public let configuration: Configuration

    /// Opens (or creates) a database.
    ///
    /// - Parameters:
    ///   - path: A database file, or `nil` / `":memory:"` for a private in-memory database.
    ///   - configuration: Start-up options, applied in order of their names.
    /// - Throws: ``DuckDBError`` with code ``DuckDBError/Code/configuration`` when an option is
    ///   unknown or has an invalid value, ``DuckDBError/Code/open`` (or the code DuckDB's message
    ///   names) when the file cannot be opened. The message is DuckDB's.
    public init(path: String? = nil, configuration: Configuration = Configuration()) throws {
        let path = path == ":memory:" ? nil : path
        self.path = path
        self.configuration = configuration

        var config: duckdb_config?
        guard duckdb_create_config(&config) == DuckDBSuccess, config != nil else {
            duckdb_destroy_config(&config)
            throw DuckDBError(code: .outOfMemory, message: "Could not allocate a DuckDB configuration")
        }
        defer { duckdb_destroy_config(&config) }
        for (name, value) in configuration.orderedOptions {
            guard duckdb_set_config(config, name, value) == DuckDBSuccess else {
                var message = "Invalid Configuration Error: DuckDB rejected the value '\(value)' for the option '\(name)'"
                if let reason = Database.explainRejectedOption(name: name, value: value) { message += ": " + reason }
                throw DuckDBError(code: .configuration, message: message)
            }
        }

        var database: duckdb_database?
        var error: UnsafeMutablePointer<CChar>?
        let state = duckdb_open_ext(path, &database, config, &error)
        let message = CString.takeOwnership(error)
        guard state == DuckDBSuccess, let database else {
            duckdb_close(&database)
            let text = message ?? "Could not open the database at \(path ?? ":memory:")"
            var failure = DuckDBError(errorType: nil, message: text, sql: nil, fallback: .open)
            if text.contains("not recognized") || text.contains("Invalid Configuration") {
                failure.code = .configuration
            }
            throw failure
        }
        handle = database
    }

    deinit {
        var database: duckdb_database? = handle
        duckdb_close(&database)
    }

    /// Opens a new connection to this database.
    ///
    /// - Throws: ``DuckDBError`` with code ``DuckDBError/Code/connection``.
    ///
    /// With `trackingProgress` (the default) the connection reports ``Connection/progress``
    /// for running queries; without it, queries skip that bookkeeping (a few percent faster on
    /// short queries) and `progress` stays `nil`.
    public func connect(trackingProgress: Bool = true) throws -> Connection {
        try Connection(database: self, trackingProgress: trackingProgress)
    }

    /// Calls `body` with a new connection that is closed when `body` returns (unless `body` keeps it).
    public func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        try body(try connect())
    }

    /// `duckdb_set_config` says only that it failed; DuckDB's reason comes from trying the same
    /// setting with `SET` in a throwaway in-memory database.
    private static func explainRejectedOption(name: String, value: String) -> String? {
        guard let connection = try? Database().connect() else { return nil }
        let identifier = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        do {
            try connection.execute("SET \(identifier) = \(SQLKeywords.stringLiteral(value))")
            return nil
        } catch let error as DuckDBError {
            return error.message
        } catch {
            return nil
        }
    }

    /// The version of the linked DuckDB library, e.g. `"v2.0.0"`.
    public static var libraryVersion: String {
        String(cString: duckdb_library_version())
    }
}
