import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An ``ObjectStore`` over a directory of the local file system.
///
/// - `put` writes a temporary file next to the target and `rename(2)`s it into place, so
///   readers never see a partial object.
/// - `putIfAbsent` writes a temporary file and `link(2)`s it to the target: the link
///   fails with `EEXIST` when the target exists, atomically, even across processes. On
///   file systems without hard links it falls back to `open(O_CREAT|O_EXCL)`.
/// - Directories are created as needed and never reported by `list`.
/// - Temporary files are named `.<name>.tmp-<uuid>` and skipped by `list`.
public struct LocalStore: ObjectStore {
    /// The absolute directory that paths are resolved against (no trailing `/`).
    public let root: String

    /// A store rooted at `root` (an absolute or relative directory path; `file://` URLs
    /// are accepted). The directory need not exist yet.
    public init(root: String) {
        var root = root
        if root.hasPrefix("file://") { root = String(root.dropFirst("file://".count)) }
        if !root.hasPrefix("/") {
            root = FileManager.default.currentDirectoryPath + "/" + root
        }
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    // MARK: - Paths

    func fullPath(_ path: String, allowEmpty: Bool = false) throws -> String {
        if path.isEmpty {
            if allowEmpty { return root }
            throw ObjectStoreError(code: .invalidPath, message: "empty object path", path: path)
        }
        if path.hasPrefix("/") {
            throw ObjectStoreError(code: .invalidPath,
                message: "object path '\(path)' is absolute; give it relative to the store root \(root)",
                path: path)
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if component == ".." || component == "." || (component.isEmpty && !(allowEmpty && path.hasSuffix("/"))) {
                throw ObjectStoreError(code: .invalidPath,
                    message: "object path '\(path)' has an empty, '.' or '..' component", path: path)
            }
        }
        return root == "/" ? "/" + path : root + "/" + path
    }

    static func errnoError(_ operation: String, _ path: String, _ objectPath: String, _ code: Int32 = errno) -> ObjectStoreError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOENT, ENOTDIR:
            return ObjectStoreError(code: .notFound, message: "no object at '\(objectPath)' (\(path))", path: objectPath)
        case EACCES, EPERM, EROFS:
            return ObjectStoreError(code: .permissionDenied,
                message: "\(operation) '\(path)' was refused: \(reason); check the permissions of the directory", path: objectPath)
        default:
            return ObjectStoreError(code: .io, message: "\(operation) '\(path)' failed: \(reason)", path: objectPath)
        }
    }

    // MARK: - Reading

    public func get(_ path: String) async throws -> [UInt8] {
        let full = try fullPath(path)
        let fd = open(full, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw Self.errnoError("opening", full, path) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw Self.errnoError("stat of", full, path) }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw ObjectStoreError(code: .notFound, message: "'\(path)' is a directory, not an object", path: path)
        }
        return try Self.readAll(fd: fd, from: 0, count: Int(st.st_size), full: full, path: path)
    }

    public func get(_ path: String, range: Range<Int64>) async throws -> [UInt8] {
        let full = try fullPath(path)
        let fd = open(full, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw Self.errnoError("opening", full, path) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw Self.errnoError("stat of", full, path) }
        let end = min(range.upperBound, Int64(st.st_size))
        guard range.lowerBound < end else { return [] }
        return try Self.readAll(fd: fd, from: range.lowerBound, count: Int(end - range.lowerBound), full: full, path: path)
    }

    private static func readAll(fd: Int32, from offset: Int64, count: Int, full: String, path: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw errnoError("reading", full, path)
            }
            if n == 0 { break }  // the file shrank while we read it
            done += n
        }
        if done < count { bytes.removeSubrange(done...) }
        return bytes
    }

    public func head(_ path: String) async throws -> ObjectMeta? {
        let full = try fullPath(path)
        var st = stat()
        if stat(full, &st) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw Self.errnoError("stat of", full, path)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { return nil }
        return ObjectMeta(path: path, size: Int64(st.st_size), lastModified: Self.modificationDate(st))
    }

    static func modificationDate(_ st: stat) -> Date {
        #if canImport(Darwin)
        let ts = st.st_mtimespec
        #else
        let ts = st.st_mtim
        #endif
        return Date(timeIntervalSince1970: Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
    }

    public func list(prefix: String, startAfter: String? = nil) async throws -> [ObjectMeta] {
        // Walk the deepest directory the prefix names completely, then filter by the prefix.
        let directory: String
        if let slash = prefix.lastIndex(of: "/") {
            directory = String(prefix[..<slash])
        } else {
            directory = ""
        }
        let start = try fullPath(directory.isEmpty ? "" : directory, allowEmpty: true)
        var results: [ObjectMeta] = []
        try walk(directory: start, relative: directory, prefix: prefix, startAfter: startAfter, into: &results)
        results.sort { Self.utf8Precedes($0.path, $1.path) }
        return results
    }

    /// Whether `a` sorts before `b` byte by byte (UTF-8): `memcmp` on contiguous strings (the
    /// listing's own strings are), the generic comparison otherwise.
    static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb -> Bool in
                let n = min(pa.count, pb.count)
                let c = n > 0 ? memcmp(pa.baseAddress!, pb.baseAddress!, n) : 0
                return c != 0 ? c < 0 : pa.count < pb.count
            }
        }
        if let fast = fast ?? nil { return fast }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private func walk(directory: String, relative: String, prefix: String, startAfter: String?,
                      into results: inout [ObjectMeta]) throws {
        guard let dir = opendir(directory) else {
            if errno == ENOENT || errno == ENOTDIR { return }
            throw Self.errnoError("listing", directory, relative)
        }
        defer { closedir(dir) }
        // Entries of this directory are `base + name`. The prefix and startAfter rules are
        // decided on the name's bytes, straight from the dirent, so an entry they rule out
        // costs neither a String nor a stat(2): a listing that starts after a checkpoint in a
        // 10,000-commit log touches only the entries after it.
        let base = relative.isEmpty ? "" : relative + "/"
        let filter = NameFilter(base: Array(base.utf8), prefix: Array(prefix.utf8), startAfter: startAfter.map { Array($0.utf8) })
        while let entry = readdir(dir) {
            let type = entry.pointee.d_type
            let wanted = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Bool in
                let name = UnsafeRawBufferPointer(rebasing: raw[..<strnlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)])
                if name.elementsEqual(".".utf8) || name.elementsEqual("..".utf8) { return false }
                // Directories (and entries of unknown type) are decided below, by their String.
                if type != UInt8(DT_REG) { return true }
                return filter.admitsFile(named: name)
            }
            if !wanted { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix(".") && name.contains(".tmp-") { continue }
            let rel = base + name
            let full = directory == "/" ? "/" + name : directory + "/" + name
            // The entry's type usually comes with it (d_type); otherwise stat(2) tells.
            let isDirectory: Bool
            if type == UInt8(DT_DIR) {
                isDirectory = true
            } else if type == UInt8(DT_REG) {
                isDirectory = false
            } else {
                var st = stat()
                if stat(full, &st) != 0 { continue }  // vanished meanwhile
                isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
            }
            if isDirectory {
                // Descend only where objects with the prefix can be.
                let dirPrefix = rel + "/"
                if dirPrefix.hasPrefix(prefix) || prefix.hasPrefix(dirPrefix) {
                    try walk(directory: full, relative: rel, prefix: prefix, startAfter: startAfter, into: &results)
                }
                continue
            }
            guard rel.hasPrefix(prefix) else { continue }
            if let startAfter, !startAfter.utf8.lexicographicallyPrecedes(rel.utf8) { continue }
            // Relative to the open directory: the kernel resolves one name, not the whole path.
            var st = stat()
            if fstatat(dirfd(dir), name, &st, 0) != 0 { continue }  // vanished meanwhile
            guard (st.st_mode & S_IFMT) == S_IFREG else { continue }
            results.append(ObjectMeta(path: rel, size: Int64(st.st_size), lastModified: Self.modificationDate(st)))
        }
    }

    // MARK: - Writing

    public func put(_ path: String, _ bytes: [UInt8]) async throws {
        let full = try fullPath(path)
        let temp = try writeTemporary(for: full, path: path, bytes: bytes)
        if rename(temp, full) != 0 {
            let error = Self.errnoError("renaming into", full, path)
            unlink(temp)
            throw error
        }
    }

    public func putIfAbsent(_ path: String, _ bytes: [UInt8]) async throws -> PutResult {
        let full = try fullPath(path)
        let temp = try writeTemporary(for: full, path: path, bytes: bytes)
        defer { unlink(temp) }
        if link(temp, full) == 0 { return .created }
        let code = errno
        if code == EEXIST { return .alreadyExists }
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == EXDEV || code == EMLINK else {
            throw Self.errnoError("linking", full, path, code)
        }
        // No hard links here: claim the name exclusively, then fill it.
        let fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            if errno == EEXIST { return .alreadyExists }
            throw Self.errnoError("creating", full, path)
        }
        defer { close(fd) }
        try Self.writeAll(fd: fd, bytes: bytes, full: full, path: path)
        return .created
    }

    public func delete(_ paths: [String]) async throws {
        for path in paths {
            let full = try fullPath(path)
            if unlink(full) != 0 && errno != ENOENT {
                throw Self.errnoError("deleting", full, path)
            }
        }
    }

    private func writeTemporary(for full: String, path: String, bytes: [UInt8]) throws -> String {
        let slash = full.lastIndex(of: "/")!
        let directory = String(full[..<slash])
        let name = full[full.index(after: slash)...]
        try Self.makeDirectories(directory, path: path)
        let temp = "\(directory)/.\(name).tmp-\(UUID().uuidString.lowercased())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw Self.errnoError("creating", temp, path) }
        do {
            try Self.writeAll(fd: fd, bytes: bytes, full: temp, path: path)
            if fsync(fd) != 0 { throw Self.errnoError("syncing", temp, path) }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        return temp
    }

    private static func writeAll(fd: Int32, bytes: [UInt8], full: String, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + done, bytes.count - done)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw errnoError("writing", full, path)
            }
            done += n
        }
    }

    private static func makeDirectories(_ directory: String, path: String) throws {
        var st = stat()
        if stat(directory, &st) == 0 { return }
        if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            try makeDirectories(String(directory[..<slash]), path: path)
        }
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw errnoError("creating directory", directory, path)
        }
    }
}
