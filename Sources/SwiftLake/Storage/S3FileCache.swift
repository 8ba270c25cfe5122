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

/// What of an object a request reads, so the cache fetches only that.
public enum CachedRead: Sendable, Hashable {
    /// Every byte (files DuckDB reads whole, Delta checkpoints, files being rewritten).
    case wholeObject
    /// A Parquet file of which only these top-level columns (case-insensitive) are read: its
    /// footer and those columns' chunks are fetched, the rest of the file stays a hole. An
    /// empty set is the footer alone (schema, metadata, statistics).
    case parquetColumns(Set<String>)

    /// The footer of a Parquet file and nothing else.
    public static let parquetFooter = CachedRead.parquetColumns([])
}

/// A local directory holding copies of S3 objects, so that DuckDB (which cannot read S3
/// here) reads them as local files. A copy may be sparse: a file of the object's full size
/// that holds only the byte ranges a request reads (a Parquet footer and the chunks of the
/// columns a query projects, ``CachedRead``); DuckDB never reads the holes.
///
/// - Files are keyed by bucket, key, size and version (ETag or modification time where the
///   object may change), so a rewritten object is a different file.
/// - The cache tracks which ranges each file holds, in memory and in a sidecar file
///   (`<hash>.ranges`, written after the bytes and naming the data file's ``CopyVersion``), so a later
///   request fetches only what is missing and a later process reuses what is there. A range
///   is marked held only once it is written, and fetches into one file run one at a time,
///   so no request sees a half-written range.
/// - The directory is bounded (``maxBytes``, counting the bytes held): after each fetch the
///   least recently used files are deleted until it fits again, except files leased by a
///   running request (``Lease``). A lease ends when the request's query is open; a file
///   evicted after that stays readable through DuckDB's open handle.
/// - Several processes may share the directory (a server and CLI runs): leases are recorded
///   in lease files every process's eviction honours, eviction and lookups are serialised by
///   a lock on the directory, a copy another process replaced is never trusted for the ranges
///   of the old one, and every ``rescanInterval`` the index is brought up to date with what
///   other processes fetched or evicted (``S3FileCache+SharedUse.swift``).
/// - A file lives at `<hash of bucket, key, size, version>/<key>`, so Hive partition
///   directories in the key read as they do locally.
/// - ``bytesFetched`` and ``downloads`` count what came from S3 (tests, metrics).
public final class S3FileCache: Sendable {
    /// The cache directory (canonical; one of DuckDB's allowed directories).
    public let directory: String
    /// The most bytes the cache keeps; a single larger file is still downloaded.
    public let maxBytes: Int64
    /// How often, at most, eviction re-reads the directory to count what other processes
    /// fetched into it (and forget what they evicted).
    public let rescanInterval: Duration

    struct Entry {
        /// Bytes held (``ranges``'s size); what counts against ``maxBytes``.
        var size: Int64 = 0
        var ranges = ByteRanges()
        /// When the file was last used (seconds since 1970; for files another process
        /// fetched, their modification time).
        var lastUsed: Double
        var leases: Int = 0
        /// Whether the (possibly all-hole) file exists.
        var onDisk = false
        /// The version of the file ``ranges`` describes; a file of another version (replaced
        /// or written to by another process) is trusted only for what its sidecar says.
        var version: CopyVersion?
    }

    struct State {
        var entries: [String: Entry] = [:]
        /// The fetch writing into a file now; at most one per file.
        var inFlight: [String: Task<Void, any Error>] = [:]
        var total: Int64 = 0
        var clock: Double = 0
        var lastRescan = ContinuousClock.now
        var bytesFetched: Int64 = 0
        var downloads = 0
        var hits = 0
    }

    let state = Mutex(State())

    /// A cache in `directory` (created if missing) of at most `maxBytes`, counting what other
    /// processes add to it every `rescanInterval` at most.
    public init(directory: String, maxBytes: Int64 = 10 << 30, rescanInterval: Duration = .seconds(30)) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        self.directory = DataRoots.realPath(directory) ?? directory
        self.maxBytes = max(0, maxBytes)
        self.rescanInterval = rescanInterval
        try FileManager.default.createDirectory(atPath: leaseDirectory, withIntermediateDirectories: true)
        withDirectoryLock(exclusive: true) {
            let found = indexExistingFiles(keeping: leasedHashes())
            state.withLock { state in
                for file in found {
                    state.entries[file.name] = Entry(size: file.ranges.byteCount, ranges: file.ranges,
                                                     lastUsed: file.modified.timeIntervalSince1970, onDisk: true, version: file.version)
                    state.total += file.ranges.byteCount
                }
            }
        }
    }

    /// Bytes downloaded from S3 since the cache was created.
    public var bytesFetched: Int64 { state.withLock { $0.bytesFetched } }
    /// Requests (one object each) that fetched bytes from S3 since the cache was created.
    public var downloads: Int { state.withLock { $0.downloads } }
    /// Requests served from bytes already cached.
    public var hits: Int { state.withLock { $0.hits } }
    /// Bytes the cache holds now.
    public var totalBytes: Int64 { state.withLock { $0.total } }
    /// Files the cache holds now.
    public var fileCount: Int { state.withLock { $0.entries.values.filter(\.onDisk).count } }

    /// Files a request uses; they are not evicted, by this process or another, until
    /// ``release()`` (or deinit). Other processes see it in a lease file of its own
    /// (``S3FileCache/leaseDirectory``), created with its first file and deleted at release.
    public final class Lease: Sendable {
        let cache: S3FileCache
        let names: Mutex<[String]>
        let record: Mutex<LeaseRecord>
        /// Directories of links to leased copies, removed at release (``removeAtRelease(_:)``).
        let linkDirectories = Mutex<[String]>([])

        init(cache: S3FileCache) {
            self.cache = cache
            names = Mutex([])
            record = Mutex(LeaseRecord())
        }

        /// Has `directory` (links to copies this lease holds) removed when the lease ends.
        func removeAtRelease(_ directory: String) {
            linkDirectories.withLock { $0.append(directory) }
        }

        /// Ends the lease (idempotent).
        public func release() {
            let held = names.withLock { names -> [String] in defer { names = [] }; return names }
            record.withLock { $0.close() }
            cache.unlease(held)
            for directory in linkDirectories.withLock({ directories -> [String] in defer { directories = [] }; return directories }) {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }

        deinit { release() }
    }

    /// A new, empty lease.
    public func lease() -> Lease { Lease(cache: self) }

    /// The local copies of `objects`, in order, fetching (up to `concurrency` objects at a
    /// time) what `reading` needs and is not cached yet; every file is held by `lease`.
    public func localFiles(_ objects: [S3CachedObject], reading: CachedRead = .wholeObject, lease: Lease,
                           concurrency: Int = 8) async throws -> [String] {
        var result = [String](repeating: "", count: objects.count)
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var next = 0
            func start() {
                guard next < objects.count else { return }
                let index = next, object = objects[index]
                next += 1
                group.addTask { (index, try await self.localFile(object, reading: reading, lease: lease)) }
            }
            for _ in 0..<max(1, concurrency) { start() }
            while let (index, path) = try await group.next() {
                result[index] = path
                start()
            }
        }
        return result
    }

    /// The local copy of `object`, holding at least what `reading` needs (fetched if not
    /// cached yet); held by `lease`.
    public func localFile(_ object: S3CachedObject, reading: CachedRead = .wholeObject, lease: Lease) async throws -> String {
        let name = Self.fileName(object)
        let path = directory + "/" + name
        // Leased as soon as looked up (here and in the lease file), so no eviction races the
        // caller; what is on disk is looked at under the directory lock, after the lease.
        let known = state.withLock { $0.entries[name]?.version }
        let disk: (version: CopyVersion?, sidecar: ByteRanges?)
        do {
            disk = try register(name, in: lease, knownVersion: known)
        } catch {
            throw SwiftLakeError.objectStore(error, url: object.url)
        }
        state.withLock { state in
            lease.names.withLock { $0.append(name) }
            let now = state.stamp()
            var entry = state.entries[name] ?? Entry(lastUsed: now)
            if state.inFlight[name] == nil {
                if disk.version == nil, entry.onDisk {
                    // Removed behind our back (another process): forget what it held.
                    state.total -= entry.size
                    entry = Entry(lastUsed: now)
                } else if let version = disk.version, entry.version != version {
                    // Another process's copy, or ours that it wrote to: trust only its sidecar.
                    let ranges = disk.sidecar ?? ByteRanges()
                    state.total += ranges.byteCount - entry.size
                    entry.ranges = ranges
                    entry.size = ranges.byteCount
                    entry.version = version
                    entry.onDisk = true
                }
            }
            entry.lastUsed = now
            entry.leases += 1
            state.entries[name] = entry
        }
        do {
            let size: Int64
            if let known = object.size {
                size = known
            } else if let meta = try await object.store.head(object.path) {
                size = meta.size
            } else {
                throw ObjectStoreError(code: .notFound, message: "no such object", path: object.path)
            }
            let fetched: Bool
            switch reading {
            case .wholeObject:
                fetched = try await ensure(ByteRanges([0..<size]), of: object, size: size, name: name)
            case .parquetColumns(let columns):
                fetched = try await ensureParquet(columns: columns, of: object, size: size, name: name)
            }
            state.withLock { state in
                if fetched { state.downloads += 1 } else { state.hits += 1 }
            }
        } catch {
            throw SwiftLakeError.objectStore(error, url: object.url)
        }
        evict(afterFetch: true)
        return path
    }

    /// Makes the file `name` hold `wanted` of `object`, fetching what it lacks; whether this
    /// call fetched anything. Fetches into one file run one at a time.
    func ensure(_ wanted: ByteRanges, of object: S3CachedObject, size: Int64, name: String) async throws -> Bool {
        var fetched = false
        while true {
            let task: Task<Void, any Error>? = state.withLock { state in
                let entry = state.entries[name] ?? Entry(lastUsed: state.clock)
                let missing = wanted.subtracting(entry.ranges)
                if missing.isEmpty, entry.onDisk { return nil }
                if let running = state.inFlight[name] { return running }
                let held = entry.ranges, version = entry.version
                let task = Task<Void, any Error> {
                    try await self.fetch(wanted, of: object, size: size, name: name, held: held, heldVersion: version)
                }
                state.inFlight[name] = task
                fetched = true
                return task
            }
            guard let task else { return fetched }
            try await task.value
        }
    }

    /// Removes every file no request of this process or another leases.
    public func removeAll() {
        withDirectoryLock(exclusive: true) {
            let leased = leasedHashes()
            let victims = state.withLock { state -> [String] in
                let names = state.entries.filter { $0.value.leases == 0 && state.inFlight[$0.key] == nil && !leased.contains(Self.hash(of: $0.key)) }.map(\.key)
                for name in names { state.total -= state.entries.removeValue(forKey: name)!.size }
                return names
            }
            for name in victims { remove(name) }
        }
    }

    private func unlease(_ names: [String]) {
        guard !names.isEmpty else { return }
        state.withLock { state in
            for name in names where state.entries[name] != nil {
                state.entries[name]!.leases = max(0, state.entries[name]!.leases - 1)
                // A lookup whose fetch failed before creating anything leaves nothing behind.
                if state.entries[name]!.leases == 0, !state.entries[name]!.onDisk, state.inFlight[name] == nil {
                    state.entries[name] = nil
                }
            }
        }
        evict()
    }

    /// Deletes least recently used files no request (of this process or another) leases,
    /// until the cache fits; after a fetch, first counts what other processes added, when
    /// the last count is ``rescanInterval`` old.
    private func evict(afterFetch: Bool = false) {
        let (over, rescan) = state.withLock { state in
            (state.total > maxBytes, afterFetch && ContinuousClock.now - state.lastRescan >= rescanInterval)
        }
        guard over || rescan else { return }
        withDirectoryLock(exclusive: true) {
            let leased = leasedHashes()
            if rescan { refreshIndex(keeping: leased) }
            let victims = state.withLock { state -> [String] in
                guard state.total > maxBytes else { return [] }
                var victims: [String] = []
                for (name, entry) in state.entries.filter({ $0.value.leases == 0 && state.inFlight[$0.key] == nil && !leased.contains(Self.hash(of: $0.key)) })
                    .sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                    guard state.total > maxBytes else { break }
                    state.entries[name] = nil
                    state.total -= entry.size
                    victims.append(name)
                }
                return victims
            }
            for name in victims { remove(name) }
        }
    }

    /// Deletes the cached file `name`, then its sidecar (in that order: a data file without
    /// its sidecar is never trusted), and the directories it leaves empty. Callers hold the
    /// directory lock exclusively.
    func remove(_ name: String) {
        unlink(directory + "/" + name)
        unlink(sidecarPath(name))
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
