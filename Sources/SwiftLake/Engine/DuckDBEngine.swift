import DuckDB
import Foundation
import Synchronization

/// The embedded DuckDB engine: one in-process database, sandboxed to the data roots.
///
/// At start-up the database is locked down before any request can reach it:
/// - `allowed_directories` = the data roots plus a private staging directory;
/// - `enable_external_access = false`, so every other file, URL, `ATTACH`, `INSTALL` and
///   `LOAD` is refused by DuckDB itself;
/// - `lock_configuration = true`, so nothing can `SET` any of it back.
/// Operations borrow a connection from a ``ConnectionPool`` opened before the lock, run on an
/// engine thread, and are interrupted when they outlive the configured query timeout.
public final class DuckDBEngine: Sendable {
    /// The name responses report in their `engine` field.
    public static let name = "duckdb"

    let database: Database
    let pool: ConnectionPool
    /// The definition of `t` last made on each pooled connection.
    private let definitions = Mutex<[ObjectIdentifier: TableDefinition]>([:])
    let configuration: LakehouseConfiguration
    /// When reads may use DuckDB's Parquet footer cache.
    let footerCache: FooterCachePolicy
    /// A private directory (inside the sandbox) for query exports and in-place rewrites.
    let stagingDirectory: String

    /// Opens and sandboxes the database.
    public init(configuration: LakehouseConfiguration, roots: DataRoots) throws {
        self.configuration = configuration
        footerCache = FooterCachePolicy(enabled: configuration.cachesParquetFooters)
        let temporary = configuration.temporaryDirectory ?? NSTemporaryDirectory()
        let staging = (temporary as NSString).appendingPathComponent("swiftlake-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let staged = DataRoots.realPath(staging) ?? staging
        stagingDirectory = staged
        Self.liveStagingDirectories.withLock { _ = $0.insert(staged) }
        _ = Self.exitCleanup

        var options = Configuration()
        options["autoinstall_known_extensions"] = "false"
        options["autoload_known_extensions"] = "false"
        options["temp_directory"] = stagingDirectory + "/spill"
        if let threads = configuration.threads { options["threads"] = String(threads) }
        if let memory = configuration.memoryLimit { options["memory_limit"] = memory }
        do {
            database = try Database(path: nil, configuration: options)
            let connection = try database.connect()
            let allowed = (roots.directories + [stagingDirectory] + [roots.s3CacheDirectory].compactMap { $0 }).map { $0.hasSuffix("/") ? $0 : $0 + "/" }
            try connection.execute("""
                SET GLOBAL allowed_directories = \(SQL.list(allowed));
                SET GLOBAL enable_external_access = false;
                """)
            // Sessions are set up (progress tracking, footer cache) as they open, so open them
            // before the lock.
            pool = try ConnectionPool(database: database, size: max(1, configuration.maxConcurrentOperations),
                                      trackingProgress: configuration.tracksProgress,
                                      cachesFooters: configuration.cachesParquetFooters)
            try connection.execute("SET GLOBAL lock_configuration = true")
        } catch let error as DuckDBError {
            throw SwiftLakeError(.invalidRequest, code: "engine_configuration", "Could not start DuckDB: \(error.message)")
        }
    }

    deinit {
        removeStagingDirectory()
    }

    /// The staging directories of every engine alive in this process.
    private static let liveStagingDirectories = Mutex<Set<String>>([])

    /// Engines that are never released (process-wide singletons, a CLI that exits) still
    /// remove their staging directories when the process exits normally.
    private static let exitCleanup: Void = {
        atexit { DuckDBEngine.removeAllStagingDirectories() }
    }()

    /// Removes every live engine's staging directory. For a process about to end without
    /// tearing its objects down (an interrupt handler that calls `_exit`).
    public static func removeAllStagingDirectories() {
        for directory in liveStagingDirectories.withLock({ $0 }) {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// DuckDB's version, e.g. `v2.0.0`.
    public var version: String { Database.libraryVersion }

    /// Runs `body` with a pooled connection on an engine thread, under the query timeout.
    /// When `progress` is given it receives DuckDB's progress estimate (0–100) every 100 ms
    /// while the work runs.
    ///
    /// `parquetFiles` lists the Parquet files `body` reads that may be rewritten in place
    /// (a user's files, not a Delta table's): the connection uses the footer cache only when
    /// ``FooterCachePolicy`` trusts it with all of them. Files not listed are taken to be
    /// immutable.
    func withConnection<T: Sendable>(parquetFiles: [String] = [], progress: ProgressHandler? = nil,
                                     _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let timeout = configuration.queryTimeout
        let connection = await acquire(parquetFiles: parquetFiles)
        defer { pool.release(connection) }
        do {
            return try await BlockingExecutor.run {
                let reporter = progress.map { ProgressReporter(connection: connection, handler: $0) }
                defer { reporter?.stop() }
                return try connection.withTimeout(timeout) { try body(connection) }
            }
        } catch let error as DuckDBError {
            throw SwiftLakeError(error, timeout: timeout)
        }
    }

    /// Borrows a connection for reading `parquetFiles` (see ``withConnection(parquetFiles:progress:_:)``).
    func acquire(parquetFiles: [String]) async -> Connection {
        await pool.acquire(footerCache: footerCache.allowsCache(for: parquetFiles))
    }

    /// Removes the staging directory (also done when the engine is released). Call it when a
    /// process exits without tearing its objects down.
    public func removeStagingDirectory() {
        Self.liveStagingDirectories.withLock { _ = $0.remove(stagingDirectory) }
        try? FileManager.default.removeItem(atPath: stagingDirectory)
    }

    /// Runs a statement that (re)defines table `t` on `connection`, unless the connection's
    /// `t` already has exactly this definition: creating the view binds it, which reads every
    /// file's footer, and the query binds it again, so repeated queries over the same files
    /// would pay twice. DuckDB re-binds the view against the current files at each query; a
    /// schema change there is answered by `force`. Errors come without DuckDB's excerpt of this
    /// internal SQL.
    ///
    /// A definition with ``TableDefinition/appendedRows`` loads them first; the temporary table
    /// of the connection's previous definition is dropped then, so a pooled connection holds
    /// at most one request's rows.
    func defineTable(_ definition: TableDefinition, on connection: Connection, force: Bool = false) throws {
        let key = ObjectIdentifier(connection)
        let previous = definitions.withLock { $0[key] }
        if !force, let previous, previous.sql == definition.sql { return }
        definitions.withLock { $0[key] = nil }
        do {
            if let old = previous?.appendedRows, old.table != definition.appendedRows?.table {
                try connection.execute("DROP TABLE IF EXISTS temp.\(SQL.identifier(old.table))")
            }
            if let rows = definition.appendedRows, previous?.appendedRows?.table != rows.table {
                try rows.load(on: connection)
            }
            try connection.execute(definition.sql)
        } catch let error as DuckDBError {
            throw SwiftLakeError(error.withoutSQLPointer)
        }
        definitions.withLock { $0[key] = definition }
    }

    /// ``defineTable(_:on:force:)`` for a definition that is SQL only.
    func defineTable(setup: String, on connection: Connection, force: Bool = false) throws {
        try defineTable(TableDefinition(sql: setup), on: connection, force: force)
    }

    /// A fresh path in the staging directory with the given extension.
    func stagingPath(extension ext: String) -> String {
        "\(stagingDirectory)/\(UUID().uuidString).\(ext)"
    }
}
