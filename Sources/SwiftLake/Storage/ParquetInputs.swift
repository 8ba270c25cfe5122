import Foundation
import ObjectStore

/// The Parquet files of one request, as the engine chosen for it reads them.
///
/// Every Parquet operation needs the same four things: local files for DuckDB, the engine
/// (``Lakehouse/selectEngine(_:bytesToScan:)`` by the files' size), what Spark reads when it
/// runs, and a lease on any S3 copies among them. ``Lakehouse/parquetInputs(_:engine:)``
/// works them out once, so the operations differ only in what they do with the files.
struct ParquetInputs: Sendable {
    /// Local files for DuckDB, in the request's order: the files themselves, copies of
    /// `s3://` objects, or (when Spark reads S3 itself) copies of only their footers, from
    /// which DuckDB types Spark's answer and checks the request.
    let files: [String]
    /// The engine the request runs on.
    let engine: SelectedEngine
    /// On Spark, what it reads, in the order of `files`: `s3a://` URIs when it reads S3
    /// itself, else local paths (S3 copies linked into their keys' layout, see
    /// ``Lakehouse/sparkLocalPaths(_:lease:)``). Empty on DuckDB.
    let sparkFiles: [String]
    /// Holds the S3 copies among `files` (and the links of `sparkFiles`) until released.
    let lease: S3FileCache.Lease?

    /// Lets the S3 cache evict the copies again.
    func release() { lease?.release() }
}

extension Lakehouse {
    /// The files of a request's Parquet `paths` (files, directories, globs; local or `s3://`)
    /// and the engine that reads them. Paths all in S3 are listed once: the listing's sizes
    /// choose the engine, and then either Spark reads the objects through `s3a://`
    /// (``sparkReadsDirectly(_:spark:)``) and only footers are fetched, or the objects are
    /// fetched whole into the cache. The caller releases the result.
    func parquetInputs(_ paths: [String], engine choice: EngineChoice?) async throws -> ParquetInputs {
        if let objects = try await s3ParquetObjects(ifAllInS3: paths) {
            return try await parquetInputs(objects: objects, engine: choice)
        }
        var lease: S3FileCache.Lease?
        do {
            let files = try await parquetFiles(paths, lease: &lease)
            return try parquetInputs(localFiles: files, engine: try selectEngine(choice, bytesToScan: Self.totalSize(files)), lease: lease)
        } catch {
            lease?.release()
            throw error
        }
    }

    /// The one Parquet file a request names (see ``singleParquetFile(_:operation:reading:lease:)``
    /// for what is refused) as ``parquetInputs(_:engine:)`` gives files, and the name results
    /// report it by.
    func singleParquetInput(_ path: String, operation: String, engine choice: EngineChoice?) async throws
        -> (input: ParquetInputs, reported: String) {
        guard let location = try roots.s3Location(path) else {
            var lease: S3FileCache.Lease?
            let (file, reported) = try await singleParquetFile(path, operation: operation, lease: &lease)
            return (try parquetInputs(localFiles: [file], engine: try selectEngine(choice, bytesToScan: Self.totalSize([file])), lease: lease), reported)
        }
        let object = try await singleS3ParquetObject(path, location: location, operation: operation)
        return (try await parquetInputs(objects: [object], engine: choice), "s3://\(location.bucket)/\(object.path)")
    }

    /// Inputs that are S3 objects: read by Spark through `s3a://` (footers fetched for DuckDB)
    /// when the engine is Spark and it reaches the objects, else fetched into the cache.
    private func parquetInputs(objects: [S3CachedObject], engine choice: EngineChoice?) async throws -> ParquetInputs {
        let engine = try selectEngine(choice, bytesToScan: objects.reduce(0) { $0 + ($1.size ?? 0) })
        let cache = try requireS3Cache()
        let lease = cache.lease()
        do {
            if case .spark(let spark) = engine, try await sparkReadsDirectly(objects, spark: spark) {
                let footers = try await cache.localFiles(objects, reading: .parquetFooter, lease: lease)
                return ParquetInputs(files: footers, engine: engine, sparkFiles: objects.map(Self.sparkS3URI), lease: lease)
            }
            let files = try await cache.localFiles(objects, reading: .wholeObject, lease: lease)
            return try parquetInputs(localFiles: files, engine: engine, lease: lease)
        } catch {
            lease.release()
            throw error
        }
    }

    /// Inputs that are local files (S3 copies among them held by `lease`).
    private func parquetInputs(localFiles files: [String], engine: SelectedEngine, lease: S3FileCache.Lease?) throws -> ParquetInputs {
        guard case .spark = engine else { return ParquetInputs(files: files, engine: engine, sparkFiles: [], lease: lease) }
        return ParquetInputs(files: files, engine: engine, sparkFiles: try sparkLocalPaths(files, lease: lease), lease: lease)
    }

    /// The objects of `paths` when every one is an `s3://` path (each listed once, in order,
    /// without repeats); nil when any is local.
    private func s3ParquetObjects(ifAllInS3 paths: [String]) async throws -> [S3CachedObject]? {
        guard !roots.s3Roots.isEmpty, !paths.isEmpty else { return nil }
        var locations: [(path: String, location: S3Location)] = []
        for path in paths {
            guard let location = try roots.s3Location(path) else { return nil }
            locations.append((path, location))
        }
        var objects: [S3CachedObject] = []
        var seen = Set<String>()
        for (path, location) in locations {
            for object in try await s3ParquetObjects(path, location: location) where seen.insert(object.url).inserted {
                objects.append(object)
            }
        }
        return objects
    }
}
