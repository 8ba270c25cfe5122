import Foundation
import ObjectStore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One S3 object as the cache keys it: where it is and which version of it.
public struct S3CachedObject: Sendable {
    /// The store holding the object (its bucket, prefix and credentials).
    public var store: S3Store
    /// The object's path relative to the store's prefix.
    public var path: String
    /// The object's size, when known (from a Delta `add` action or a listing).
    public var size: Int64?
    /// What identifies this version of the object besides its size: an ETag, a modification
    /// time; `nil` for objects that are never rewritten in place (Delta data files).
    public var version: String?

    /// An object of `store` at `path`.
    public init(store: S3Store, path: String, size: Int64? = nil, version: String? = nil) {
        self.store = store
        self.path = path
        self.size = size
        self.version = version
    }

    /// `s3://bucket/key`.
    public var url: String { "s3://\(store.configuration.bucket)/\(store.configuration.prefix)\(path)" }

    /// The cache key: bucket, key, size and version.
    var identity: String {
        "\(store.configuration.bucket)\n\(store.configuration.prefix)\(path)\n\(size.map(String.init) ?? "-")\n\(version ?? "-")"
    }
}

/// A local directory holding whole copies of S3 objects, so that DuckDB (which cannot read
/// S3 here) reads them as local files.
///
/// - Files are keyed by bucket, key, size and version (ETag or modification time where the
///   object may change), so a rewritten object is a different file.
/// - A download streams to a temporary file beside the target and is renamed into place, so
///   a file in the cache is always complete. Concurrent requests for one object share one
///   download.
/// - The directory is bounded (``maxBytes``): after each download the least recently used
///   files are deleted until it fits again, except files leased by a running request
///   (``Lease``). A lease ends when the request's query is open; a file evicted after that
///   stays readable through DuckDB's open handle.
/// - Files already in the directory (from an earlier process) are reused.
/// - A file lives at `<hash of bucket, key, size, version>/<key>`, so Hive partition
///   directories in the key read as they do locally.
/// - ``bytesFetched`` and ``downloads`` count what came from S3 (tests, metrics).
public final class S3FileCache: Sendable {
    /// The cache directory (canonical; one of DuckDB's allowed directories).
    public let directory: String
    /// The most bytes the cache keeps; a single larger file is still downloaded.
    public let maxBytes: Int64

    struct Entry {
        var size: Int64
        var lastUsed: UInt64
        var leases: Int
    }

    struct State {
        var entries: [String: Entry] = [:]
        var inFlight: [String: Task<Int64, any Error>] = [:]
        var total: Int64 = 0
        var clock: UInt64 = 0
        var bytesFetched: Int64 = 0
        var downloads = 0
        var hits = 0
    }

    private let state = Mutex(State())

    /// A cache in `directory` (created if missing) of at most `maxBytes`.
    public init(directory: String, maxBytes: Int64 = 10 << 30) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        self.directory = DataRoots.realPath(directory) ?? directory
        self.maxBytes = max(0, maxBytes)
        // Index what an earlier process left, oldest first. Another process may share the
        // directory (several CLI commands at once): its downloads in progress are written to
        // all the time, so only partial downloads untouched for 10 minutes are abandoned ones.
        var found: [(name: String, size: Int64, modified: Date)] = []
        for name in (FileManager.default.subpaths(atPath: self.directory) ?? []) {
            let full = self.directory + "/" + name
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: full),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            if name.contains(".download-") {
                if let modified = attributes[.modificationDate] as? Date, modified.timeIntervalSinceNow < -600 {
                    try? FileManager.default.removeItem(atPath: full)
                }
                continue
            }
            found.append((name, (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                          attributes[.modificationDate] as? Date ?? .distantPast))
        }
        state.withLock { state in
            for file in found.sorted(by: { $0.modified < $1.modified }) {
                state.clock += 1
                state.entries[file.name] = Entry(size: file.size, lastUsed: state.clock, leases: 0)
                state.total += file.size
            }
        }
    }

    /// Bytes downloaded from S3 since the cache was created.
    public var bytesFetched: Int64 { state.withLock { $0.bytesFetched } }
    /// Objects downloaded from S3 since the cache was created.
    public var downloads: Int { state.withLock { $0.downloads } }
    /// Requests served from files already cached.
    public var hits: Int { state.withLock { $0.hits } }
    /// Bytes the cache holds now.
    public var totalBytes: Int64 { state.withLock { $0.total } }
    /// Files the cache holds now.
    public var fileCount: Int { state.withLock { $0.entries.count } }

    /// Files a request uses; they are not evicted until ``release()`` (or deinit).
    public final class Lease: Sendable {
        let cache: S3FileCache
        let names: Mutex<[String]>

        init(cache: S3FileCache) {
            self.cache = cache
            names = Mutex([])
        }

        /// Ends the lease (idempotent).
        public func release() {
            let held = names.withLock { names -> [String] in defer { names = [] }; return names }
            cache.unlease(held)
        }

        deinit { release() }
    }

    /// A new, empty lease.
    public func lease() -> Lease { Lease(cache: self) }

    /// The local copies of `objects`, in order, downloading (up to `concurrency` at a time)
    /// those not cached yet; every file is held by `lease`.
    public func localFiles(_ objects: [S3CachedObject], lease: Lease, concurrency: Int = 8) async throws -> [String] {
        var result = [String](repeating: "", count: objects.count)
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var next = 0
            func start() {
                guard next < objects.count else { return }
                let index = next, object = objects[index]
                next += 1
                group.addTask { (index, try await self.localFile(object, lease: lease)) }
            }
            for _ in 0..<max(1, concurrency) { start() }
            while let (index, path) = try await group.next() {
                result[index] = path
                start()
            }
        }
        return result
    }

    /// The local copy of `object`, downloaded if not cached yet; held by `lease`.
    public func localFile(_ object: S3CachedObject, lease: Lease) async throws -> String {
        let name = Self.fileName(object)
        let path = directory + "/" + name
        enum Step { case hit, wait(Task<Int64, any Error>) }
        let step: Step = state.withLock { state in
            // Leased as soon as looked up, so eviction cannot race the caller.
            lease.names.withLock { $0.append(name) }
            state.clock += 1
            if var entry = state.entries[name] {
                entry.lastUsed = state.clock
                entry.leases += 1
                state.entries[name] = entry
                state.hits += 1
                return .hit
            }
            if let task = state.inFlight[name] { return .wait(task) }
            let task = Task<Int64, any Error> {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                return try await object.store.download(object.path, to: path)
            }
            state.inFlight[name] = task
            return .wait(task)
        }
        switch step {
        case .hit:
            if FileManager.default.fileExists(atPath: path) { return path }
            // Removed behind our back: forget it and fetch again.
            state.withLock { state in
                if let entry = state.entries.removeValue(forKey: name) { state.total -= entry.size }
            }
            lease.names.withLock { names in if let i = names.lastIndex(of: name) { names.remove(at: i) } }
            return try await localFile(object, lease: lease)
        case .wait(let task):
            let size: Int64
            do {
                size = try await task.value
            } catch {
                state.withLock { state in
                    if state.inFlight[name] == task { state.inFlight[name] = nil }
                }
                lease.names.withLock { names in if let i = names.lastIndex(of: name) { names.remove(at: i) } }
                throw SwiftLakeError.objectStore(error, url: object.url)
            }
            state.withLock { state in
                if state.inFlight[name] == task {
                    state.inFlight[name] = nil
                    state.downloads += 1
                    state.bytesFetched += size
                    state.total += size
                    state.entries[name] = Entry(size: size, lastUsed: state.clock, leases: 0)
                }
                state.clock += 1
                state.entries[name]?.lastUsed = state.clock
                state.entries[name]?.leases += 1
            }
            evict()
            return path
        }
    }

    /// Removes every file not leased.
    public func removeAll() {
        let victims = state.withLock { state -> [String] in
            let names = state.entries.filter { $0.value.leases == 0 }.map(\.key)
            for name in names { state.total -= state.entries.removeValue(forKey: name)!.size }
            return names
        }
        for name in victims { remove(name) }
    }

    private func unlease(_ names: [String]) {
        guard !names.isEmpty else { return }
        state.withLock { state in
            for name in names where state.entries[name] != nil {
                state.entries[name]!.leases = max(0, state.entries[name]!.leases - 1)
            }
        }
        evict()
    }

    /// Deletes least recently used, unleased files until the cache fits.
    private func evict() {
        let victims = state.withLock { state -> [String] in
            guard state.total > maxBytes else { return [] }
            var victims: [String] = []
            for (name, entry) in state.entries.filter({ $0.value.leases == 0 }).sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                guard state.total > maxBytes else { break }
                state.entries[name] = nil
                state.total -= entry.size
                victims.append(name)
            }
            return victims
        }
        for name in victims { remove(name) }
    }

    /// Deletes the cached file `name` and the directories it leaves empty.
    private func remove(_ name: String) {
        unlink(directory + "/" + name)
        var parent = (name as NSString).deletingLastPathComponent
        while !parent.isEmpty, rmdir(directory + "/" + parent) == 0 {
            parent = (parent as NSString).deletingLastPathComponent
        }
    }

    /// The cache path of `object` (relative to the directory): a 128-bit hash of its
    /// identity, then its key, so that Hive partition directories (`year=2024/`) read as they
    /// do locally. Key components that a path or DuckDB would interpret (`.`, `..`, empty,
    /// glob characters) are replaced.
    static func fileName(_ object: S3CachedObject) -> String {
        let identity = Array(object.identity.utf8)
        let hash = String(format: "%016llx%016llx", fnv1a(identity, seed: 0xcbf2_9ce4_8422_2325),
                          fnv1a(identity, seed: 0x8422_2325_cbf2_9ce4))
        let key = object.store.configuration.prefix + object.path
        let components = key.split(separator: "/", omittingEmptySubsequences: false).map { component -> String in
            if component.isEmpty || component == "." || component == ".." { return "_" }
            return String(component.map { "*?[]{}\\'\0".contains($0) ? "_" : $0 }.prefix(200))
        }
        return ([hash] + components).joined(separator: "/")
    }

    private static func fnv1a(_ bytes: [UInt8], seed: UInt64) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}

extension SwiftLakeError {
    /// An object store failure while reading `url`, as a SwiftLake error with the store's message.
    static func objectStore(_ error: any Error, url: String) -> SwiftLakeError {
        if let error = error as? SwiftLakeError { return error }
        guard let error = error as? ObjectStoreError else {
            return SwiftLakeError(.unavailable, code: "s3_error", "Reading \(url) failed: \(error)")
        }
        switch error.code {
        case .notFound: return SwiftLakeError.notFound("s3_not_found", "\(url): \(error.message)")
        case .permissionDenied: return SwiftLakeError(.forbidden, code: "s3_access_denied", "\(url): \(error.message)")
        case .invalidPath: return SwiftLakeError.invalid("invalid_s3_path", "\(url): \(error.message)")
        default: return SwiftLakeError(.unavailable, code: "s3_error", "\(url): \(error.message)")
        }
    }
}
