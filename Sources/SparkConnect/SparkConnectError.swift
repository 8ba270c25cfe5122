/// What a Spark Connect call failed with.
public enum SparkConnectError: Error, Sendable, CustomStringConvertible {
    /// The server cannot be reached, or the connection broke and could not be resumed
    /// (the server is down or restarting, a network problem). A service answers 503.
    case unavailable(String)
    /// The server ran the request and refused it: a SQL error, a missing table, an
    /// interrupted operation, … with Spark's error class and SQL state when it sent them.
    case server(SparkServerError)
    /// The server's answer could not be understood (an Arrow batch that does not decode,
    /// a response of an unexpected kind).
    case invalidResponse(String)
    /// The client was closed.
    case closed

    public var description: String {
        switch self {
        case .unavailable(let why): return "Spark Connect server unavailable: \(why)"
        case .server(let error): return error.description
        case .invalidResponse(let why): return "invalid Spark Connect response: \(why)"
        case .closed: return "the Spark Connect client is closed"
        }
    }

    /// The server error, when this is one.
    public var serverError: SparkServerError? {
        if case .server(let error) = self { return error }
        return nil
    }

    public var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }
}

/// An error the Spark server reported for a request.
public struct SparkServerError: Sendable, Equatable, CustomStringConvertible {
    /// Spark's error class, e.g. `TABLE_OR_VIEW_NOT_FOUND`, `DIVIDE_BY_ZERO`,
    /// `OPERATION_CANCELED` (nil for errors without one).
    public var errorClass: String?
    /// The SQLSTATE, e.g. `42P01` (nil when Spark sent none).
    public var sqlState: String?
    /// The server's message, e.g. "[TABLE_OR_VIEW_NOT_FOUND] The table or view `t` cannot be found. …".
    public var message: String
    /// The JVM exception classes, most specific first (e.g. `org.apache.spark.sql.AnalysisException`).
    public var exceptionClasses: [String]
    /// The gRPC status code's name (e.g. `internalError`, `invalidArgument`).
    public var grpcCode: String

    public init(errorClass: String?, sqlState: String?, message: String, exceptionClasses: [String] = [], grpcCode: String = "unknown") {
        self.errorClass = errorClass
        self.sqlState = sqlState
        self.message = message
        self.exceptionClasses = exceptionClasses
        self.grpcCode = grpcCode
    }

    /// Whether the operation was interrupted (``SparkConnectClient/interruptAll()`` and friends).
    public var isInterrupted: Bool {
        errorClass == "OPERATION_CANCELED" || errorClass == "OPERATION_INTERRUPTED"
            || grpcCode == "cancelled" || exceptionClasses.contains { $0.hasSuffix("SparkInterruptedException") }
    }

    public var description: String {
        var parts: [String] = []
        if let errorClass { parts.append("error class \(errorClass)") }
        if let sqlState { parts.append("SQLSTATE \(sqlState)") }
        let context = parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))"
        return "Spark error\(context): \(message)"
    }
}
