import Foundation
import SwiftLake
import SwiftLakeServer

/// Everything `swiftlake serve` needs, resolved from (highest first) command-line flags, the
/// environment (`SWIFTLAKE_*`), a YAML config file (`--config FILE` or `SWIFTLAKE_CONFIG`),
/// then the defaults below. Each setting is taken whole from the highest source that gives
/// it (a `roots` list from the environment replaces the file's, it is not appended to).
///
/// Resolution is a pure function of its inputs (``resolve(flags:environment:readFile:)``),
/// so it is unit-tested without starting anything.
struct ServeSettings: Equatable, Sendable {
    /// The address to listen on.
    var host = "127.0.0.1"
    /// The TCP port.
    var port = 8000
    /// The data directories clients may use. Relative roots from flags and the environment
    /// are relative to the current directory; those from a config file to the file's directory.
    var roots = ["."]
    /// The bearer token every route but `/health` requires; `nil` for none.
    var token: String?
    /// The most rows a query may return.
    var maxRows = 1_000_000
    /// Rows a query returns when it gives no limit.
    var defaultLimit = 1000
    /// Seconds before a query is stopped; `nil` for no limit (configured as 0).
    var queryTimeout: Double? = 300
    /// DuckDB worker threads; `nil` for one per core.
    var threads: Int?
    /// DuckDB memory limit (`4GB`); `nil` for DuckDB's default.
    var memoryLimit: String?
    /// The largest request body in bytes; `nil` for the server's default.
    var maxBodySize: Int?
    /// A directory with Swagger UI's assets for `/docs`; `nil` to load them from a CDN.
    var swaggerUIDirectory: String?
    /// trace, debug, info, notice, warning, error or critical.
    var logLevel = "info"
    /// The Spark Connect server of the Spark engine; `nil` for DuckDB only.
    var spark: String?
    /// With engine `auto`, requests scanning more bytes than this run on Spark; `nil` for the default (1 GiB).
    var sparkThreshold: Int64?
    /// How Spark reads files in S3: through `s3a://` itself when it reaches the bucket (`auto`),
    /// always (`direct`) or from local copies (`staged`).
    var sparkS3: SparkS3Reads = .auto
    /// The config file that was read, if any.
    var configFile: String?

    /// Resolves the settings from the three sources and checks them.
    ///
    /// - Parameters:
    ///   - flags: what the command line gave.
    ///   - environment: the process environment (only `SWIFTLAKE_*` is read).
    ///   - readFile: reads the config file (injected for tests).
    static func resolve(flags: Layer, environment: [String: String],
                        readFile: (String) throws -> String = ServeSettings.readFile) throws -> ServeSettings {
        let env = try Layer(environment: environment)
        var file = Layer()
        if let path = flags.configFile ?? env.configFile {
            file = try Layer(yaml: readFile(path), path: path)
        }
        let layers = [(flags, "flag"), (env, "environment"), (file, "config")]
        func pick<T>(_ key: Layer.Key, _ field: KeyPath<Layer, T?>) -> (value: T, source: String)? {
            for (layer, kind) in layers {
                if let value = layer[keyPath: field] { return (value, key.source(kind, file: flags.configFile ?? env.configFile)) }
            }
            return nil
        }

        var settings = ServeSettings()
        settings.configFile = flags.configFile ?? env.configFile
        if case let (host, source)? = pick(.host, \.host) {
            guard !host.isEmpty else { throw CLIError("The host (\(source)) is empty.") }
            settings.host = host
        }
        if case let (port, source)? = pick(.port, \.port) {
            guard (1...65535).contains(port) else { throw CLIError("The port (\(source)) must be 1–65535; got \(port).") }
            settings.port = port
        }
        if case let (roots, source)? = pick(.roots, \.roots) {
            guard !roots.isEmpty, !roots.contains(where: \.isEmpty) else { throw CLIError("The roots (\(source)) contain no directory.") }
            settings.roots = roots
        }
        if case let (token, _)? = pick(.token, \.token), !token.isEmpty { settings.token = token }
        if case let (maxRows, source)? = pick(.maxRows, \.maxRows) {
            guard maxRows >= 1 else { throw CLIError("max_rows (\(source)) must be at least 1; got \(maxRows).") }
            settings.maxRows = maxRows
        }
        if case let (limit, source)? = pick(.defaultLimit, \.defaultLimit) {
            guard limit >= 0 else { throw CLIError("default_limit (\(source)) must be 0 or more; got \(limit).") }
            settings.defaultLimit = limit
        }
        if case let (timeout, source)? = pick(.queryTimeout, \.queryTimeout) {
            guard timeout >= 0, timeout.isFinite else {
                throw CLIError("query_timeout (\(source)) must be a number of seconds (0 for no limit); got \(timeout).")
            }
            settings.queryTimeout = timeout == 0 ? nil : timeout
        }
        if case let (threads, source)? = pick(.threads, \.threads) {
            guard threads >= 1 else { throw CLIError("threads (\(source)) must be at least 1; got \(threads).") }
            settings.threads = threads
        }
        if case let (memory, _)? = pick(.memoryLimit, \.memoryLimit), !memory.isEmpty { settings.memoryLimit = memory }
        if case let (bytes, source)? = pick(.maxBodySize, \.maxBodySize) {
            guard bytes >= 1 else { throw CLIError("max_body_size (\(source)) must be at least 1 byte; got \(bytes).") }
            settings.maxBodySize = bytes
        }
        if case let (directory, _)? = pick(.swaggerUIDirectory, \.swaggerUIDirectory), !directory.isEmpty {
            settings.swaggerUIDirectory = directory
        }
        if case let (level, source)? = pick(.logLevel, \.logLevel) {
            let known = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard known.contains(level.lowercased()) else {
                throw CLIError("log_level (\(source)) must be one of \(known.joined(separator: ", ")); got '\(level)'.")
            }
            settings.logLevel = level.lowercased()
        }
        if case let (remote, _)? = pick(.spark, \.spark), !remote.isEmpty { settings.spark = remote }
        if case let (bytes, source)? = pick(.sparkThreshold, \.sparkThreshold) {
            guard bytes >= 0 else { throw CLIError("spark_threshold (\(source)) must be 0 or more bytes; got \(bytes).") }
            settings.sparkThreshold = bytes
        }
        if case let (mode, source)? = pick(.sparkS3, \.sparkS3) {
            guard let reads = SparkS3Reads(rawValue: mode.lowercased()) else {
                throw CLIError("spark_s3 (\(source)) must be one of \(SparkS3Reads.allCases.map(\.rawValue).joined(separator: ", ")); got '\(mode)'.")
            }
            settings.sparkS3 = reads
        }
        try settings.checkExposure()
        return settings
    }

    /// Refuses to serve on a non-loopback address without a token: anyone who can reach the
    /// port could otherwise read every file under the roots.
    func checkExposure() throws {
        guard token == nil, !Self.isLoopback(host) else { return }
        throw CLIError("""
            Refusing to listen on \(host) without a token: anyone who can reach it could read the data roots. \
            Set a token (--token, SWIFTLAKE_TOKEN or 'token' in the config file), or listen on 127.0.0.1.
            """)
    }

    /// Whether `host` names the loopback interface only (the server's own rule).
    static func isLoopback(_ host: String) -> Bool {
        ServerOptions.isLoopback(host)
    }

    /// The core configuration these settings describe.
    var lakehouseConfiguration: LakehouseConfiguration {
        var configuration = LakehouseConfiguration(
            roots: roots, defaultLimit: defaultLimit, maxRows: maxRows,
            queryTimeout: queryTimeout.map { .milliseconds(Int64(($0 * 1000).rounded())) },
            threads: threads, memoryLimit: memoryLimit,
            // The server shows no progress; skip DuckDB's progress bookkeeping.
            tracksProgress: false)
        configuration.sparkRemote = spark
        if let sparkThreshold { configuration.sparkThresholdBytes = sparkThreshold }
        configuration.sparkS3Reads = sparkS3
        return configuration
    }

    /// A size in bytes from `1073741824`, `500MB`, `1GB`, `2TB` (powers of 1024; `B`, `KB`,
    /// `MB`, `GB`, `TB`, case-insensitive, `iB` accepted).
    static func byteCount(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased().replacingOccurrences(of: "IB", with: "B")
        let units: [(String, Int64)] = [("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number >= 0 else { return nil }
            return Int64((number * Double(scale)).rounded())
        }
        return Int64(trimmed)
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:8000`.
    var baseURL: String {
        let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(shown):\(port)"
    }

    /// Reads a config file, failing with a message that names it.
    static func readFile(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("Config file '\(path)' does not exist. Check --config or SWIFTLAKE_CONFIG.", status: .notFound)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("Config file '\(path)' cannot be read.", status: .failure)
        }
        return String(decoding: data, as: UTF8.self)
    }
}
