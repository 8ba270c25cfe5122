import Foundation
import ObjectStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sharing one cache directory between processes (a server, CLI runs, test processes).
///
/// - **Leases** are written down: each ``S3FileCache/Lease`` appends the hash of every file it
///   holds to a lease file of its own, `.leases/<pid>-<uuid>.lease`, deleted when the lease
///   ends. Eviction in any process skips the files a live process's lease file names; lease
///   files of processes that no longer exist are deleted. (Processes must see each other's
///   pids: share a cache directory only within one pid namespace.)
/// - **The directory lock** (`flock` on `.lock`, through a descriptor of each call's own, so
///   that it also orders threads of one process): a lookup takes it shared while it records
///   its lease and looks at the file on disk; eviction and the index refresh take it
///   exclusively. So a file is either evicted before a lookup sees it (and fetched again) or
///   leased before any eviction could choose it.
/// - **The index refresh** (``refreshIndex(keeping:)``): every process counts the bytes it
///   knows of; eviction after a fetch re-reads the directory once ``S3FileCache/rescanInterval``
///   has passed, so files other processes fetched count against ``S3FileCache/maxBytes`` and
///   files they evicted are forgotten.
extension S3FileCache {
    /// Where leases are recorded (inside the cache directory; dot entries are never copies).
    var leaseDirectory: String { directory + "/.leases" }

    /// One lease's file of hashes, created with its first file.
    struct LeaseRecord: ~Copyable {
        var descriptor: Int32 = -1
        var path = ""

        /// Adds `hash` to the lease file in `directory`, creating the file first if needed.
        mutating func append(_ hash: String, in directory: String) throws {
            if descriptor < 0 {
                let path = directory + "/\(getpid())-\(UUID().uuidString.lowercased()).lease"
                let opened = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
                guard opened >= 0 else {
                    throw ObjectStoreError(code: .io, message: "cannot create the lease file \(path): \(String(cString: strerror(errno))); check the S3 cache directory's permissions", path: path)
                }
                (descriptor, self.path) = (opened, path)
            }
            let line = Array((hash + "\n").utf8)
            let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == line.count else {
                throw ObjectStoreError(code: .io, message: "cannot write the lease file \(path): \(String(cString: strerror(errno)))", path: path)
            }
        }

        /// Deletes the lease file (the lease is over).
        mutating func close() {
            guard descriptor >= 0 else { return }
            unlink(path)
            closeDescriptor(descriptor)
            descriptor = -1
        }
    }

    /// Runs `body` holding the directory lock, shared or exclusive. If the lock file cannot be
    /// opened (a read-only directory), `body` runs unlocked: fetching would fail there anyway.
    func withDirectoryLock<T>(exclusive: Bool, _ body: () throws -> T) rethrows -> T {
        let descriptor = open(directory + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return try body() }
        defer { closeDescriptor(descriptor) }
        while flock(descriptor, exclusive ? LOCK_EX : LOCK_SH) != 0, errno == EINTR {}
        return try body()
    }

    /// Records `name` in `lease`'s file, then looks at the copy on disk: its version (`nil`
    /// when there is none) and, when that is not `knownVersion`, the ranges its sidecar vouches for.
    func register(_ name: String, in lease: Lease, knownVersion: CopyVersion?) throws -> (version: CopyVersion?, sidecar: ByteRanges?) {
        try withDirectoryLock(exclusive: false) {
            try lease.record.withLock { try $0.append(Self.hash(of: name), in: leaseDirectory) }
            var status = stat()
            guard stat(directory + "/" + name, &status) == 0 else { return (nil, nil) }
            let version = CopyVersion(status)
            return (version, version == knownVersion ? nil : sidecarRanges(name))
        }
    }

    /// The hashes every live process's leases hold (this one's included); lease files of
    /// processes that are gone are deleted.
    func leasedHashes() -> Set<String> {
        var hashes = Set<String>()
        for file in (try? FileManager.default.contentsOfDirectory(atPath: leaseDirectory)) ?? [] where file.hasSuffix(".lease") {
            let path = leaseDirectory + "/" + file
            if let pid = Int32(file.prefix { $0 != "-" }), pid > 0, kill(pid, 0) != 0, errno == ESRCH {
                unlink(path)
                continue
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") { hashes.insert(String(line)) }
        }
        return hashes
    }

    /// Brings the index up to date with the directory: copies other processes fetched are
    /// counted (with their modification time as last use), copies they replaced are trusted
    /// only for their sidecars, copies they evicted are forgotten. Files being fetched here, or
    /// leased anywhere, are left as they are. Callers hold the directory lock exclusively.
    func refreshIndex(keeping leased: Set<String>) {
        let fetching = state.withLock { Set($0.inFlight.keys.map(Self.hash(of:))) }
        let found = indexExistingFiles(keeping: leased.union(fetching))
        let names = Set(found.map(\.name))
        state.withLock { state in
            state.lastRescan = .now
            for file in found where state.inFlight[file.name] == nil {
                var entry = state.entries[file.name]
                    ?? Entry(lastUsed: file.modified.timeIntervalSince1970)
                guard entry.version != file.version else { continue }
                state.total += file.ranges.byteCount - entry.size
                entry.ranges = file.ranges
                entry.size = file.ranges.byteCount
                entry.version = file.version
                entry.onDisk = true
                state.entries[file.name] = entry
            }
            for (name, entry) in state.entries
            where entry.onDisk && !names.contains(name) && entry.leases == 0 && state.inFlight[name] == nil {
                state.total -= entry.size
                state.entries[name] = nil
            }
        }
    }

    /// The hash part of a cached file's name (its top directory), which lease files record.
    static func hash(of name: String) -> String {
        name.split(separator: "/", maxSplits: 1).first.map(String.init) ?? name
    }
}

/// `close(2)`, by a name that methods called `close` do not hide.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

extension S3FileCache.State {
    /// A last-use time for now, later than every earlier one.
    mutating func stamp() -> Double {
        clock = max(Date().timeIntervalSince1970, clock + 1e-6)
        return clock
    }
}
