import Foundation

extension ServeSettings {
    /// The settings one source gives; `nil` where it says nothing.
    struct Layer: Equatable, Sendable {
        var host: String?
        var port: Int?
        var roots: [String]?
        var token: String?
        var maxRows: Int?
        var defaultLimit: Int?
        var queryTimeout: Double?
        var threads: Int?
        var memoryLimit: String?
        var maxBodySize: Int?
        var swaggerUIDirectory: String?
        var logLevel: String?
        var spark: String?
        var sparkThreshold: Int64?
        var sparkS3: String?
        /// Where to read the config file from (flags and environment only).
        var configFile: String?

        init(host: String? = nil, port: Int? = nil, roots: [String]? = nil, token: String? = nil, maxRows: Int? = nil,
             defaultLimit: Int? = nil, queryTimeout: Double? = nil, threads: Int? = nil, memoryLimit: String? = nil,
             maxBodySize: Int? = nil, swaggerUIDirectory: String? = nil, logLevel: String? = nil,
             spark: String? = nil, sparkThreshold: Int64? = nil, sparkS3: String? = nil, configFile: String? = nil) {
            self.host = host
            self.port = port
            self.roots = roots
            self.token = token
            self.maxRows = maxRows
            self.defaultLimit = defaultLimit
            self.queryTimeout = queryTimeout
            self.threads = threads
            self.memoryLimit = memoryLimit
            self.maxBodySize = maxBodySize
            self.swaggerUIDirectory = swaggerUIDirectory
            self.logLevel = logLevel
            self.spark = spark
            self.sparkThreshold = sparkThreshold
            self.sparkS3 = sparkS3
            self.configFile = configFile
        }

        /// Every setting, with its config-file key, environment variable and flag.
        enum Key: String, CaseIterable, Sendable {
            case host, port, roots, token
            case maxRows = "max_rows"
            case defaultLimit = "default_limit"
            case queryTimeout = "query_timeout"
            case threads
            case memoryLimit = "memory_limit"
            case maxBodySize = "max_body_size"
            case swaggerUIDirectory = "swagger_ui_dir"
            case logLevel = "log_level"
            case spark
            case sparkThreshold = "spark_threshold"
            case sparkS3 = "spark_s3"

            /// `SWIFTLAKE_MAX_ROWS`.
            var environmentVariable: String { "SWIFTLAKE_" + rawValue.uppercased() }

            /// `--max-rows` (`--root` for the repeatable roots flag).
            var flag: String { self == .roots ? "--root" : "--" + rawValue.replacingOccurrences(of: "_", with: "-") }

            /// Where a value came from, for error messages: `--port`, `SWIFTLAKE_PORT`, `'port' in app.yaml`.
            func source(_ kind: String, file: String?) -> String {
                switch kind {
                case "flag": flag
                case "environment": environmentVariable
                default: "'\(rawValue)' in \(file ?? "the config file")"
                }
            }
        }

        /// The `SWIFTLAKE_*` variables of `environment`. Empty variables count as unset;
        /// `SWIFTLAKE_ROOTS` is colon-separated, like `PATH`.
        init(environment: [String: String]) throws {
            func value(_ key: Key) -> String? {
                guard let text = environment[key.environmentVariable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                    return nil
                }
                return text
            }
            func integer(_ key: Key) throws -> Int? {
                guard let text = value(key) else { return nil }
                guard let number = Int(text) else {
                    throw CLIError("\(key.environmentVariable) must be a whole number; got '\(text)'.")
                }
                return number
            }
            self.init()
            host = value(.host)
            port = try integer(.port)
            roots = value(.roots).map { $0.split(separator: ":").map(String.init).filter { !$0.isEmpty } }
            token = value(.token)
            maxRows = try integer(.maxRows)
            defaultLimit = try integer(.defaultLimit)
            if let text = value(.queryTimeout) {
                guard let seconds = Double(text) else {
                    throw CLIError("\(Key.queryTimeout.environmentVariable) must be a number of seconds; got '\(text)'.")
                }
                queryTimeout = seconds
            }
            threads = try integer(.threads)
            memoryLimit = value(.memoryLimit)
            maxBodySize = try integer(.maxBodySize)
            swaggerUIDirectory = value(.swaggerUIDirectory)
            logLevel = value(.logLevel)
            // Spark's own variable too, as PySpark reads it.
            spark = value(.spark) ?? environment["SPARK_REMOTE"].flatMap { $0.isEmpty ? nil : $0 }
            if let text = value(.sparkThreshold) {
                guard let bytes = ServeSettings.byteCount(text) else {
                    throw CLIError("\(Key.sparkThreshold.environmentVariable) must be a size such as 1GB or 500MB (or bytes); got '\(text)'.")
                }
                sparkThreshold = bytes
            }
            sparkS3 = value(.sparkS3)
            if let path = environment["SWIFTLAKE_CONFIG"], !path.isEmpty { configFile = path }
        }
    }
}
