import DuckDB
import Foundation
import Testing
@testable import SwiftLake

/// The Parquet footer cache must never serve a footer that no longer describes the file.
///
/// The scenario: a file of 1,000 `INTEGER`s, 0…999 (v1), rewritten in place with 1000…1999
/// (v2). Both encode to the same number of bytes, so the file keeps its inode and size; only
/// the values (and the footer's min/max statistics) change. A stale footer says max = 999, so
/// DuckDB skips the row group for `x >= 1500` and counts 0 instead of 500.
@Suite("Engine: Parquet footer cache never serves a stale footer")
struct FooterCacheTests {
    static let countAbove1500 = "SELECT count(*) FROM t WHERE x >= 1500"

    /// Writes v1 to `path` and v2 to a side file, and checks they have the same size.
    func writeVersions(in directory: TemporaryDirectory) throws -> (file: String, v2: String) {
        let file = directory.file("data.parquet"), v2 = directory.file("v2.bytes")
        let connection = try Database().connect()
        try connection.execute("COPY (SELECT range::INTEGER AS x FROM range(1000)) TO '\(file)' (FORMAT parquet, COMPRESSION uncompressed)")
        try connection.execute("COPY (SELECT (range + 1000)::INTEGER AS x FROM range(1000)) TO '\(v2)' (FORMAT parquet, COMPRESSION uncompressed)")
        let sizes = try [file, v2].map { try FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }
        try #require(sizes[0] == sizes[1], "the scenario needs v1 and v2 of equal size")
        return (file, v2)
    }

    /// Overwrites `file` with the bytes of `source` without truncating it (same inode).
    func rewriteInPlace(_ file: String, with source: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
        let handle = try #require(FileHandle(forWritingAtPath: file))
        try handle.write(contentsOf: bytes)
        try handle.close()
    }

    /// Sets the file's modification time, as `touch -d` or `cp -p` would.
    func setModificationTime(_ file: String, secondsAgo: Int) throws {
        let past = Date(timeIntervalSinceNow: -Double(secondsAgo)).timeIntervalSince1970.rounded(.down)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: past)], ofItemAtPath: file)
    }

    func count(_ lake: Lakehouse, _ file: String) async throws -> Int {
        try await rows(lake, [file], Self.countAbove1500)[0][0].intValue ?? -1
    }

    @Test func aFileRewrittenInTheSecondItWasReadIsReadAnew() async throws {
        let directory = try TemporaryDirectory()
        let (file, v2) = try writeVersions(in: directory)
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path]))
        #expect(try await count(lake, file) == 0)
        try rewriteInPlace(file, with: v2)
        #expect(try await count(lake, file) == 500)
    }

    @Test func contentsReplacedWithTheOldModificationTimeAreReadAnew() async throws {
        let directory = try TemporaryDirectory()
        let (file, v2) = try writeVersions(in: directory)
        try setModificationTime(file, secondsAgo: 60)
        let stamp = try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date

        // DuckDB on its own serves the stale footer here: the scenario does reproduce the
        // hole that FooterCachePolicy closes. (If a future DuckDB validates more than
        // device, inode, size and whole-second mtime, this expectation fails: revisit the policy.)
        let raw = try Database().connect()
        try raw.execute("SET parquet_metadata_cache = true")
        try raw.execute("CREATE VIEW t AS SELECT * FROM read_parquet('\(file)')")
        #expect(try raw.query(Self.countAbove1500).rows()[0][0].intValue == 0)

        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path]))
        #expect(try await count(lake, file) == 0)
        #expect(try await count(lake, file) == 0)

        try rewriteInPlace(file, with: v2)
        try FileManager.default.setAttributes([.modificationDate: try #require(stamp)], ofItemAtPath: file)
        #expect(try raw.query(Self.countAbove1500).rows()[0][0].intValue == 0, "DuckDB alone: stale footer")
        #expect(try await count(lake, file) == 500)
        #expect(try await count(lake, file) == 500)
    }

    @Test func policyTrustsOnlySettledFilesWhoseChangeTimeItKnows() throws {
        let directory = try TemporaryDirectory()
        let (file, v2) = try writeVersions(in: directory)
        let policy = FooterCachePolicy(enabled: true)
        #expect(!policy.allowsCache(for: [file]), "just written")
        #expect(!policy.allowsCache(for: [directory.file("missing.parquet")]))
        try setModificationTime(file, secondsAgo: 60)
        #expect(policy.allowsCache(for: [file]))
        #expect(policy.allowsCache(for: [file]), "unchanged")

        let stamp = try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date
        try rewriteInPlace(file, with: v2)
        try FileManager.default.setAttributes([.modificationDate: try #require(stamp)], ofItemAtPath: file)
        #expect(!policy.allowsCache(for: [file]), "same DuckDB identity, new ctime")
        #expect(!policy.allowsCache(for: [file]), "still distrusted while the DuckDB identity stays")

        try setModificationTime(file, secondsAgo: 30)
        #expect(policy.allowsCache(for: [file]), "a new identity: DuckDB reloads the footer itself")

        try setModificationTime(file, secondsAgo: -3600)
        #expect(!policy.allowsCache(for: [file]), "modified in the future")
        #expect(!FooterCachePolicy(enabled: false).allowsCache(for: [file]))
    }
}
