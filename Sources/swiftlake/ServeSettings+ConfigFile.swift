import Foundation
import Yams

extension ServeSettings.Layer {
    /// The settings of a YAML config file:
    ///
    /// ```yaml
    /// host: 127.0.0.1
    /// port: 8000
    /// roots: [./data, /srv/lake]     # or a single path
    /// token: change-me
    /// max_rows: 1000000
    /// default_limit: 1000
    /// query_timeout: 300             # seconds, 0 for no limit
    /// threads: 4
    /// memory_limit: 4GB
    /// max_body_size: 10485760        # bytes
    /// spark: sc://127.0.0.1:15002    # the Spark engine's Spark Connect server
    /// spark_threshold: 1GB           # engine auto: Spark above this many bytes to scan
    /// spark_s3: auto                 # Spark reads s3a:// itself when it can (auto), always (direct) or never (staged)
    /// ```
    ///
    /// Unknown keys are errors (a misspelt key would otherwise be silently ignored), and so
    /// are values of the wrong type. Relative `roots` and `swagger_ui_dir` are relative to
    /// the file's own directory, so a config works from wherever the server is started.
    init(yaml text: String, path: String) throws {
        self.init()
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw CLIError("Config file '\(path)' is not valid YAML: \(error)")
        }
        guard let node else { return }  // an empty file sets nothing
        guard let mapping = node.mapping else {
            throw CLIError("Config file '\(path)' must be a mapping of settings (key: value), e.g. 'port: 8000'.")
        }
        let directory = (Self.absolute(path) as NSString).deletingLastPathComponent
        for (keyNode, value) in mapping {
            let name = keyNode.scalar?.string ?? "\(keyNode)"
            guard let key = Key(rawValue: name) else {
                let known = Key.allCases.map(\.rawValue)
                let hint = Self.closest(to: name, in: known).map { " Did you mean '\($0)'?" } ?? ""
                throw CLIError("Config file '\(path)' has an unknown key '\(name)'\(Self.line(of: keyNode)).\(hint) Known keys: \(known.joined(separator: ", ")).")
            }
            if value.null != nil { continue }  // `key:` or `key: null` sets nothing
            let field = FieldReader(key: key, node: value, path: path)
            switch key {
            case .host: host = try field.string()
            case .port: port = try field.integer()
            case .roots: roots = try field.strings().map { Self.resolve($0, against: directory) }
            case .token: token = try field.string()
            case .maxRows: maxRows = try field.integer()
            case .defaultLimit: defaultLimit = try field.integer()
            case .queryTimeout: queryTimeout = try field.number()
            case .threads: threads = try field.integer()
            case .memoryLimit: memoryLimit = try field.string()
            case .maxBodySize: maxBodySize = try field.integer()
            case .swaggerUIDirectory: swaggerUIDirectory = Self.resolve(try field.string(), against: directory)
            case .logLevel: logLevel = try field.string()
            case .spark: spark = try field.string()
            case .sparkThreshold:
                let text = try field.string()
                guard let bytes = ServeSettings.byteCount(text) else {
                    throw CLIError("'spark_threshold' in config file '\(path)'\(Self.line(of: value)) must be a size such as 1GB or 500MB (or bytes); got '\(text)'.")
                }
                sparkThreshold = bytes
            case .sparkS3: sparkS3 = try field.string()
            }
        }
    }

    /// Reads one value, with errors that name the key, the file and the line.
    private struct FieldReader {
        let key: Key
        let node: Node
        let path: String

        func string() throws -> String {
            guard let scalar = node.scalar else { throw mismatch("a single value") }
            return scalar.string
        }

        func integer() throws -> Int {
            guard node.scalar != nil, let value = node.int else { throw mismatch("a whole number") }
            return value
        }

        func number() throws -> Double {
            guard node.scalar != nil, let value = node.float else { throw mismatch("a number") }
            return value
        }

        /// A list of strings, or one string.
        func strings() throws -> [String] {
            if let scalar = node.scalar { return [scalar.string] }
            guard let sequence = node.sequence else { throw mismatch("a list of paths") }
            return try sequence.map { item in
                guard let scalar = item.scalar else { throw mismatch("a list of paths") }
                return scalar.string
            }
        }

        private func mismatch(_ expected: String) -> CLIError {
            CLIError("'\(key.rawValue)' in config file '\(path)'\(ServeSettings.Layer.line(of: node)) must be \(expected).")
        }
    }

    static func line(of node: Node) -> String {
        node.mark.map { " (line \($0.line))" } ?? ""
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") || path.hasPrefix("~") || path.contains("://") { return path }
        return directory + "/" + path
    }

    /// The known key nearest to a misspelt one (edit distance at most 3).
    static func closest(to name: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(name.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 3 else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
