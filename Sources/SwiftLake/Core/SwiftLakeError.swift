/// An error a SwiftLake operation reports to its caller.
///
/// Every error carries a ``Kind`` that says whose fault it is (and maps to an HTTP
/// status in the server), a stable machine-readable `code`, and a `message` that says
/// what was wrong and how to fix it.
public struct SwiftLakeError: Error, Sendable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Sendable {
        /// The request itself is wrong: malformed input, a SQL error, a bad option. (400)
        case invalidRequest
        /// A path lies outside the configured data roots. (403)
        case forbidden
        /// A file, table or version does not exist. (404)
        case notFound
        /// A write lost a race or the output already exists. (409)
        case conflict
        /// The data uses a feature SwiftLake does not support, or is corrupt. (422)
        case unprocessable
        /// The operation ran longer than the configured limit. (408 / 504)
        case timeout
        /// The request body or result is larger than allowed. (413)
        case tooLarge
        /// An engine is not available. (503)
        case unavailable
        /// A bug in SwiftLake. (500)
        case `internal`
    }

    /// The class of failure.
    public var kind: Kind
    /// A stable identifier such as `"path_outside_roots"` or `"sql_error"`.
    public var code: String
    /// What went wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension SwiftLakeError {
    static func invalid(_ code: String, _ message: String) -> SwiftLakeError {
        SwiftLakeError(.invalidRequest, code: code, message)
    }

    static func notFound(_ code: String, _ message: String) -> SwiftLakeError {
        SwiftLakeError(.notFound, code: code, message)
    }
}
