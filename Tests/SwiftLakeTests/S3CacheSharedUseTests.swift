import Foundation
import ObjectStore
import Testing
@testable import SwiftLake

/// Several processes sharing one S3 cache directory (a server and CLI runs), against
/// moto_server (`make test` sets `SWIFTLAKE_S3_ENDPOINT`). Each ``S3FileCache`` instance
/// keeps its own index, leases and counts, exactly as a separate process does, and they meet
/// only through the directory (lease files, the directory lock, sidecars), so two instances
/// on one directory are two processes as far as the cache is concerned.
@Suite(.serialized) struct S3CacheSharedUseTests {
    struct Fixture {
        let store: S3Store
        let directory: TemporaryDirectory
        var cacheDirectory: String { directory.file("cache") }
    }

    static let objectSize = 100_000

    static func fixture(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Fixture? {
        guard let endpoint = S3ReadTests.requireEndpoint(what: "S3 shared cache test", sourceLocation: sourceLocation) else { return nil }
        let bucket = "swiftlake-sc-\(UUID().uuidString.lowercased().prefix(16))"
        let store = S3Store(configuration: try S3Configuration(location: S3Location(bucket: bucket, prefix: "lake"),
                                                               environment: S3ReadTests.environment(endpoint)))
        try await store.createBucket()
        return Fixture(store: store, directory: try TemporaryDirectory())
    }

    /// Uploads `name` with `objectSize` bytes that differ per object and per offset.
    static func upload(_ name: String, _ store: S3Store) async throws -> (object: S3CachedObject, bytes: [UInt8]) {
        let seed = UInt8(truncatingIfNeeded: name.utf8.reduce(0) { $0 &+ Int($1) })
        let bytes = (0..<objectSize).map { UInt8(truncatingIfNeeded: $0 &* 31) &+ seed }
        try await store.put(name, bytes)
        return (S3CachedObject(store: store, path: name, size: Int64(bytes.count)), bytes)
    }

    static func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map(Array.init)
    }

    @Test func aFileAnotherProcessLeasesIsNotEvictedUntilItsLeaseEnds() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let (x, xBytes) = try await Self.upload("x.bin", fixture.store)
        let (y, _) = try await Self.upload("y.bin", fixture.store)

        // "Process" B reads x and holds it (a query still opening it).
        let b = try S3FileCache(directory: fixture.cacheDirectory)
        let bLease = b.lease()
        let xPath = try await b.localFile(x, lease: bLease)

        // "Process" A starts later, with room for one file; fetching y puts it over.
        let a = try S3FileCache(directory: fixture.cacheDirectory, maxBytes: Int64(Self.objectSize) * 3 / 2)
        #expect(a.totalBytes == Int64(Self.objectSize), "A counts the copy B fetched")
        let aLease = a.lease()
        let yPath = try await a.localFile(y, lease: aLease)
        aLease.release()
        // x is the least recently used file, but B's lease keeps it; y went instead.
        #expect(Self.contents(xPath) == xBytes, "B's leased copy is whole")
        #expect(!FileManager.default.fileExists(atPath: yPath))

        // Once B's lease ends, A's next eviction may take x.
        bLease.release()
        let again = a.lease()
        _ = try await a.localFile(y, lease: again)
        again.release()
        #expect(!FileManager.default.fileExists(atPath: xPath), "x is evicted once nobody leases it")
        #expect(a.fileCount == 1)
    }

    @Test func aCopyAnotherProcessEvictedAndRefetchedInPartIsCompletedNotTrusted() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [fixture.directory.path]))
        let file = fixture.directory.file("t.parquet")
        try await lake.duckdb.withConnection { connection in
            try connection.execute("COPY (SELECT i AS a, i * 3 AS b, 'row ' || i AS c FROM range(100000) r(i)) TO '\(file)' (FORMAT parquet, ROW_GROUP_SIZE 20000)")
        }
        try await fixture.store.uploadFile(file, to: "t.parquet")
        let original = try #require(Self.contents(file))
        let object = S3CachedObject(store: fixture.store, path: "t.parquet", size: Int64(original.count))

        // B fetched the whole file once.
        let b = try S3FileCache(directory: fixture.cacheDirectory)
        let copy = try await b.localFile(object, lease: b.lease())
        #expect(Self.contents(copy) == original)
        let fetchedByB = b.bytesFetched

        // A evicts it; C fetches only the footer into a new file of the same name.
        let a = try S3FileCache(directory: fixture.cacheDirectory)
        a.removeAll()
        #expect(!FileManager.default.fileExists(atPath: copy))
        let c = try S3FileCache(directory: fixture.cacheDirectory)
        _ = try await c.localFile(object, reading: .parquetFooter, lease: c.lease())
        #expect(c.bytesFetched < Int64(original.count) / 4, "C holds the footer only")

        // B's index still says it holds every byte of that name; it must not trust that.
        let whole = try await b.localFile(object, lease: b.lease())
        #expect(Self.contents(whole) == original, "B completes C's sparse copy instead of handing out its holes")
        #expect(b.bytesFetched > fetchedByB && b.bytesFetched < fetchedByB + Int64(original.count),
                "B fetched what C's copy lacked, trusting C's sidecar for the footer")
        #expect(try await lake.duckdb.withConnection { try $0.query("SELECT sum(b), count(DISTINCT c) FROM read_parquet('\(whole)')").rows() }
                    .first?.map(\.description) == ["14999850000", "100000"])
    }

    @Test func evictionCountsWhatOtherProcessesFetched() async throws {
        guard let fixture = try await Self.fixture() else { return }
        var objects: [S3CachedObject] = []
        for name in ["p.bin", "q.bin", "r.bin", "w.bin"] { objects.append(try await Self.upload(name, fixture.store).object) }

        // A (room for two and a half files) starts first, so it indexes nothing.
        let a = try S3FileCache(directory: fixture.cacheDirectory, maxBytes: Int64(Self.objectSize) * 5 / 2, rescanInterval: .zero)
        // B fetches three files A does not know of.
        let b = try S3FileCache(directory: fixture.cacheDirectory)
        var bPaths: [String] = []
        for object in objects.prefix(3) {
            bPaths.append(try await b.localFile(object, lease: b.lease()))
            try await Task.sleep(for: .milliseconds(20))   // distinct modification times: p oldest
        }
        // A's fetch of the fourth re-reads the directory: four files are over its bound.
        let wPath = try await a.localFile(objects[3], lease: a.lease())
        #expect(a.totalBytes <= a.maxBytes)
        #expect(!FileManager.default.fileExists(atPath: bPaths[0]) && !FileManager.default.fileExists(atPath: bPaths[1]),
                "the two oldest files (B's) were evicted")
        #expect(FileManager.default.fileExists(atPath: bPaths[2]) && FileManager.default.fileExists(atPath: wPath))
    }

    @Test func leasesOfProcessesThatAreGoneDoNotPinFiles() async throws {
        guard let fixture = try await Self.fixture() else { return }
        let (x, _) = try await Self.upload("x.bin", fixture.store)
        let (y, _) = try await Self.upload("y.bin", fixture.store)
        let b = try S3FileCache(directory: fixture.cacheDirectory)
        let xPath = try await b.localFile(x, lease: b.lease())

        // A lease file left by a process that died without releasing it.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let stale = fixture.cacheDirectory + "/.leases/\(finished.processIdentifier)-crashed.lease"
        try Data((S3FileCache.hash(of: S3FileCache.fileName(x)) + "\n").utf8).write(to: URL(fileURLWithPath: stale))

        let a = try S3FileCache(directory: fixture.cacheDirectory, maxBytes: Int64(Self.objectSize))
        #expect(!FileManager.default.fileExists(atPath: stale), "a starting cache deletes dead processes' lease files")
        _ = try await a.localFile(y, lease: a.lease())
        #expect(!FileManager.default.fileExists(atPath: xPath), "x was evicted: its only lease was a dead process's")
    }
}
