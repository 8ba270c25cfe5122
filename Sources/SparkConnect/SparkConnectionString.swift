/// A Spark Connect connection string, Spark's documented form:
///
///     sc://host[:port][/;key=value[;key=value…]]
///
/// for example `sc://localhost`, `sc://spark.example:443/;token=abc;user_id=ana`.
/// The same string is what `SPARK_REMOTE` holds for Spark's own clients.
///
/// Parsed like PySpark's `ChannelBuilder`: the scheme must be `sc`; the port
/// defaults to 15002; the path must be empty or `/`; parameters follow `/;`, each
/// `key=value`, values percent-decoded. Known keys: `token` (a bearer token; it
/// implies TLS), `use_ssl` (`true` turns TLS on, any other value leaves it off),
/// `user_id`, `user_agent`, `session_id` (a UUID) and the `grpc_keepalive_*` ones.
/// Any other key is kept in
/// ``parameters`` and, as in Spark's clients, meant to be sent to the server as
/// gRPC metadata (``metadata``).
public struct SparkConnectionString: Sendable, Equatable, CustomStringConvertible {
    /// Spark Connect's default port.
    public static let defaultPort = 15002
    /// The environment variable Spark's clients read the connection string from.
    public static let environmentVariable = "SPARK_REMOTE"

    /// Host name or address, without brackets for IPv6 (`::1`).
    public var host: String
    public var port: Int
    /// Every `key=value` parameter, decoded, the known ones included.
    public var parameters: [String: String]

    public init(host: String, port: Int = SparkConnectionString.defaultPort, parameters: [String: String] = [:]) {
        self.host = host
        self.port = port
        self.parameters = parameters
    }

    public var token: String? { parameters["token"] }
    public var userID: String? { parameters["user_id"] }
    public var userAgent: String? { parameters["user_agent"] }
    public var sessionID: String? { parameters["session_id"] }
    /// TLS: on with `use_ssl=true` (any case) or whenever a token is given.
    public var useSSL: Bool { token != nil || parameters["use_ssl"]?.lowercased() == "true" }

    /// The parameters that are not connection settings, to send as gRPC metadata.
    public var metadata: [String: String] {
        parameters.filter { !Self.knownKeys.contains($0.key) }
    }

    /// The keys Spark's clients read as settings (PySpark's `ChannelBuilder.PARAM_*`); the others are metadata.
    static let knownKeys: Set<String> = [
        "token", "use_ssl", "user_id", "user_agent", "session_id",
        "grpc_keepalive_enabled", "grpc_keepalive_time_ms", "grpc_keepalive_timeout_ms",
        "grpc_keepalive_without_calls",
    ]

    /// Parses `string`; throws ``SparkConnectionStringError`` saying what is wrong.
    public init(_ string: String) throws {
        let prefix = "sc://"
        guard string.lowercased().hasPrefix(prefix) else {
            throw SparkConnectionStringError.notSparkConnect
        }
        let rest = string.dropFirst(prefix.count)
        // Authority ends at the first '/' (URL syntax); '?' and '#' are not part of the form.
        let authority: Substring
        let tail: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            tail = rest[rest.index(after: slash)...]
        } else {
            authority = rest
            tail = ""
        }
        if authority.contains(";") {
            throw SparkConnectionStringError.invalid("parameters go after '/', as in sc://host:port/;key=value")
        }
        if authority.contains("?") || authority.contains("#") || authority.contains("@") {
            throw SparkConnectionStringError.invalid("target must be in the form host:port")
        }
        let (host, port) = try Self.parseAuthority(authority, in: string)

        var parameters: [String: String] = [:]
        if !tail.isEmpty {
            // What follows '/' is an empty path then ';params', like urlparse's `params`.
            guard tail.first == ";" else {
                throw SparkConnectionStringError.invalid("path component must be empty")
            }
            for part in tail.dropFirst().split(separator: ";", omittingEmptySubsequences: false) {
                if part.isEmpty { continue }  // a trailing ';'
                let kv = part.split(separator: "=", omittingEmptySubsequences: false)
                guard kv.count == 2, !kv[0].isEmpty else {
                    throw SparkConnectionStringError.invalid("parameter '\(kv[0])' not in the form key=value")
                }
                guard let key = Self.percentDecoded(kv[0]), let value = Self.percentDecoded(kv[1]) else {
                    throw SparkConnectionStringError.invalid("parameter '\(kv[0])' has a bad percent escape")
                }
                parameters[key] = value
            }
        }
        if let sessionID = parameters["session_id"], !Self.isUUID(sessionID) {
            throw SparkConnectionStringError.invalid("session_id must be a UUID")
        }
        self.init(host: host, port: port, parameters: parameters)
    }

    /// The connection string in `SPARK_REMOTE` of `environment`, or nil when unset or empty.
    public static func fromEnvironment(_ environment: [String: String]) throws -> SparkConnectionString? {
        guard let value = environment[environmentVariable], !value.isEmpty else { return nil }
        return try SparkConnectionString(value)
    }

    /// The canonical string: `sc://host:port`, then `/;key=value` for each parameter, keys sorted.
    public var description: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var s = "sc://\(hostPart):\(port)"
        if !parameters.isEmpty {
            s += "/"
            for key in parameters.keys.sorted() {
                s += ";\(Self.percentEncoded(key))=\(Self.percentEncoded(parameters[key]!))"
            }
        }
        return s
    }

    /// The description with the token's value hidden, for logs.
    public var redactedDescription: String {
        guard token != nil else { return description }
        var copy = self
        copy.parameters["token"] = "REDACTED"
        return copy.description
    }

    private static func parseAuthority(_ authority: Substring, in string: String) throws -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if authority.first == "[" {
            // [IPv6]:port
            guard let close = authority.firstIndex(of: "]") else {
                throw SparkConnectionStringError.invalid("unclosed '[' in the host")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else {
                    throw SparkConnectionStringError.invalid("target must be in the form host:port")
                }
                portText = after.dropFirst()
            }
        } else {
            let pieces = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else {
                throw SparkConnectionStringError.invalid("target must be in the form host:port")
            }
            host = pieces[0]
            portText = pieces.count == 2 ? pieces[1] : nil
        }
        guard !host.isEmpty else {
            throw SparkConnectionStringError.invalid("the host is missing")
        }
        var port = defaultPort
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p), portText.allSatisfy(\.isASCII) else {
                throw SparkConnectionStringError.invalid("port '\(portText)' is not a number from 1 to 65535")
            }
            port = p
        }
        return (String(host), port)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// `%XX` decoding (as urllib's unquote); nil for a bad escape or invalid UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        let utf8 = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "%") {
                guard i + 2 < utf8.count, let hi = hexValue(utf8[i + 1]), let lo = hexValue(utf8[i + 2]) else {
                    return nil
                }
                bytes.append(hi << 4 | lo)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Escapes what would break the form (`%`, `;`, `=`, `/`, spaces, non-ASCII).
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~:@!$&'()*+,".contains(c) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    static func isUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.utf8.allSatisfy { hexValue($0) != nil } }
    }
}

/// Why a Spark Connect connection string was refused. The string itself is left
/// out of the message: it may hold a token.
public enum SparkConnectionStringError: Error, Equatable, CustomStringConvertible {
    /// It does not start with `sc://`.
    case notSparkConnect
    /// It starts with `sc://` but the rest is wrong; the value says how.
    case invalid(String)

    public var description: String {
        switch self {
        case .notSparkConnect:
            return "not a Spark Connect connection string: it must start with sc://"
        case .invalid(let why):
            return "invalid Spark Connect connection string: \(why)"
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
