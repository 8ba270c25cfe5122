import Foundation
import ObjectStore

/// The Parquet files of an S3 prefix being converted to Delta in place: the listing, the
/// objects, and their footers in the S3 cache (the listing's `absolute` paths), held by
/// `lease` until the commit.
struct S3ConvertSource {
    var listing: ParquetDirectoryListing
    var objects: [S3CachedObject]
    var lease: S3FileCache.Lease
}

extension Lakehouse {
    /// Lists the table prefix of `store` for a convert and fetches each Parquet file's footer
    /// (ranged reads) into the cache. 409 when `_delta_log/` exists, 404 when nothing is
    /// under the prefix.
    func s3ConvertSource(_ store: S3Store, location: String, path: String, partitionNames: Set<String>) async throws -> S3ConvertSource {
        let listed: [ObjectMeta]
        do {
            listed = try await store.list(prefix: "")
        } catch {
            throw SwiftLakeError.objectStore(error, url: location)
        }
        if listed.contains(where: { $0.path.hasPrefix("_delta_log/") }) { throw Self.convertTargetIsTable(path) }
        guard !listed.isEmpty else {
            throw SwiftLakeError.notFound("directory_not_found", "Nothing is stored under '\(location)/'. Check the path.")
        }
        var listing = try ParquetDirectoryListing(objects: listed, partitionNames: partitionNames)
        let cache = try requireS3Cache()
        let lease = cache.lease()
        // Keyed as Delta reads key data files (no version: they are immutable once committed),
        // so the first reads after the convert reuse these footers.
        let objects = listing.files.map { file in S3CachedObject(store: store, path: file.relative, size: file.size) }
        let local = try await cache.localFiles(objects, reading: .parquetFooter, lease: lease)
        for index in listing.files.indices { listing.files[index].absolute = local[index] }
        return S3ConvertSource(listing: listing, objects: objects, lease: lease)
    }
}
