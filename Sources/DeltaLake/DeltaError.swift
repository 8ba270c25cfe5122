/// An error from the Delta protocol layer: the kind (which maps to an HTTP status in the
/// server), a message that says what was wrong and how to fix it, and details.
public struct DeltaError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure (a struct over a private enum, so kinds can be added).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case notFound, invalidTable, unsupportedFeature, corruptLog, conflict, invalidArgument, storage
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// No table at the location, or the version/timestamp asked for does not (or no longer) exist. (404)
        public static var notFound: Kind { Kind(.notFound) }
        /// The location holds something that is not a usable Delta table (no metadata, no protocol). (400)
        public static var invalidTable: Kind { Kind(.invalidTable) }
        /// The table needs a reader feature or protocol version this implementation does not support. (422)
        public static var unsupportedFeature: Kind { Kind(.unsupportedFeature) }
        /// The log is damaged: missing commits, unparsable actions, incomplete checkpoints. (500-ish, not a bug here)
        public static var corruptLog: Kind { Kind(.corruptLog) }
        /// A concurrent commit won and the operation cannot be retried automatically. (409)
        public static var conflict: Kind { Kind(.conflict) }
        /// The caller asked for something malformed (a negative version, a bad partition value). (400)
        public static var invalidArgument: Kind { Kind(.invalidArgument) }
        /// The object store failed (permissions, I/O). (500)
        public static var storage: Kind { Kind(.storage) }

        public var description: String { wrapped.rawValue }
    }

    /// The kind of failure.
    public var kind: Kind
    /// What was wrong and how to fix it.
    public var message: String
    /// For `notFound` on versions: the versions that can be read (earliest...latest).
    public var availableVersions: ClosedRange<Int64>?
    /// For `unsupportedFeature`: the feature's name (e.g. `"catalogManaged"`).
    public var feature: String?
    /// For `corruptLog` on gaps: the missing versions.
    public var missingVersions: [Int64]
    /// For `conflict` from a commit: the concurrent commit that won and the rule it broke.
    public var conflict: CommitConflict?
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, availableVersions: ClosedRange<Int64>? = nil,
                feature: String? = nil, missingVersions: [Int64] = [], conflict: CommitConflict? = nil,
                cause: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.availableVersions = availableVersions
        self.feature = feature
        self.missingVersions = missingVersions
        self.conflict = conflict
        self.cause = cause
    }

    public var description: String {
        var text = "\(kind): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
