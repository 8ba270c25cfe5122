import ArgumentParser
import Foundation
import Logging
import SwiftLake
import SwiftLakeServer

/// `swiftlake serve`: runs the REST API over the data roots until SIGINT/SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the REST API (with Swagger UI at /docs) over data roots.",
        discussion: """
            Settings come from, highest first: these flags, SWIFTLAKE_* environment variables, \
            a YAML config file (--config or SWIFTLAKE_CONFIG), then the defaults. Listening on \
            an address other than loopback requires a token. Prefer SWIFTLAKE_TOKEN or the \
            config file to --token: other users can read command lines.

            Examples:
              swiftlake serve --root ./data
              SWIFTLAKE_TOKEN=s3cret swiftlake serve --host 0.0.0.0 --port 8080 \\
                --root /srv/lake
              swiftlake serve --config swiftlake.yaml
              swiftlake serve --root ./data --spark sc://127.0.0.1:15002
            """)

    @Option(help: ArgumentHelp("Address to listen on (default 127.0.0.1).", valueName: "HOST"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on (default 8000).", valueName: "PORT"))
    var port: Int?

    @Option(name: .customLong("root"), help: ArgumentHelp("A data directory clients may use (repeatable; default: the current directory).", valueName: "DIR"))
    var roots: [String] = []

    @Option(help: ArgumentHelp("A YAML config file.", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("Require 'Authorization: Bearer T' on every route but /health.", valueName: "T"))
    var token: String?

    @Option(help: ArgumentHelp("The most rows a query may return (default 1000000).", valueName: "N"))
    var maxRows: Int?

    @Option(help: ArgumentHelp("Rows a query returns when it sets no limit (default 1000).", valueName: "N"))
    var defaultLimit: Int?

    @Option(help: ArgumentHelp("Stop queries after this many seconds, 0 for never (default 300).", valueName: "SECONDS"))
    var queryTimeout: Double?

    @Option(help: ArgumentHelp("DuckDB worker threads (default: one per core).", valueName: "N"))
    var threads: Int?

    @Option(help: ArgumentHelp("DuckDB memory limit, e.g. 4GB (default: 80% of RAM).", valueName: "SIZE"))
    var memoryLimit: String?

    @Option(help: ArgumentHelp("Largest request body accepted, in bytes.", valueName: "BYTES"))
    var maxBodySize: Int?

    @Option(name: .customLong("swagger-ui-dir"), help: ArgumentHelp("Serve Swagger UI's assets for /docs from DIR instead of a CDN.", valueName: "DIR"))
    var swaggerUIDirectory: String?

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (default info).", valueName: "LEVEL"))
    var logLevel: String?

    @Option(help: ArgumentHelp("A Spark Connect server for the Spark engine, e.g. sc://127.0.0.1:15002 (default: SPARK_REMOTE, else none).", valueName: "URL"))
    var spark: String?

    @Option(help: ArgumentHelp("With engine auto, run requests that scan more than SIZE on Spark (default 1GB).", valueName: "SIZE"))
    var sparkThreshold: String?

    @Option(help: ArgumentHelp("How Spark reads files in S3: auto (through s3a:// itself when a probe shows it reaches the bucket, else local copies), direct or staged (default auto).", valueName: "MODE"))
    var sparkS3: String?

    /// What the command line gave.
    var flags: ServeSettings.Layer {
        ServeSettings.Layer(
            host: host, port: port, roots: roots.isEmpty ? nil : roots, token: token, maxRows: maxRows,
            defaultLimit: defaultLimit, queryTimeout: queryTimeout, threads: threads, memoryLimit: memoryLimit,
            maxBodySize: maxBodySize, swaggerUIDirectory: swaggerUIDirectory, logLevel: logLevel,
            spark: spark, sparkThreshold: sparkThresholdBytes, sparkS3: sparkS3, configFile: config)
    }

    /// `--spark-threshold` in bytes (`nil` when not given or not a size; ``validate()`` says which).
    var sparkThresholdBytes: Int64? { sparkThreshold.flatMap(ServeSettings.byteCount) }

    func validate() throws {
        if let sparkThreshold, ServeSettings.byteCount(sparkThreshold) == nil {
            throw ValidationError("--spark-threshold must be a size such as 1GB or 500MB (or bytes); got '\(sparkThreshold)'.")
        }
    }

    func run() async throws {
        let settings = try ServeSettings.resolve(flags: flags, environment: ProcessInfo.processInfo.environment)
        var logger = Logger(label: "swiftlake")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info

        let lake = try Lakehouse(configuration: settings.lakehouseConfiguration)
        var options = ServerOptions()
        options.host = settings.host
        options.port = settings.port
        options.authToken = settings.token
        if let directory = settings.swaggerUIDirectory { options.swaggerUIDirectory = directory }
        if let bytes = settings.maxBodySize { options.maxBodyBytes = bytes }
        let app = try buildApplication(lakehouse: lake, options: options, logger: logger)

        let auth = settings.token == nil ? "no token" : "token required"
        let engines = lake.spark.map { "duckdb + spark (\($0.remote))" } ?? "duckdb"
        try Report.print("SwiftLake \(Lakehouse.version) on \(settings.baseURL) (\(auth)), engines: \(engines), roots: \(lake.roots.described.joined(separator: ", ")), docs: \(settings.baseURL)/docs\n")
        try await app.runService()
    }
}
