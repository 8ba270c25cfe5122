import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

/// RESTORE brings back an older version's rows, files, schema and metadata as a new commit
/// that delta-rs reads.
@Suite struct DeltaMaintenanceRestoreTests {
    /// v0: ids 1–3; v1: + ids 4–5; v2: overwritten by ids 10–11; v3: + id 12.
    static let history = """
write([{"id": 1}, {"id": 2}, {"id": 3}])
write([{"id": 4}, {"id": 5}])
write([{"id": 10}, {"id": 11}], mode="overwrite")
write([{"id": 12}])
"""

    @Test("restoring version 1 commits version 4, which delta-rs reads as version 1's rows and files")
    func restoreVersion() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.history) != nil else { return }
        let result = try await lake.deltaRestore(path: table, version: 1)
        #expect(result.version == 4)
        #expect(result.restoredVersion == 1)
        #expect(result.numRestoredFiles == 2)   // the files of v0 and v1
        #expect(result.numRemovedFiles == 2)    // the files of v2 and v3
        #expect(result.numOfFilesAfterRestore == 2)

        guard let views = try await deltaRsViews([(table, 1), (table, nil), (table, 3)]) else { return }
        let (then, now, before) = (views[0], views[1], views[2])
        #expect(now.version == 4)
        #expect(now.files == then.files)
        #expect(now.count == 5 && now.digest == then.digest)
        #expect(before.count == 3)   // time travel to the version before the restore still works
        let ids = try await deltaRows(lake, table, "SELECT id FROM t ORDER BY id")
        #expect(ids == [["1"], ["2"], ["3"], ["4"], ["5"]])

        let history = try await lake.deltaHistory(path: table, limit: 1)
        guard case .object(let commit)? = history.history.first else { Issue.record("no history"); return }
        #expect(commit["operation"] == .string("RESTORE"))
        guard case .object(let metrics)? = commit["operationMetrics"] else { Issue.record("no metrics"); return }
        #expect(metrics["numRestoredFiles"] == .string("2"))
        #expect(metrics["numRemovedFiles"] == .string("2"))
        #expect(metrics["numOfFilesAfterRestore"] == .string("2"))
        #expect(Set(metrics.keys) == ["numRestoredFiles", "numRemovedFiles", "restoredFilesSize", "removedFilesSize",
                                      "numOfFilesAfterRestore", "tableSizeAfterRestore"])
    }

    @Test("restoring by timestamp picks the version committed then")
    func restoreTimestamp() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.history) != nil else { return }
        // Commit times are the commit files' modification times: put them a minute apart.
        for version in 0...3 {
            try setModificationTime(table + "/_delta_log/" + LogFile.paddedVersion(Int64(version)) + ".json",
                                    daysAgo: Double(4 - version) / 1440)
        }
        let v2Time = Date(timeIntervalSinceNow: -2 * 60 + 30)   // 30 s after version 2's commit
        let formatter = ISO8601DateFormatter()
        let result = try await lake.deltaRestore(path: table, timestamp: formatter.string(from: v2Time))
        #expect(result.restoredVersion == 2)
        let ids = try await deltaRows(lake, table, "SELECT id FROM t ORDER BY id")
        #expect(ids == [["10"], ["11"]])
    }

    @Test("restore brings back the old schema; delta-rs reads the restored columns")
    func restoreSchema() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, """
write([{"id": 1}])
write([{"id": 2, "name": "b"}], mode="overwrite", schema_mode="overwrite")
""") != nil else { return }
        _ = try await lake.deltaRestore(path: table, version: 0)
        guard let views = try await deltaRsViews([(table, nil)]) else { return }
        #expect(views[0].columns == ["id"])
        #expect(views[0].count == 1)
        let detail = try await lake.deltaDetail(path: table)
        #expect(detail.version == 2)
    }

    @Test("a restore whose files were vacuumed is refused with 422 naming them; nothing is committed")
    func restoreVacuumedFiles() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.history) != nil else { return }
        let v0 = try await lake.deltaFiles(path: table, version: 0).files
        try FileManager.default.removeItem(atPath: table + "/" + v0[0].path)
        let error = await expectError(.unprocessable) { _ = try await lake.deltaRestore(path: table, version: 1) }
        #expect(error?.code == "restore_files_missing")
        #expect(error?.message.contains(v0[0].path) == true)
        #expect(try await lake.deltaDetail(path: table).version == 3)
    }

    @Test("restore needs a version or timestamp (400), an existing version (404)")
    func restoreErrors() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, Self.history) != nil else { return }
        await expectError(.invalidRequest) { _ = try await lake.deltaRestore(path: table) }
        await expectError(.notFound) { _ = try await lake.deltaRestore(path: table, version: 9) }
        await expectError(.invalidRequest) { _ = try await lake.deltaRestore(path: table, version: 1, timestamp: "2024-01-01") }
    }

    @Test("a restore never downgrades the protocol")
    func protocolMerge() {
        let legacy = DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2)
        let features = DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"],
                                     writerFeatures: ["deletionVectors"])
        let merged = RestorePlan.merge(features, legacy)
        #expect(merged.minReaderVersion == 3 && merged.minWriterVersion == 7)
        #expect(merged.readerFeatures == ["deletionVectors"])
        #expect(merged.writerFeatures == ["deletionVectors", "appendOnly", "invariants"])
        #expect(RestorePlan.merge(legacy, legacy) == legacy)
    }
}
