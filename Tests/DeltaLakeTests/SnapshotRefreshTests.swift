import DeltaLake
import Foundation
import ObjectStore
import SwiftLake
import Testing

/// Incremental refresh: a snapshot built from an earlier one plus the commits after it must
/// equal the snapshot built from scratch, and must read only those commits.
@Suite("Snapshot refresh") struct SnapshotRefreshTests {
    /// Every corpus table with a log.
    static let corpusTables: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: deltaTables)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: deltaTables + "/" + $0 + "/_delta_log") }.sorted()
    }()

    /// What a reader relies on; AddFile is compared without its statistics' form (a
    /// checkpoint holds them parsed, a commit as a string).
    func differences(_ refreshed: Snapshot, _ fresh: Snapshot) -> [String] {
        var problems: [String] = []
        func files(_ s: Snapshot) -> [String] {
            s.activeFiles.map { "\($0.path)|\($0.size)|\($0.modificationTime)|\($0.partitionValues.sorted { $0.key < $1.key })|\($0.deletionVector?.uniqueId ?? "")" }
        }
        if refreshed.version != fresh.version { problems.append("version \(refreshed.version) vs \(fresh.version)") }
        if refreshed.timestamp != fresh.timestamp { problems.append("timestamp \(refreshed.timestamp) vs \(fresh.timestamp)") }
        if refreshed.metadata != fresh.metadata { problems.append("metadata differs") }
        if refreshed.protocol != fresh.protocol { problems.append("protocol differs") }
        if files(refreshed) != files(fresh) { problems.append("active files differ: \(files(refreshed).count) vs \(files(fresh).count)") }
        if refreshed.appTransactions != fresh.appTransactions { problems.append("txns differ") }
        if refreshed.domainMetadata != fresh.domainMetadata { problems.append("domain metadata differs") }
        // A checkpoint may drop tombstones past their retention; a refresh keeps them.
        let kept = Set(refreshed.tombstones.map(\.path))
        if !fresh.tombstones.allSatisfy({ kept.contains($0.path) }) { problems.append("tombstones missing") }
        return problems
    }

    @Test func stepByStepAndInOneJumpEqualAFullBuildOnEveryCorpusTable() async throws {
        var compared = 0
        var problems: [String] = []
        for name in Self.corpusTables {
            let deltaTable = table(name)
            guard let files = try? await LogSegment.listLog(store: deltaTable.store),
                  let range = LogSegment.availableVersions(files) else { continue }
            // The oldest version we can read is the base (some tables refuse early versions).
            var base: Snapshot?
            for v in range { if let s = try? await deltaTable.snapshot(version: v) { base = s; break } }
            guard let first = base else { continue }
            var previous = first
            for version in (first.version + 1)...max(first.version + 1, range.upperBound) where version <= range.upperBound {
                guard let fresh = try? await deltaTable.snapshot(version: version) else { continue }
                let refreshed = try await deltaTable.snapshot(refreshing: previous, version: version)
                problems += differences(refreshed, fresh).map { "\(name)@\(version) step: \($0)" }
                previous = refreshed
                compared += 1
            }
            if let latest = try? await deltaTable.snapshot() {
                let jumped = try await deltaTable.snapshot(refreshing: first)
                problems += differences(jumped, latest).map { "\(name)@latest jump from \(first.version): \($0)" }
                let again = try await deltaTable.snapshot(refreshing: latest)
                #expect(again.version == latest.version && again.logSegment == latest.logSegment, "\(name): nothing new, same snapshot")
            }
        }
        for problem in problems { Issue.record(Comment(rawValue: problem)) }
        #expect(compared >= 50, "refreshed \(compared) versions")
    }

    @Test func aRefreshReadsOnlyTheNewCommits() async throws {
        let name = "simple_table_with_checkpoint"
        let store = RecordingStore(LocalStore(root: deltaTables + "/" + name))
        let deltaTable = DeltaTable(store: store, location: deltaTables + "/" + name, checkpointReader: checkpointReader)
        let latest = try await deltaTable.snapshot().version
        let base = try await deltaTable.snapshot(version: latest - 2)
        store.reset()
        let refreshed = try await deltaTable.snapshot(refreshing: base)
        #expect(refreshed.version == latest)
        #expect(store.reads == [LogFile.commitPath(latest - 1), LogFile.commitPath(latest)])
        store.reset()
        _ = try await deltaTable.snapshot(refreshing: refreshed)
        #expect(store.reads.isEmpty, "nothing new: no file is read")
    }

    @Test func aTableRecreatedInPlaceIsBuiltAfresh() async throws {
        let path = try temporaryCopy(of: "simple_table")
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let deltaTable = DeltaTable(path: path, checkpointReader: checkpointReader)
        let old = try await deltaTable.snapshot()
        // Another table (another id, more versions) takes its place.
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: deltaTables + "/simple_table_with_checkpoint", toPath: path)
        let refreshed = try await deltaTable.snapshot(refreshing: old)
        let fresh = try await deltaTable.snapshot()
        #expect(refreshed.metadata.id == fresh.metadata.id && refreshed.metadata.id != old.metadata.id)
        #expect(differences(refreshed, fresh).isEmpty)
    }

    @Test func theCacheFollowsNewCommitsByReadingOnlyThem() async throws {
        let path = try temporaryCopy(of: "simple_table")
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let log = path + "/_delta_log/"
        let latest = try await DeltaTable(path: path).snapshot().version
        // Hide the last two commits, as if they were not yet written.
        let hidden = try [latest - 1, latest].map { v -> (String, Data) in
            let file = log + URL(fileURLWithPath: LogFile.commitPath(v)).lastPathComponent
            defer { try? FileManager.default.removeItem(atPath: file) }
            return (file, try Data(contentsOf: URL(fileURLWithPath: file)))
        }
        let cache = DeltaSnapshotCache()
        let deltaTable = DeltaTable(path: path, checkpointReader: checkpointReader)
        #expect(try await cache.snapshot(of: deltaTable, version: nil).version == latest - 2)
        #expect(try await cache.snapshot(of: deltaTable, version: nil).version == latest - 2)
        for (file, data) in hidden { try data.write(to: URL(fileURLWithPath: file)) }
        let moved = try await cache.snapshot(of: deltaTable, version: nil)
        #expect(moved.version == latest)
        #expect(differences(moved, try await deltaTable.snapshot()).isEmpty)
        #expect(try await cache.snapshot(of: deltaTable, version: latest - 1).version == latest - 1)
        #expect(await cache.builds == 1, "one full build; everything after it refreshed")
        #expect(await cache.refreshes == 2)
    }
}

/// An object store that records which files were read with `get`.
final class RecordingStore: ObjectStore, @unchecked Sendable {
    private let inner: any ObjectStore
    private let lock = NSLock()
    private var recorded: [String] = []

    init(_ inner: any ObjectStore) { self.inner = inner }

    var reads: [String] { lock.withLock { recorded.sorted() } }
    func reset() { lock.withLock { recorded = [] } }

    func get(_ path: String) async throws -> [UInt8] {
        lock.withLock { recorded.append(path) }
        return try await inner.get(path)
    }
    func get(_ path: String, range: Range<Int64>) async throws -> [UInt8] {
        lock.withLock { recorded.append(path) }
        return try await inner.get(path, range: range)
    }
    func head(_ path: String) async throws -> ObjectMeta? { try await inner.head(path) }
    func list(prefix: String, startAfter: String?) async throws -> [ObjectMeta] { try await inner.list(prefix: prefix, startAfter: startAfter) }
    func put(_ path: String, _ bytes: [UInt8]) async throws { try await inner.put(path, bytes) }
    func putIfAbsent(_ path: String, _ bytes: [UInt8]) async throws -> PutResult { try await inner.putIfAbsent(path, bytes) }
    func delete(_ paths: [String]) async throws { try await inner.delete(paths) }
}
