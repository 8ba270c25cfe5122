import Foundation
import ObjectStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The directories a SwiftLake instance may touch, and the one place where request paths
/// are checked against them.
///
/// Every path is canonicalised (made absolute, `..` removed, symlinks followed) *before*
/// the containment check, so neither `..` nor a symlink can lead out of a root. Engines only
/// ever see paths that passed through here.
public struct DataRoots: Sendable {
    /// The canonical root directories, in configuration order.
    public let directories: [String]
    /// The `s3://bucket/prefix` roots, in configuration order.
    public let s3Roots: [S3Location]
    /// Whether the first root (the one relative request paths resolve against) is in S3.
    public let firstRootIsS3: Bool
    /// The local directory caching S3 objects (canonical); set when there are S3 roots.
    public let s3CacheDirectory: String?

    /// Every root as a user names it: local directories (resolved), then `s3://bucket/prefix` roots.
    public var described: [String] { directories + s3Roots.map { "s3://\($0.bucket)/\($0.prefix)" } }

    /// Canonicalises `roots`; each must be an existing directory or an `s3://bucket/prefix`
    /// URL. With S3 roots, `s3CacheDirectory` (default: `swiftlake-s3-cache-<uid>` in the
    /// temporary directory) is created for ``S3FileCache``.
    public init(_ roots: [String], s3CacheDirectory: String? = nil) throws {
        guard !roots.isEmpty else {
            throw SwiftLakeError.invalid("no_roots", "At least one data root is required (e.g. --root ./data).")
        }
        s3Roots = try roots.filter(S3Location.isS3URL).map { root in
            do { return try S3Location(url: root) } catch {
                throw SwiftLakeError.objectStore(error, url: root)
            }
        }
        firstRootIsS3 = S3Location.isS3URL(roots[0])
        if s3Roots.isEmpty {
            self.s3CacheDirectory = nil
        } else {
            let cache = s3CacheDirectory ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("swiftlake-s3-cache-\(getuid())")
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            self.s3CacheDirectory = DataRoots.realPath(cache) ?? cache
        }
        directories = try roots.filter { !S3Location.isS3URL($0) }.map { root in
            let absolute = DataRoots.absolute(root, relativeTo: FileManager.default.currentDirectoryPath)
            guard let real = DataRoots.realPath(absolute) else {
                throw SwiftLakeError.notFound("root_not_found", "Data root '\(root)' does not exist. Create it or pass another --root.")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw SwiftLakeError.invalid("root_not_directory", "Data root '\(root)' is not a directory.")
            }
            return real
        }
    }

    /// Resolves a path that must exist (a file or a directory) and lies inside a root.
    public func existing(_ path: String) throws -> String {
        let absolute = try absolutePath(path)
        guard let real = DataRoots.realPath(absolute) else {
            try checkInside(DataRoots.lexicallyNormalized(absolute), requested: path)
            throw SwiftLakeError.notFound("file_not_found", "No such file or directory: '\(path)'.")
        }
        try checkInside(real, requested: path)
        return real
    }

    /// Resolves a path to be written: its parent directory must exist inside a root (or be
    /// creatable inside one when `createParents` is set); the file itself may or may not exist.
    public func output(_ path: String, createParents: Bool = true) throws -> String {
        let absolute = DataRoots.lexicallyNormalized(try absolutePath(path))
        let name = (absolute as NSString).lastPathComponent
        guard !name.isEmpty, name != "/", name != ".", name != ".." else {
            throw SwiftLakeError.invalid("invalid_output", "Output path '\(path)' does not name a file.")
        }
        // Walk up to the deepest existing ancestor, canonicalise it, and check it.
        var ancestor = (absolute as NSString).deletingLastPathComponent
        var missing: [String] = []
        while DataRoots.realPath(ancestor) == nil {
            missing.insert((ancestor as NSString).lastPathComponent, at: 0)
            let parent = (ancestor as NSString).deletingLastPathComponent
            if parent == ancestor { break }
            ancestor = parent
        }
        guard let realAncestor = DataRoots.realPath(ancestor) else {
            throw SwiftLakeError.notFound("directory_not_found", "No directory to write '\(path)' into.")
        }
        let parent = ([realAncestor] + missing).joined(separator: "/")
        let resolved = parent + "/" + name
        try checkInside(resolved, requested: path)
        // If the target exists and is a symlink, its destination must also be inside.
        if let real = DataRoots.realPath(resolved) { try checkInside(real, requested: path) }
        if !missing.isEmpty {
            guard createParents else {
                throw SwiftLakeError.notFound("directory_not_found", "Directory '\(parent)' does not exist.")
            }
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        return resolved
    }

    /// Expands a request's inputs into the Parquet files they name: plain files, directories
    /// (every `*.parquet` below, Hive partitions included, skipping hidden `.`/`_` entries) and
    /// glob patterns (`*`, `?`, `[…]`, and `**` for any depth). Each file is checked.
    public func parquetFiles(_ paths: [String]) throws -> [String] {
        guard !paths.isEmpty else {
            throw SwiftLakeError.invalid("missing_paths", "Give at least one Parquet file, directory or glob in 'paths'.")
        }
        var files: [String] = []
        for path in paths {
            if DataRoots.isGlob(path) {
                let matches = try expandGlob(path)
                guard !matches.isEmpty else {
                    throw SwiftLakeError.notFound("no_files_match", "No files match '\(path)'.")
                }
                files += matches
            } else {
                let real = try existing(path)
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory)
                if isDirectory.boolValue {
                    let found = try parquetFilesBelow(real)
                    guard !found.isEmpty else {
                        throw SwiftLakeError.notFound("no_parquet_files", "Directory '\(path)' holds no .parquet files.")
                    }
                    files += found
                } else {
                    files.append(real)
                }
            }
        }
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }

    /// The S3 location a request path names (an `s3://` URL, or a relative path when the
    /// first root is in S3), checked to lie inside an S3 root; `nil` for a local path.
    public func s3Location(_ path: String) throws -> S3Location? {
        var url = path
        if !S3Location.isS3URL(path) {
            guard firstRootIsS3, !path.hasPrefix("/"), !path.hasPrefix("~"), !path.contains("://") else { return nil }
            let root = s3Roots[0]
            url = "s3://\(root.bucket)/\(root.prefix)\(path)"
        }
        let location: S3Location
        do { location = try S3Location(url: url) } catch { throw SwiftLakeError.objectStore(error, url: path) }
        if location.prefix.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == "." || $0 == ".." }) {
            throw SwiftLakeError.invalid("invalid_s3_path", "'\(path)': S3 keys are literal; write the path without '.' or '..'.")
        }
        guard s3Roots.contains(where: { $0.bucket == location.bucket && location.prefix.hasPrefix($0.prefix) }) else {
            let all = described
            throw SwiftLakeError(.forbidden, code: "path_outside_roots",
                                 "'\(path)' is outside the data roots (\(all.joined(separator: ", "))). Use a path inside a root, or start the server with another --root.")
        }
        return location
    }

    /// Whether `path` (canonical) lies inside one of the roots.
    public func contains(_ path: String) -> Bool {
        directories.contains { root in path == root || path.hasPrefix(root == "/" ? "/" : root + "/") }
    }

    // MARK: - Internals

    private func absolutePath(_ path: String) throws -> String {
        guard !path.isEmpty else {
            throw SwiftLakeError.invalid("empty_path", "A path is empty.")
        }
        guard !path.contains("\0") else {
            throw SwiftLakeError.invalid("invalid_path", "A path contains a NUL byte.")
        }
        if S3Location.isS3URL(path) || (firstRootIsS3 && !path.hasPrefix("/") && !path.hasPrefix("~") && !path.contains("://")) {
            if s3Roots.isEmpty {
                throw SwiftLakeError(.unprocessable, code: "unsupported_scheme",
                                     "'\(path)': this server has no s3:// root; start it with --root s3://bucket/prefix to read S3.")
            }
            throw SwiftLakeError(.unprocessable, code: "unsupported_s3_operation",
                                 "'\(path)': this operation does not support S3 paths yet.")
        }
        if path.contains("://") {
            throw SwiftLakeError(.unprocessable, code: "unsupported_scheme",
                                 "'\(path)': only local paths are supported by this server.")
        }
        guard let base = directories.first else {
            throw SwiftLakeError(.unprocessable, code: "unsupported_s3_operation",
                                 "'\(path)': this server has only s3:// roots; give an s3:// path.")
        }
        return DataRoots.absolute(path, relativeTo: base)
    }

    private func checkInside(_ canonical: String, requested: String) throws {
        guard contains(canonical) else {
            throw SwiftLakeError(.forbidden, code: "path_outside_roots",
                                 "'\(requested)' is outside the data roots (\(directories.joined(separator: ", "))). Use a path inside a root, or start the server with another --root.")
        }
    }

    private func parquetFilesBelow(_ directory: String) throws -> [String] {
        var result: [String] = []
        try walk(directory) { file in
            if file.hasSuffix(".parquet") { result.append(file) }
        }
        return result.sorted()
    }

    /// Visits every regular file below `directory`, skipping hidden (`.x`) and metadata (`_x`)
    /// entries; symlinked files and directories are followed only when they stay inside a root.
    private func walk(_ directory: String, _ visit: (String) throws -> Void) throws {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in entries.sorted() where !name.hasPrefix(".") && !name.hasPrefix("_") {
            let full = directory + "/" + name
            guard let real = DataRoots.realPath(full), contains(real) else { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue { try walk(full, visit) } else { try visit(real) }
        }
    }

    private func expandGlob(_ pattern: String) throws -> [String] {
        let absolute = DataRoots.lexicallyNormalized(try absolutePath(pattern))
        let components = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let firstGlob = components.firstIndex(where: DataRoots.isGlob) ?? components.count
        let base = "/" + components[..<firstGlob].joined(separator: "/")
        let realBase = try existing(base)
        let patternParts = Array(components[firstGlob...])
        var matches: [String] = []
        try match(directory: realBase, parts: patternParts[...], into: &matches)
        return matches.sorted()
    }

    private func match(directory: String, parts: ArraySlice<String>, into matches: inout [String]) throws {
        guard let part = parts.first else { return }
        let rest = parts.dropFirst()
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        if part == "**" {
            // Zero directories…
            try match(directory: directory, parts: rest, into: &matches)
            // …or one more, recursively.
            for name in entries where !name.hasPrefix(".") {
                let full = directory + "/" + name
                guard let real = DataRoots.realPath(full), contains(real) else { continue }
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue {
                    try match(directory: full, parts: parts, into: &matches)
                }
            }
            return
        }
        for name in entries where fnmatch(part, name, 0) == 0 {
            let full = directory + "/" + name
            guard let real = DataRoots.realPath(full) else { continue }
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory)
            if rest.isEmpty {
                if !isDirectory.boolValue {
                    try checkInside(real, requested: full)
                    matches.append(real)
                }
            } else if isDirectory.boolValue, contains(real) {
                try match(directory: full, parts: rest, into: &matches)
            }
        }
    }

    static func isGlob(_ path: String) -> Bool {
        path.contains("*") || path.contains("?") || path.contains("[")
    }

    static func absolute(_ path: String, relativeTo base: String) -> String {
        var expanded = path
        if expanded.hasPrefix("~/") || expanded == "~" {
            expanded = NSHomeDirectory() + expanded.dropFirst()
        }
        if expanded.hasPrefix("file://") { expanded = String(expanded.dropFirst(7)) }
        return expanded.hasPrefix("/") ? expanded : base + "/" + expanded
    }

    /// Removes `.` and `..` components without touching the file system.
    static func lexicallyNormalized(_ path: String) -> String {
        var parts: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(component)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
