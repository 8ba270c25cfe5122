import DeltaLake
import Foundation
import ObjectStore
import Testing

/// A snapshot that ends at its checkpoint takes the checkpoint's `add`s as the active files
/// without reconciling them one by one. These checks hold it to log replay's rules (actions
/// in file order, the newest wins, a `remove` deactivates and leaves a tombstone, an `add`
/// clears one), reasoned by hand, also for checkpoints that break the "reconciled state"
/// promise; and to the same answer as when a commit (without file actions) follows.
@Suite struct CheckpointOnlyReplayTests {
    /// Hands back fixed actions for any checkpoint file (the file's bytes are not read).
    struct FixedCheckpointReader: CheckpointReader {
        let actions: [Action]
        func readActions(from files: [String]) async throws -> [Action] { actions }
    }

    static let head = """
        {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
        {"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":"{\\"type\\":\\"struct\\",\\"fields\\":[{\\"name\\":\\"id\\",\\"type\\":\\"long\\",\\"nullable\\":true,\\"metadata\\":{}}]}","partitionColumns":[],"configuration":{},"createdTime":0}}
        """

    static func add(_ path: String, size: Int = 1) -> String {
        #"{"add":{"path":"\#(path)","partitionValues":{},"size":\#(size),"modificationTime":0,"dataChange":true}}"#
    }

    static func remove(_ path: String) -> String {
        #"{"remove":{"path":"\#(path)","deletionTimestamp":5,"dataChange":true}}"#
    }

    /// Builds the latest snapshot of a table whose log is a checkpoint at version 1 holding
    /// `lines` (after the protocol and metadata), then, when `commitAfter`, a commit 2 with
    /// only a `commitInfo`.
    static func snapshot(_ lines: [String], commitAfter: Bool) async throws -> Snapshot {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-only-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = LocalStore(root: dir)
        let text = ([head] + lines).joined(separator: "\n")
        let actions = try Action.decodeLines(Array(text.utf8), file: "checkpoint")
        try await store.put("_delta_log/00000000000000000001.checkpoint.parquet", [])
        if commitAfter {
            try await store.put("_delta_log/00000000000000000002.json", Array(#"{"commitInfo":{"operation":"WRITE"}}"#.utf8))
        }
        let table = DeltaTable(store: store, location: dir, checkpointReader: FixedCheckpointReader(actions: actions))
        return try await table.snapshot()
    }

    /// Active files as `path:size`, and tombstone paths, with and without a commit after the
    /// checkpoint (which must agree).
    static func state(_ lines: [String]) async throws -> (active: [String], tombstones: [String]) {
        var answers: [(active: [String], tombstones: [String])] = []
        for commitAfter in [false, true] {
            let snapshot = try await snapshot(lines, commitAfter: commitAfter)
            #expect(snapshot.version == (commitAfter ? 2 : 1))
            answers.append((snapshot.activeFiles.map { "\($0.path):\($0.size)" }, snapshot.tombstones.map(\.path)))
        }
        #expect(answers[0].active == answers[1].active, "the active files depend on whether a commit follows")
        #expect(answers[0].tombstones == answers[1].tombstones)
        return answers[0]
    }

    @Test func aReconciledCheckpointGivesItsAddsSortedAndItsRemovesAsTombstones() async throws {
        let state = try await Self.state([Self.add("b", size: 2), Self.remove("c"), Self.add("a")])
        #expect(state.active == ["a:1", "b:2"])
        #expect(state.tombstones == ["c"])
    }

    @Test func aFileAddedTwiceKeepsItsLastAdd() async throws {
        let state = try await Self.state([Self.add("a"), Self.add("b"), Self.add("a", size: 5)])
        #expect(state.active == ["a:5", "b:1"])
    }

    @Test func anAddThenARemoveOfTheSameFileLeavesATombstone() async throws {
        let state = try await Self.state([Self.add("a"), Self.remove("a"), Self.add("b")])
        #expect(state.active == ["b:1"])
        #expect(state.tombstones == ["a"])
    }

    @Test func aRemoveThenAnAddOfTheSameFileLeavesItActive() async throws {
        let state = try await Self.state([Self.remove("a"), Self.add("a", size: 3)])
        #expect(state.active == ["a:3"])
        #expect(state.tombstones.isEmpty)
    }
}
