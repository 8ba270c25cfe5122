/// An error from an ``ObjectStore``: what failed, on which path, and why.
///
/// `code` is a small extensible set (swift-nio style: a struct over a private enum),
/// `message` says what happened and how to fix it, `cause` keeps the underlying error.
public struct ObjectStoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case notFound, invalidPath, permissionDenied, io, unsupported
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// No object at the path.
        public static var notFound: Code { Code(.notFound) }
        /// The path is not a valid relative object path (absolute, `..`, empty component).
        public static var invalidPath: Code { Code(.invalidPath) }
        /// The operating system or service refused access.
        public static var permissionDenied: Code { Code(.permissionDenied) }
        /// Reading or writing failed (disk full, I/O error, network failure, ...).
        public static var io: Code { Code(.io) }
        /// The store cannot do this operation.
        public static var unsupported: Code { Code(.unsupported) }

        public var description: String { wrapped.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened and how to fix it.
    public var message: String
    /// The object path concerned, when there is one.
    public var path: String?
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, path: String? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
