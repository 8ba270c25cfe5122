import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

/// Checkpoints SwiftLake writes are read by delta-rs, and by SwiftLake, exactly as the
/// commits they replace.
@Suite struct DeltaMaintenanceCheckpointTests {
    /// Corpus tables covering partitions (typed, NULL, special characters), deletion
    /// vectors, statistics only in `stats_parsed`, column mapping, domain metadata and row
    /// tracking, and tombstones.
    static let tables = [
        "simple_table", "delta-0.8.0-null-partition", "delta-0.8.0-special-partition", "delta-2.2.0-partitioned-types",
        "table-with-dv-small", "delta-1.2.1-only-struct-stats", "table_with_column_mapping", "table_with_liquid_clustering",
    ]

    @Test("delta-rs reads each table from our checkpoint alone: same version, files and rows as from the original log")
    func deltaRsReadsCheckpointAlone() async throws {
        var copies: [(name: String, path: String, version: Int64, lake: Lakehouse)] = []
        for name in Self.tables {
            let (lake, table) = try maintenanceCopy(of: name)
            let result = try await lake.deltaCheckpoint(path: table)
            #expect(result.created, "\(name): a checkpoint of version \(result.version) already existed")
            #expect(FileManager.default.fileExists(atPath: table + "/" + result.checkpoint))
            try hideCommits(table, through: result.version)
            copies.append((name, table, result.version, lake))
        }
        let requests = copies.flatMap { [(path: deltaCorpus + "/" + $0.name, version: Optional($0.version)), (path: $0.path, version: nil)] }
        guard let views = try await deltaRsViews(requests) else { return }
        for (index, copy) in copies.enumerated() {
            let original = views[2 * index], fromCheckpoint = views[2 * index + 1]
            #expect(fromCheckpoint == original, "\(copy.name): delta-rs read \(fromCheckpoint) from the checkpoint, \(original) from the log")
            // Our own reader agrees, from the checkpoint alone.
            let rows = try await deltaRows(copy.lake, copy.path, "SELECT count(*) FROM t")
            #expect(rows == [[String(original.count)]], "\(copy.name): SwiftLake counted \(rows)")
            let files = try await copy.lake.deltaFiles(path: copy.path)
            #expect(files.version == copy.version)
            #expect(files.files.count == original.files.count, "\(copy.name)")
        }
    }

    @Test("every checkpoint row holds exactly one action; _last_checkpoint names version, size and add count")
    func checkpointShape() async throws {
        let (lake, table) = try maintenanceCopy(of: "simple_table")
        let result = try await lake.deltaCheckpoint(path: table, version: 3)
        #expect(result.version == 3)
        #expect(result.checkpoint == "_delta_log/00000000000000000003.checkpoint.parquet")
        let file = table + "/" + result.checkpoint
        let columns = ["txn", "add", "remove", "metaData", "protocol", "domainMetadata"]
        let oneAction = columns.map { "CAST(\($0) IS NOT NULL AS INTEGER)" }.joined(separator: " + ")
        let check = try await rows(lake, [file], "SELECT count(*), count(*) FILTER (WHERE \(oneAction) <> 1), count(add), count(protocol), count(metaData) FROM t")
        #expect(check.map { $0.map(\.description) } == [[String(result.actions), "0", String(result.numOfAddFiles), "1", "1"]])
        let active = try await lake.deltaFiles(path: table, version: 3)
        #expect(result.numOfAddFiles == active.files.count)

        let hint = try DeltaLake.JSONValue.parse(String(contentsOfFile: table + "/_delta_log/_last_checkpoint", encoding: .utf8))
        #expect(hint["version"]?.int64Value == 3)
        #expect(hint["size"]?.int64Value == Int64(result.actions))
        #expect(hint["numOfAddFiles"]?.int64Value == Int64(result.numOfAddFiles))
        #expect(hint["sizeInBytes"]?.int64Value == result.sizeInBytes)

        // An older checkpoint does not move the hint back.
        _ = try await lake.deltaCheckpoint(path: table, version: 1)
        let after = try DeltaLake.JSONValue.parse(String(contentsOfFile: table + "/_delta_log/_last_checkpoint", encoding: .utf8))
        #expect(after["version"]?.int64Value == 3)
    }

    @Test("an existing checkpoint is left alone (put-if-absent)")
    func existingCheckpointIsKept() async throws {
        let (lake, table) = try maintenanceCopy(of: "simple_table")
        let first = try await lake.deltaCheckpoint(path: table)
        let path = table + "/" + first.checkpoint
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let entries = try logEntries(table)
        let second = try await lake.deltaCheckpoint(path: table)
        #expect(first.created && !second.created)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try logEntries(table) == entries)   // no staging file left behind
    }

    @Test("tombstones older than delta.deletedFileRetentionDuration are left out of checkpoints")
    func expiredTombstonesLeftOut() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, """
write([{"id": 1}])
write([{"id": 2}], mode="overwrite")
""") != nil else { return }
        // The removal is seconds old: kept. With a zero retention it has expired.
        #expect(try await lake.deltaCheckpoint(path: table).numOfRemoveFiles == 1)
        guard try await deltaRs(table, """
DeltaTable(path).alter.set_table_properties({"delta.deletedFileRetentionDuration": "interval 0 seconds"})
""") != nil else { return }
        let later = try await lake.deltaCheckpoint(path: table)
        #expect(later.version == 2)
        #expect(later.numOfRemoveFiles == 0)
        #expect(later.numOfAddFiles == 1)
    }

    @Test("deltaCheckpointIfDue checkpoints every delta.checkpointInterval commits")
    func checkpointInterval() async throws {
        let (lake, table) = try maintenanceRoot()
        guard try await deltaRs(table, """
write([{"id": 0}], configuration={"delta.checkpointInterval": "3"})
for i in range(1, 7):
    write([{"id": i}])
""") != nil else { return }
        var written: [Int64] = []
        for version: Int64 in 0...6 {
            switch await lake.deltaCheckpointIfDue(path: table, version: version) {
            case .written(let result): written.append(result.version)
            case .notDue: break
            case .failed(let error): Issue.record("checkpoint of \(version) failed: \(error)")
            }
        }
        #expect(written == [3, 6])
        #expect(try logEntries(table).filter { $0.hasSuffix(".checkpoint.parquet") }
            == ["00000000000000000003.checkpoint.parquet", "00000000000000000006.checkpoint.parquet"])
        // Default interval (100): version 6 of a table without the property is not due.
        let (other, plain) = try maintenanceCopy(of: "simple_table")
        if case .written = await other.deltaCheckpointIfDue(path: plain, version: 4) { Issue.record("checkpointed before the interval") }
    }

    @Test("a table with the v2Checkpoint feature is refused with 422; a missing version is 404")
    func refusals() async throws {
        let (lake, table) = try maintenanceCopy(of: "simple_table")
        await expectError(.notFound) { _ = try await lake.deltaCheckpoint(path: table, version: 99) }
        let (v2lake, v2table) = try maintenanceCopy(of: "checkpoint-v2-table")
        let error = await expectError(.unprocessable) { _ = try await v2lake.deltaCheckpoint(path: v2table) }
        #expect(error?.message.contains("v2Checkpoint") == true)
    }
}
