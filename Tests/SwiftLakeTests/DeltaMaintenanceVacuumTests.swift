import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

/// VACUUM deletes exactly the files no version inside the retention needs, and delta-rs
/// agrees on which those are.
@Suite struct DeltaMaintenanceVacuumTests {
    /// v0: ids 1–2 (partition p=a); v1: overwritten by id 3 (p=b), so v0's file is a tombstone.
    static let history = """
write([{"id": 1, "p": "a"}, {"id": 2, "p": "a"}], partition_by=["p"])
write([{"id": 3, "p": "b"}], mode="overwrite", partition_by=["p"])
"""

    /// Files below `table` (relative), excluding the log.
    func dataFiles(_ table: String) -> Set<String> {
        let all = FileManager.default.enumerator(atPath: table)?.allObjects as? [String] ?? []
        return Set(all.filter { !$0.hasPrefix("_delta_log") && !FileManager.default.isDirectory(table + "/" + $0) })
    }

    @Test("removed files are kept while their removal is inside the retention, even when the files are old")
    func recentTombstonesKept() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.history) != nil else { return }
        for file in dataFiles(table) { try setModificationTime(table + "/" + file, daysAgo: 30) }
        let result = try await lake.deltaVacuum(DeltaVacuumRequest(path: table))
        #expect(result.files.isEmpty)
        #expect(result.retentionHours == 168)
        #expect(dataFiles(table).count == 2)
    }

    @Test("dry run lists the removed file and deletes nothing; the real run deletes it, and delta-rs agrees and still reads the table")
    func dryRunThenVacuum() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.history) != nil else { return }
        let v0 = try await lake.deltaFiles(path: table, version: 0).files.map(\.path)
        let before = dataFiles(table)
        let request = DeltaVacuumRequest(path: table, retentionHours: 0, dryRun: true, enforceRetention: false)
        let dry = try await lake.deltaVacuum(request)
        #expect(dry.dryRun)
        #expect(dry.files == v0.map { $0.removingPercentEncoding! })
        #expect(dry.sizeOfDataDeleted > 0)
        #expect(dataFiles(table) == before)
        #expect(try await lake.deltaDetail(path: table).version == 1)   // nothing committed

        // delta-rs's own dry run ("full": untracked files too) names the same files.
        guard let listed = try await deltaRs(table, """
print(json.dumps(sorted(DeltaTable(path).vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=True, full=True))))
""") else { return }
        let theirs = try JSONDecoder().decode([String].self, from: Data(listed.utf8)).map { $0.hasPrefix("/") ? String($0.dropFirst(table.count + 1)) : $0 }
        #expect(Set(theirs.map { $0.removingPercentEncoding ?? $0 }) == Set(dry.files))

        var real = request
        real.dryRun = false
        let done = try await lake.deltaVacuum(real)
        #expect(done.files == dry.files && done.numFilesDeleted == 1)
        #expect(dataFiles(table) == before.subtracting(dry.files))
        guard let views = try await deltaRsViews([(table, nil)]) else { return }
        #expect(views[0].count == 1)
        // VACUUM START and VACUUM END are recorded, as Spark and delta-rs record them.
        let history = try await lake.deltaHistory(path: table, limit: 2)
        let operations = history.history.compactMap { entry -> String? in
            if case .object(let fields) = entry, case .string(let op)? = fields["operation"] { return op }
            return nil
        }
        #expect(operations == ["VACUUM END", "VACUUM START"])
    }

    @Test("untracked files go only when older than the retention; hidden files and the log are never touched")
    func untrackedAndHiddenFiles() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.history) != nil else { return }
        let manager = FileManager.default
        try manager.createDirectory(atPath: table + "/_hidden", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: table + "/p=b/.staging", withIntermediateDirectories: true)
        for name in ["orphan-old.parquet", "orphan-new.parquet", "p=b/orphan-old.parquet", "_hidden/old.parquet",
                     ".hidden-old.parquet", "p=b/.staging/old.parquet", "_delta_log/stray.json"] {
            manager.createFile(atPath: table + "/" + name, contents: Data("x".utf8))
            if name.contains("old") || name.contains("stray") { try setModificationTime(table + "/" + name, daysAgo: 10) }
        }
        let result = try await lake.deltaVacuum(DeltaVacuumRequest(path: table))
        #expect(result.files == ["orphan-old.parquet", "p=b/orphan-old.parquet"])
        #expect(result.sizeOfDataDeleted == 2)
        for kept in ["orphan-new.parquet", "_hidden/old.parquet", ".hidden-old.parquet", "p=b/.staging/old.parquet", "_delta_log/stray.json"] {
            #expect(manager.fileExists(atPath: table + "/" + kept), "\(kept) was deleted")
        }
    }

    @Test("a killed writer's staging directory goes once older than the retention; a fresh one stays")
    func abandonedStagingDirectories() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.history) != nil else { return }
        let manager = FileManager.default
        let old = "_swiftlake-write-0a1b2c", fresh = "_swiftlake-write-9f8e7d"
        for directory in [old + "/p=a", fresh] {
            try manager.createDirectory(atPath: table + "/" + directory, withIntermediateDirectories: true)
        }
        for name in [old + "/p=a/data_0.parquet", old + "/data_1.parquet", fresh + "/data_0.parquet"] {
            manager.createFile(atPath: table + "/" + name, contents: Data("xy".utf8))
            if name.hasPrefix(old) { try setModificationTime(table + "/" + name, daysAgo: 10) }
        }
        let result = try await lake.deltaVacuum(DeltaVacuumRequest(path: table))
        #expect(result.files == [old + "/data_1.parquet", old + "/p=a/data_0.parquet"])
        #expect(!manager.fileExists(atPath: table + "/" + old), "the emptied staging directory is removed")
        #expect(manager.fileExists(atPath: table + "/" + fresh + "/data_0.parquet"), "a write may still be using it")
        #expect(try await lake.deltaRead(DeltaReadRequest(path: table, sql: "SELECT count(*) FROM t")).cursor.collect().rows[0][0].intValue == 1)
    }

    @Test("a retention below delta.deletedFileRetentionDuration is refused with 422 unless enforce_retention is false")
    func retentionCheck() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.history) != nil else { return }
        let error = await expectError(.unprocessable) { _ = try await lake.deltaVacuum(DeltaVacuumRequest(path: table, retentionHours: 1)) }
        #expect(error?.code == "retention_too_short")
        #expect(error?.message.contains("enforce_retention") == true)
        await expectError(.invalidRequest) { _ = try await lake.deltaVacuum(DeltaVacuumRequest(path: table, retentionHours: -1)) }
        // The table's own property lowers the floor.
        guard try await deltaRs(table, """
DeltaTable(path).alter.set_table_properties({"delta.deletedFileRetentionDuration": "interval 1 hours"})
""") != nil else { return }
        let ok = try await lake.deltaVacuum(DeltaVacuumRequest(path: table, retentionHours: 1, dryRun: true))
        #expect(ok.files.isEmpty)
    }

    @Test("Delta interval properties parse as Spark reads them")
    func intervals() {
        #expect(DeltaInterval.milliseconds("interval 1 week") == 604_800_000)
        #expect(DeltaInterval.milliseconds("interval 30 days") == Int64(2_592_000_000))
        #expect(DeltaInterval.milliseconds("7 days") == Int64(604_800_000))
        #expect(DeltaInterval.milliseconds("INTERVAL 2 HOURS 30 minutes") == 9_000_000)
        #expect(DeltaInterval.milliseconds("interval 1 month") == nil)
        #expect(DeltaInterval.milliseconds("soon") == nil)
    }
}
