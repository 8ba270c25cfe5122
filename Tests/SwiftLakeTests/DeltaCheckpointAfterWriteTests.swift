import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

/// Writes checkpoint the table every `delta.checkpointInterval` commits, as Spark and
/// delta-rs do, so tables SwiftLake writes stay fast to open.
@Suite struct DeltaCheckpointAfterWriteTests {
    @Test("12 appends with delta.checkpointInterval=5 leave checkpoints at 5 and 10, _last_checkpoint at 10; delta-rs reads the table")
    func checkpointsEveryInterval() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        for i in 0..<12 {
            let request = DeltaWriteRequest(path: path, rows: [["id": .int(Int64(i))]],
                                            properties: i == 0 ? ["delta.checkpointInterval": "5"] : nil)
            let result = try await lake.deltaWrite(request)
            #expect(result.version == Int64(i))
        }
        let log = try FileManager.default.contentsOfDirectory(atPath: path + "/_delta_log").filter { $0.contains("checkpoint") }.sorted()
        #expect(log == ["00000000000000000005.checkpoint.parquet", "00000000000000000010.checkpoint.parquet", "_last_checkpoint"])
        let hint = try DeltaLake.JSONValue.parse(String(contentsOfFile: path + "/_delta_log/_last_checkpoint", encoding: .utf8))
        #expect(hint["version"]?.int64Value == 10)

        guard let view = try await deltaRsView(path) else { return }
        #expect(view.version == 11 && view.rows.count == 12)
        // The checkpoint alone holds version 10: delta-rs reads the same rows without commits 0–10.
        try hideCommits(path, through: 10)
        guard let fromCheckpoint = try await deltaRsView(path) else { return }
        #expect(fromCheckpoint.version == 11 && fromCheckpoint.rows == view.rows)
    }
}
