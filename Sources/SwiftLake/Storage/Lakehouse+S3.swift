import DeltaLake
import Foundation
import ObjectStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// DeltaLake's ``DeltaLake/CheckpointReader`` for a table in S3: checkpoint and sidecar
/// Parquet files are fetched through the ``S3FileCache`` and read locally by `inner`.
struct CachedCheckpointReader: CheckpointReader {
    let inner: any CheckpointReader
    let cache: S3FileCache
    let store: S3Store
    /// The table's `s3://bucket/prefix` (no trailing `/`), as the snapshot builder names files.
    let location: String

    func readActions(from files: [String]) async throws -> [DeltaLake.Action] {
        let lease = cache.lease()
        defer { lease.release() }
        return try await inner.readActions(from: try await localFiles(files, lease: lease))
    }

    func readCheckpoint(from files: [String]) async throws -> CheckpointActions {
        let lease = cache.lease()
        defer { lease.release() }
        return try await inner.readCheckpoint(from: try await localFiles(files, lease: lease))
    }

    /// The local copies of the checkpoint `files`, fetched through the cache.
    private func localFiles(_ files: [String], lease: S3FileCache.Lease) async throws -> [String] {
        var objects: [S3CachedObject] = []
        for file in files {
            guard file.hasPrefix(location + "/") else {
                throw DeltaError(.corruptLog, "checkpoint file \(file) is not below the table at \(location)")
            }
            let path = String(file.dropFirst(location.count + 1))
            // Checkpoints are named by version, but a table re-created in place may reuse a
            // name: the object's size and modification time tell the versions apart.
            let meta = try await store.head(path)
            objects.append(S3CachedObject(store: store, path: path, size: meta?.size,
                                          version: meta.map { String($0.lastModifiedMillis) }))
        }
        return try await cache.localFiles(objects, lease: lease)
    }
}

extension Lakehouse {
    /// The cache reads of S3 go through; an error when the server has no S3 root.
    func requireS3Cache() throws -> S3FileCache {
        guard let s3Cache else {
            throw SwiftLakeError(.unprocessable, code: "unsupported_scheme",
                                 "This server has no s3:// root; start it with --root s3://bucket/prefix to read S3.")
        }
        return s3Cache
    }

    /// A store for `location`, configured from ``LakehouseConfiguration/s3Environment`` (or
    /// the process environment) and the AWS shared files, as the AWS CLI would.
    func s3Store(_ location: S3Location) throws -> S3Store {
        do {
            let environment = configuration.s3Environment ?? ProcessInfo.processInfo.environment
            return S3Store(configuration: try S3Configuration(location: location, environment: environment))
        } catch {
            throw SwiftLakeError.objectStore(error, url: location.description)
        }
    }

    /// The object a Delta `add` path names in a table stored in `store` at `location`:
    /// relative paths are percent-decoded below the table; absolute `s3://` URIs must lie in
    /// an S3 root.
    func s3DeltaObject(_ addPath: String, size: Int64, store: S3Store) throws -> S3CachedObject {
        guard addPath.contains("://") else {
            return S3CachedObject(store: store, path: addPath.removingPercentEncoding ?? addPath, size: size)
        }
        let decoded = addPath.removingPercentEncoding ?? addPath
        let (bucket, key) = try Self.splitS3URL(decoded)
        _ = try roots.s3Location(decoded)
        return S3CachedObject(store: try s3Store(S3Location(bucket: bucket, prefix: "")), path: key, size: size)
    }

    /// The local files of a request's Parquet `paths`: local paths as ``DataRoots/parquetFiles(_:)``
    /// gives them, `s3://` files, directories and globs listed and fetched through the cache
    /// (held by `lease`; of each object what `reading` needs, e.g. the columns a query names,
    /// ``cachedRead(forStatement:physicalNames:)``). Order and de-duplication as for local paths.
    func parquetFiles(_ paths: [String], reading: CachedRead = .wholeObject, lease: inout S3FileCache.Lease?) async throws -> [String] {
        guard !roots.s3Roots.isEmpty, try paths.contains(where: { try roots.s3Location($0) != nil }) else {
            return try roots.parquetFiles(paths)
        }
        let cache = try requireS3Cache()
        let held = lease ?? cache.lease()
        lease = held
        var files: [String] = []
        for path in paths {
            if let location = try roots.s3Location(path) {
                let objects = try await s3ParquetObjects(path, location: location)
                files += try await cache.localFiles(objects, reading: reading, lease: held)
            } else {
                files += try roots.parquetFiles([path])
            }
        }
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }

    /// The Parquet objects an `s3://` file, directory or glob names.
    func s3ParquetObjects(_ path: String, location: S3Location) async throws -> [S3CachedObject] {
        let bucketStore = try s3Store(S3Location(bucket: location.bucket, prefix: ""))
        let key = String(location.prefix.dropLast())   // S3Location ends a prefix with "/"
        func object(_ meta: ObjectMeta) -> S3CachedObject {
            S3CachedObject(store: bucketStore, path: meta.path, size: meta.size, version: String(meta.lastModifiedMillis))
        }
        func inRoots(_ key: String) -> Bool {
            roots.s3Roots.contains { $0.bucket == location.bucket && key.hasPrefix($0.prefix) }
        }
        do {
            if DataRoots.isGlob(key) {
                let parts = key.split(separator: "/").map(String.init)
                let firstGlob = parts.firstIndex(where: DataRoots.isGlob) ?? parts.count
                let base = parts[..<firstGlob].joined(separator: "/")
                let pattern = Array(parts[firstGlob...])
                let listed = try await bucketStore.list(prefix: base.isEmpty ? "" : base + "/")
                let matches = listed.filter { meta in
                    let rest = meta.path.dropFirst(base.isEmpty ? 0 : base.count + 1).split(separator: "/").map(String.init)
                    return inRoots(meta.path) && Self.globMatch(pattern[...], rest[...])
                }
                guard !matches.isEmpty else {
                    throw SwiftLakeError.notFound("no_files_match", "No files match '\(path)'.")
                }
                return matches.map(object)
            }
            let below = try await bucketStore.list(prefix: key + "/").filter { meta in
                meta.path.hasSuffix(".parquet") && !meta.path.dropFirst(key.count + 1).split(separator: "/")
                    .contains { $0.hasPrefix(".") || $0.hasPrefix("_") }
            }
            if !below.isEmpty { return below.map(object) }
            if let meta = try await bucketStore.head(key) { return [object(meta)] }
            throw SwiftLakeError.notFound("file_not_found", "No such object or prefix: '\(path)'.")
        } catch let error as SwiftLakeError {
            throw error
        } catch {
            throw SwiftLakeError.objectStore(error, url: path)
        }
    }

    /// Whether the key components `name` match the glob components `pattern` (`**` for any
    /// number of components, not entering hidden ones).
    static func globMatch(_ pattern: ArraySlice<String>, _ name: ArraySlice<String>) -> Bool {
        guard let part = pattern.first else { return name.isEmpty }
        if part == "**" {
            if globMatch(pattern.dropFirst(), name) { return true }
            guard let first = name.first, !first.hasPrefix("."), name.count > 1 else { return false }
            return globMatch(pattern, name.dropFirst())
        }
        guard let first = name.first, fnmatch(part, first, 0) == 0 else { return false }
        return globMatch(pattern.dropFirst(), name.dropFirst())
    }

    /// `s3://bucket/key` → (bucket, key).
    static func splitS3URL(_ url: String) throws -> (String, String) {
        let rest = url.hasPrefix("s3a://") ? url.dropFirst(6) : url.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/"), !rest[rest.index(after: slash)...].isEmpty else {
            throw SwiftLakeError.invalid("invalid_s3_path", "'\(url)' does not name an S3 object (s3://bucket/key).")
        }
        return (String(rest[..<slash]), String(rest[rest.index(after: slash)...]))
    }
}
