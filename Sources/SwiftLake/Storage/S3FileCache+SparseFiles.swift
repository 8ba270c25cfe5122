import Foundation
import NIOCore
import ObjectStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cache's files on disk: sparse copies written range by range, and the sidecar that
/// says which ranges a copy holds.
///
/// The sidecar `<hash>.ranges` (beside the `<hash>/` directory of the copy) reads
/// `swiftlake-cache-ranges 2`, then `version <inode> <ctime s> <ctime ns>` (the data file's
/// ``CopyVersion`` after the writes), `size <object size>` and one `<start> <end>` line per
/// held range. It is replaced atomically after the bytes it names are written, and it is
/// only trusted while the data file has that version and size, so a copy that another
/// process deleted and re-created (even on a reused inode) is never mistaken for a full one.
extension S3FileCache {
    /// How old an untracked file must be before a starting cache deletes it: younger ones may
    /// belong to another process's fetch in progress.
    static let abandonedAfter: TimeInterval = 600

    /// Fetches what `wanted` of `object` its sparse copy `name` lacks (the copy is created at
    /// the object's full `size` if new), then records the ranges as held (in the sidecar, then
    /// in memory). `held` is what the copy of version `heldVersion` held before; only this
    /// fetch changes it in this process meanwhile (the caller's lease keeps other processes
    /// from evicting it). A copy of another version is trusted only for its sidecar.
    func fetch(_ wanted: ByteRanges, of object: S3CachedObject, size: Int64, name: String,
               held: ByteRanges, heldVersion: CopyVersion?) async throws {
        let path = directory + "/" + name
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw Self.ioError("cannot open \(path)", object) }
            defer { close(descriptor) }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { throw Self.ioError("cannot stat \(path)", object) }
            if Int64(status.st_size) != size, ftruncate(descriptor, off_t(size)) != 0 {
                throw Self.ioError("cannot size \(path) to \(size) bytes", object)
            }
            let held = heldVersion == CopyVersion(status) ? held : (sidecarRanges(name) ?? ByteRanges())
            let missing = wanted.subtracting(held)
            // Ranges less than 64 KiB apart are fetched as one (one request instead of two), up to
            // four at a time; each writes its own bytes of the file.
            let parts = missing.coalesced(gap: 64 << 10).ranges
            let fetched = try await withThrowingTaskGroup(of: Int64.self) { group in
                var next = parts.makeIterator()
                var total: Int64 = 0
                func start() {
                    guard let range = next.next() else { return }
                    group.addTask { try await Self.fetch(range, of: object, into: descriptor) }
                }
                for _ in 0..<4 { start() }
                while let count = try await group.next() {
                    total += count
                    start()
                }
                return total
            }
            var now = held
            for range in parts { now.insert(range) }
            // The version after our writes (writing changes the ctime) is what the ranges belong to.
            guard fstat(descriptor, &status) == 0 else { throw Self.ioError("cannot stat \(path)", object) }
            let version = CopyVersion(status)
            try writeSidecar(name, ranges: now, version: version, size: size)
            state.withLock { state in
                state.inFlight[name] = nil
                state.bytesFetched += fetched
                guard var entry = state.entries[name] else { return }
                state.total += now.byteCount - entry.size
                entry.ranges = now
                entry.size = now.byteCount
                entry.onDisk = true
                entry.version = version
                state.entries[name] = entry
            }
        } catch {
            state.withLock { $0.inFlight[name] = nil }
            throw error
        }
    }

    /// Streams the bytes `range` of `object` into the open file `descriptor` at the same offsets.
    private static func fetch(_ range: Range<Int64>, of object: S3CachedObject, into descriptor: Int32) async throws -> Int64 {
        try await object.store.withObjectStream(object.path, range: range) { stream in
            var offset = range.lowerBound
            for try await chunk in stream {
                try write(chunk, to: descriptor, at: offset, object: object)
                offset += Int64(chunk.readableBytes)
            }
            guard offset == range.upperBound else {
                throw ObjectStoreError(code: .io,
                    message: "bytes \(range.lowerBound)-\(range.upperBound - 1) of '\(object.path)' ended after \(offset - range.lowerBound) bytes; the connection broke or the object changed, try again",
                    path: object.path)
            }
            return range.upperBound - range.lowerBound
        }
    }

    /// The bytes `range` of the cached copy `name`; only ranges it holds.
    func readLocal(_ name: String, range: Range<Int64>) throws -> [UInt8] {
        let path = directory + "/" + name
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ObjectStoreError(code: .io, message: "cannot open cached \(path): \(String(cString: strerror(errno)))", path: path)
        }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: Int(range.count))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(range.lowerBound) + off_t(done))
            }
            guard count > 0 else {
                throw ObjectStoreError(code: .io, message: "cannot read cached \(path): \(String(cString: strerror(errno)))", path: path)
            }
            done += count
        }
        return bytes
    }

    /// The sidecar of the copy `name`: `<hash>.ranges` in the cache directory.
    func sidecarPath(_ name: String) -> String {
        directory + "/" + (name.split(separator: "/", maxSplits: 1).first.map(String.init) ?? name) + ".ranges"
    }

    private func writeSidecar(_ name: String, ranges: ByteRanges, version: CopyVersion, size: Int64) throws {
        var text = "swiftlake-cache-ranges 2\nversion \(version)\nsize \(size)\n"
        for range in ranges.ranges { text += "\(range.lowerBound) \(range.upperBound)\n" }
        let path = sidecarPath(name)
        let temporary = path + ".tmp-" + UUID().uuidString.lowercased()
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else {
            throw ObjectStoreError(code: .io, message: "cannot write \(temporary)", path: temporary)
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ObjectStoreError(code: .io, message: "cannot rename \(temporary): \(String(cString: strerror(errno)))", path: path)
        }
    }

    /// The ranges the sidecar of `name` records, if it describes the data file as it is now.
    func sidecarRanges(_ name: String) -> ByteRanges? {
        sidecarRecord(name)?.ranges
    }

    /// The ranges the sidecar of `name` records and the version they belong to, if it
    /// describes the data file as it is now.
    private func sidecarRecord(_ name: String) -> (ranges: ByteRanges, version: CopyVersion)? {
        guard let text = try? String(contentsOfFile: sidecarPath(name), encoding: .utf8) else { return nil }
        var lines = text.split(separator: "\n").makeIterator()
        guard lines.next() == "swiftlake-cache-ranges 2",
              let versionLine = lines.next(), versionLine.hasPrefix("version "),
              let version = CopyVersion(versionLine.dropFirst(8)),
              let sizeLine = lines.next(), sizeLine.hasPrefix("size "), let size = Int64(sizeLine.dropFirst(5)) else { return nil }
        var status = stat()
        guard stat(directory + "/" + name, &status) == 0, CopyVersion(status) == version, Int64(status.st_size) == size else { return nil }
        var ranges = ByteRanges()
        while let line = lines.next() {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let start = Int64(parts[0]), let end = Int64(parts[1]), 0 <= start, start <= end, end <= size else { return nil }
            ranges.insert(start..<end)
        }
        return (ranges, version)
    }

    /// The copies on disk (left by an earlier process, or by another one now), with the
    /// ranges their sidecars vouch for. Files no sidecar vouches for (a crash mid-fetch, an
    /// older cache format), stray sidecars and temporary files are deleted once they are
    /// ``abandonedAfter`` old, unless their hash is in `keeping` (leased); younger ones may be
    /// another process's work in progress and are left alone. The lease directory and the
    /// lock (dot files at the top) are not copies. Callers hold the directory lock exclusively.
    func indexExistingFiles(keeping: Set<String> = []) -> [(name: String, ranges: ByteRanges, version: CopyVersion, modified: Date)] {
        var found: [(name: String, ranges: ByteRanges, version: CopyVersion, modified: Date)] = []
        var dataDirectories = Set<String>()
        var sidecars: [(String, Date)] = []
        for name in (FileManager.default.subpaths(atPath: directory) ?? []) where !name.hasPrefix(".") {
            let full = directory + "/" + name
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: full),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let modified = attributes[.modificationDate] as? Date ?? .distantPast
            let abandoned = modified.timeIntervalSinceNow < -Self.abandonedAfter
            if name.contains(".download-") || name.contains(".ranges.tmp-") {
                if abandoned { unlink(full) }
                continue
            }
            if !name.contains("/"), name.hasSuffix(".ranges") {
                sidecars.append((name, modified))
                continue
            }
            dataDirectories.insert(String(name.split(separator: "/").first ?? ""))
            if let record = sidecarRecord(name) {
                found.append((name, record.ranges, record.version, modified))
            } else if abandoned, !keeping.contains(Self.hash(of: name)) {
                unlink(full)
            }
        }
        for (sidecar, modified) in sidecars where !dataDirectories.contains(String(sidecar.dropLast(7)))
            && modified.timeIntervalSinceNow < -Self.abandonedAfter {
            unlink(directory + "/" + sidecar)
        }
        return found
    }

    private static func write(_ chunk: ByteBuffer, to descriptor: Int32, at offset: Int64, object: S3CachedObject) throws {
        try chunk.withUnsafeReadableBytes { buffer in
            var done = 0
            while done < buffer.count {
                let count = pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                guard count > 0 else { throw ioError("cannot write the cached copy", object) }
                done += count
            }
        }
    }

    private static func ioError(_ message: String, _ object: S3CachedObject) -> ObjectStoreError {
        ObjectStoreError(code: .io, message: "\(message): \(String(cString: strerror(errno))); check the S3 cache directory's space and permissions",
                         path: object.path)
    }
}
