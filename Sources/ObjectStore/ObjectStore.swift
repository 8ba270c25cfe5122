import Foundation

/// A flat namespace of immutable byte objects addressed by `/`-separated relative paths:
/// a local directory (``LocalStore``), later an S3 bucket prefix.
///
/// Paths never start with `/` and never contain `.` or `..` components; each store is
/// rooted somewhere (a directory, a bucket prefix) and resolves paths below that root.
/// Every method is `async` so that network stores fit the same shape.
///
/// Invariants every implementation keeps:
/// - ``list(prefix:startAfter:)`` returns objects (never directories) sorted by path, byte-wise.
/// - ``put(_:_:)`` is atomic: readers see the old object, or the whole new one.
/// - ``putIfAbsent(_:_:)`` is atomic and exclusive: of concurrent callers exactly one gets
///   ``PutResult/created``; the others get ``PutResult/alreadyExists`` (a value, not an error).
public protocol ObjectStore: Sendable {
    /// The whole object at `path`. Throws ``ObjectStoreError`` with code `.notFound` when absent.
    func get(_ path: String) async throws -> [UInt8]

    /// The bytes `range` (offsets into the object, end exclusive) of the object at `path`.
    /// A range that runs past the end is cut at the end.
    func get(_ path: String, range: Range<Int64>) async throws -> [UInt8]

    /// Size and modification time of the object at `path`, or `nil` when there is none.
    func head(_ path: String) async throws -> ObjectMeta?

    /// Every object whose path starts with `prefix` (recursively, like an S3 listing
    /// without delimiter), sorted by path. With `startAfter`, only paths greater than it
    /// (as S3's `start-after`), so a caller that knows where to start lists less.
    func list(prefix: String, startAfter: String?) async throws -> [ObjectMeta]

    /// Writes `bytes` to `path` atomically, replacing any object there.
    func put(_ path: String, _ bytes: [UInt8]) async throws

    /// Writes `bytes` to `path` only if no object is there yet, atomically.
    func putIfAbsent(_ path: String, _ bytes: [UInt8]) async throws -> PutResult

    /// Deletes the objects at `paths`; paths that do not exist are ignored.
    func delete(_ paths: [String]) async throws
}

extension ObjectStore {
    /// Every object whose path starts with `prefix`, sorted by path.
    public func list(prefix: String) async throws -> [ObjectMeta] {
        try await list(prefix: prefix, startAfter: nil)
    }
}

/// What a listing or ``ObjectStore/head(_:)`` knows about one object.
public struct ObjectMeta: Sendable, Hashable, CustomStringConvertible {
    /// The object's path relative to the store's root.
    public var path: String
    /// Size in bytes.
    public var size: Int64
    /// Last modification time (for Delta commits: the commit's timestamp).
    public var lastModified: Date

    /// Creates object metadata.
    public init(path: String, size: Int64, lastModified: Date) {
        self.path = path
        self.size = size
        self.lastModified = lastModified
    }

    /// ``lastModified`` in whole milliseconds since the Unix epoch (rounded down), the unit
    /// Delta uses for commit timestamps.
    public var lastModifiedMillis: Int64 {
        Int64((lastModified.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The last path component.
    public var name: Substring {
        path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path)
    }

    public var description: String { "\(path) (\(size) bytes)" }
}

/// The outcome of ``ObjectStore/putIfAbsent(_:_:)``. Losing a race is an expected outcome
/// (a concurrent Delta commit won), so it is a value rather than an error.
public enum PutResult: Sendable, Hashable {
    /// The object did not exist and now holds the given bytes.
    case created
    /// Another object was already at the path; nothing was written.
    case alreadyExists
}
