import DeltaLake
import Foundation
import ObjectStore
import Testing
@testable import SwiftLake

/// Log cleanup deletes expired log entries but never a version inside the retention, nor
/// what reading the oldest of them needs.
@Suite struct DeltaMaintenanceLogCleanupTests {
    /// Six commits (versions 0–5) written by delta-rs without checkpoints.
    static let sixCommits = """
for i in range(6):
    write([{"id": i}])
"""

    func commit(_ table: String, _ version: Int64) -> String { table + "/_delta_log/" + LogFile.paddedVersion(version) + ".json" }

    @Test("versions inside the retention stay readable, through the checkpoint before the oldest of them")
    func keepsWhatRetainedVersionsNeed() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.sixCommits) != nil else { return }
        let early = try await lake.deltaCheckpoint(path: table, version: 2, cleanUpLogs: false)
        for version: Int64 in 0...3 { try setModificationTime(commit(table, version), daysAgo: 40) }
        try setModificationTime(table + "/" + early.checkpoint, daysAgo: 40)

        let result = try await lake.deltaCheckpoint(path: table, version: 5)
        let cleanup = try #require(result.logCleanup)
        // Version 4 is the oldest inside the 30-day retention; it is read from checkpoint 2.
        #expect(cleanup.deletedFiles == ["_delta_log/00000000000000000000.json", "_delta_log/00000000000000000001.json"])
        #expect(cleanup.earliestReadableVersion == 2)
        #expect(try logEntries(table).filter { $0.hasSuffix(".json") || $0.hasSuffix(".parquet") } == [
            "00000000000000000002.checkpoint.parquet", "00000000000000000002.json", "00000000000000000003.json",
            "00000000000000000004.json", "00000000000000000005.checkpoint.parquet", "00000000000000000005.json",
        ])
        for version: Int64 in 2...5 {
            #expect(try await deltaRows(lake, table, version: version, "SELECT count(*) FROM t") == [[String(version + 1)]])
        }
        await expectError(.notFound) { _ = try await deltaRows(lake, table, version: 1) }
        guard let views = try await deltaRsViews([(table, 4), (table, 2), (table, nil)]) else { return }
        #expect(views.map(\.count) == [5, 3, 6])
    }

    @Test("when every version is older than the retention, only what the latest needs is kept")
    func everythingExpired() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.sixCommits) != nil else { return }
        for version: Int64 in 0...5 { try setModificationTime(commit(table, version), daysAgo: 40) }
        let result = try await lake.deltaCheckpoint(path: table)
        #expect(result.logCleanup?.deletedFiles.count == 5)
        #expect(try logEntries(table) == ["00000000000000000005.checkpoint.parquet", "00000000000000000005.json", "_last_checkpoint"])
        guard let views = try await deltaRsViews([(table, nil)]) else { return }
        #expect(views[0].version == 5 && views[0].count == 6)
    }

    @Test("nothing is deleted inside the retention, nor when delta.enableExpiredLogCleanup is false")
    func nothingToDelete() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.sixCommits) != nil else { return }
        #expect(try await lake.deltaCheckpoint(path: table).logCleanup?.deletedFiles == [])
        guard try await deltaRs(table, """
DeltaTable(path).alter.set_table_properties({"delta.enableExpiredLogCleanup": "false"})
""") != nil else { return }
        for version: Int64 in 0...6 { try setModificationTime(commit(table, version), daysAgo: 40) }
        let result = try await lake.deltaCheckpoint(path: table)
        #expect(result.logCleanup == nil)
        #expect(try logEntries(table).filter { $0.hasSuffix(".json") }.count == 7)
    }

    // MARK: - The plan, on listings with chosen times

    func file(_ name: String, daysAgo: Double) -> LogFile {
        LogFile(ObjectMeta(path: "_delta_log/" + name, size: 1, lastModified: Date(timeIntervalSinceNow: -daysAgo * 86_400)))!
    }

    func commitName(_ v: Int64) -> String { LogFile.paddedVersion(v) + ".json" }
    func checkpointName(_ v: Int64) -> String { LogFile.paddedVersion(v) + ".checkpoint.parquet" }
    var cutoff: Int64 { Lakehouse.nowMillis() - 30 * 86_400_000 }

    @Test("a commit newer than the retention protects every version after it, even when later commits look older")
    func monotonicTimes() {
        // Commit 1 was written recently; 2 and 3 carry older times (clock skew, copied files).
        let files = [file(commitName(0), daysAgo: 50), file(commitName(1), daysAgo: 1), file(commitName(2), daysAgo: 50),
                     file(checkpointName(2), daysAgo: 50), file(commitName(3), daysAgo: 50)]
        let plan = LogCleanupPlan(files: files, cutoff: cutoff)
        #expect(plan.deletions.isEmpty)
        #expect(plan.oldestCheckpoint == nil)
    }

    @Test("checksums and incomplete multi-part checkpoints follow their version; a file newer than the cutoff is kept")
    func otherEntries() {
        let files = [file(commitName(0), daysAgo: 50), file(LogFile.paddedVersion(0) + ".crc", daysAgo: 50),
                     file(commitName(1), daysAgo: 50), file(LogFile.paddedVersion(1) + ".checkpoint.0000000001.0000000002.parquet", daysAgo: 50),
                     file(commitName(2), daysAgo: 50), file(checkpointName(2), daysAgo: 50),
                     file(commitName(3), daysAgo: 2)]
        let plan = LogCleanupPlan(files: files, cutoff: cutoff)
        #expect(plan.oldestCheckpoint == 2)
        #expect(plan.deletions.map(\.meta.name) == [
            "00000000000000000000.crc", "00000000000000000000.json",
            "00000000000000000001.checkpoint.0000000001.0000000002.parquet", "00000000000000000001.json",
        ])
        // A checkpoint written recently for an old version is not deleted yet.
        let recent = [file(commitName(0), daysAgo: 50), file(checkpointName(0), daysAgo: 1), file(commitName(1), daysAgo: 50),
                      file(checkpointName(1), daysAgo: 50), file(commitName(2), daysAgo: 1)]
        #expect(LogCleanupPlan(files: recent, cutoff: cutoff).deletions.map(\.meta.name) == ["00000000000000000000.json"])
    }
}
