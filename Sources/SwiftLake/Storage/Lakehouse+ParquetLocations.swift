import Foundation
import ObjectStore

extension Lakehouse {
    /// Where the output `path` of a Parquet operation goes: a local path inside the roots,
    /// or an `s3://` key inside an S3 root (staged locally, uploaded on commit). 409 when
    /// something is there already and `overwrite` is not set.
    func outputDestination(_ path: String, overwrite: Bool) async throws -> OutputDestination {
        guard let location = try roots.s3Location(path) else {
            return try OutputDestination(localPath: try roots.output(path), overwrite: overwrite)
        }
        let key = String(location.prefix.dropLast())   // S3Location ends a prefix with "/"
        guard !key.isEmpty, !roots.s3Roots.contains(where: { $0.bucket == location.bucket && $0.prefix == location.prefix }) else {
            throw SwiftLakeError.invalid("invalid_output", "Output path '\(path)' is a root; name a file below it, e.g. '\(path.trimmingSuffix("/"))/out.parquet'.")
        }
        let store = try s3Store(S3Location(bucket: location.bucket, prefix: ""))
        return try await OutputDestination(store: store, key: key, url: "s3://\(location.bucket)/\(key)",
                                           stagingPath: duckdb.stagingPath(extension: "parquet"), overwrite: overwrite)
    }

    /// The one Parquet file a request names, as a local path DuckDB can read (an `s3://`
    /// object is fetched through the S3 cache and held by `lease`), and the name results
    /// report it by. Of an `s3://` object, only what `reading` needs is fetched (e.g.
    /// ``CachedRead/parquetFooter`` for metadata). A directory, prefix or glob is a 400
    /// naming `operation`.
    func singleParquetFile(_ path: String, operation: String, reading: CachedRead = .wholeObject,
                           lease: inout S3FileCache.Lease?) async throws -> (local: String, reported: String) {
        guard let location = try roots.s3Location(path) else {
            let file = try roots.existing(path)
            guard !FileManager.default.isDirectory(file) else {
                throw SwiftLakeError.invalid("not_a_file", "'\(path)' is a directory; \(operation) reads one Parquet file.")
            }
            return (file, file)
        }
        let object = try await singleS3ParquetObject(path, location: location, operation: operation)
        let cache = try requireS3Cache()
        let held = lease ?? cache.lease()
        lease = held
        return (try await cache.localFile(object, reading: reading, lease: held), "s3://\(location.bucket)/\(object.path)")
    }

    /// The one object an `s3://` `path` names; a prefix or glob is a 400 naming `operation`.
    func singleS3ParquetObject(_ path: String, location: S3Location, operation: String) async throws -> S3CachedObject {
        let key = String(location.prefix.dropLast())   // S3Location ends a prefix with "/"
        let objects = try await s3ParquetObjects(path, location: location)
        guard objects.count == 1, let object = objects.first, object.path == key else {
            throw SwiftLakeError.invalid("not_a_file", "'s3://\(location.bucket)/\(key)' is a prefix (or glob) of \(objects.count) objects; \(operation) reads one Parquet file.")
        }
        return object
    }
}
