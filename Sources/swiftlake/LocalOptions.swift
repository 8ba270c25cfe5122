import ArgumentParser
import Foundation
import SwiftLake

/// Options shared by the commands that run the core library in-process (everything but
/// `serve`), and the one place such a command gets its ``Lakehouse``.
///
/// ## Roots
/// The data roots exist to keep a *server's* clients inside the directories its operator
/// chose. A local command runs as the user, with the user's own file permissions, on paths
/// the user typed; fencing those in would only get in the way. So by default the root is
/// `/` (the operating system's permissions are the real limit), and `--root DIR` brings the
/// fence back for those who want it (e.g. a script that must not touch anything else).
///
/// Either way, relative paths are made absolute against the *current directory* here,
/// before the core sees them (the core would resolve them against the first root), so
/// `swiftlake query data/sales.parquet` means what a shell user expects.
///
/// ## Limits
/// No row limit and no query timeout by default: the user asked for the rows and can press
/// Ctrl-C. (`serve` keeps the server's protective defaults.)
struct LocalOptions: ParsableArguments {
    @Option(name: .customLong("root"),
            help: ArgumentHelp("Only allow paths inside DIR (repeatable). Default: no restriction (root /).", valueName: "DIR"))
    var roots: [String] = []

    @Option(help: ArgumentHelp("DuckDB worker threads (default: one per core).", valueName: "N"))
    var threads: Int?

    @Option(help: ArgumentHelp("DuckDB memory limit, e.g. 4GB (default: 80% of RAM).", valueName: "SIZE"))
    var memoryLimit: String?

    @Option(help: ArgumentHelp("Stop a query after this many seconds (default: no limit).", valueName: "SECONDS"))
    var queryTimeout: Double?

    @Flag(help: "Never show a progress bar on stderr.")
    var noProgress = false

    @Option(help: ArgumentHelp("auto, duckdb or spark (default auto: Spark above the size threshold when --spark is given).", valueName: "ENGINE"))
    var engine: EngineChoice?

    @Option(help: ArgumentHelp("A Spark Connect server for the Spark engine, e.g. sc://127.0.0.1:15002 (default: SPARK_REMOTE, else none).", valueName: "URL"))
    var spark: String?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1; got \(threads).") }
        if let queryTimeout, queryTimeout < 0 || !queryTimeout.isFinite {
            throw ValidationError("--query-timeout must be a number of seconds, 0 for none; got \(queryTimeout).")
        }
    }

    /// The configuration for a local command: unlimited rows by default (`maxRows` and
    /// `defaultLimit` = `Int.max`, so `--limit` is the only cap), no timeout unless asked.
    var configuration: LakehouseConfiguration {
        let roots = self.roots.isEmpty ? ["/"] : self.roots.map(Self.absolute)
        let timeout: Duration? = queryTimeout.flatMap { $0 > 0 ? .milliseconds(Int64(($0 * 1000).rounded())) : nil }
        var configuration = LakehouseConfiguration(roots: roots, defaultLimit: Int.max, maxRows: Int.max, queryTimeout: timeout,
                                                   threads: threads, memoryLimit: memoryLimit)
        let remote = spark ?? ProcessInfo.processInfo.environment["SPARK_REMOTE"]
        configuration.sparkRemote = remote.flatMap { $0.isEmpty ? nil : $0 }
        return configuration
    }

    /// Opens the engine over the configured roots.
    func makeLakehouse() throws -> Lakehouse {
        try Lakehouse(configuration: configuration)
    }

    /// `path` made absolute against the current directory; `~/…`, absolute paths and URLs
    /// (which the core rejects with its own message) are left alone.
    static func absolute(_ path: String) -> String {
        if path.isEmpty || path.hasPrefix("/") || path == "~" || path.hasPrefix("~/") || path.contains("://") {
            return path
        }
        let current = FileManager.default.currentDirectoryPath
        return current.hasSuffix("/") ? current + path : current + "/" + path
    }
}

extension EngineChoice: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }
}
