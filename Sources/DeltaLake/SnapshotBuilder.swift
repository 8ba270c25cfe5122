import Foundation
import ObjectStore

/// Builds a ``Snapshot``: picks the log segment, reads the checkpoint (through the engine's
/// ``CheckpointReader`` for Parquet, itself for JSON) and the commits after it, and
/// reconciles the actions (PROTOCOL.md, "Action Reconciliation").
///
/// ```swift
/// let snapshot = try await SnapshotBuilder(store: LocalStore(root: "/data/sales"),
///                                          location: "/data/sales", checkpointReader: reader)
///     .atVersion(3)
///     .build()
/// ```
public struct SnapshotBuilder: Sendable {
    /// Where the table's bytes are; paths are relative to the table root.
    public var store: any ObjectStore
    /// The table's location as the engine names it (absolute path or URL).
    public var location: String
    /// Turns checkpoint Parquet into actions.
    public var checkpointReader: any CheckpointReader
    /// The version to build (the latest when `nil`).
    public var version: Int64?
    /// Whether to refuse tables with unsupported reader features (on by default).
    public var checkProtocol: Bool = true

    /// Creates a builder for the latest version.
    public init(store: any ObjectStore, location: String, checkpointReader: any CheckpointReader = NoCheckpointReader()) {
        self.store = store
        var location = location
        while location.count > 1 && location.hasSuffix("/") { location.removeLast() }
        self.location = location
        self.checkpointReader = checkpointReader
    }

    /// The same builder, for `version`.
    public func atVersion(_ version: Int64?) -> SnapshotBuilder {
        var copy = self
        copy.version = version
        return copy
    }

    /// Builds the snapshot.
    public func build() async throws -> Snapshot {
        let segment = try await LogSegment.build(store: store, version: version)
        return try await build(segment: segment)
    }

    /// Builds the snapshot from a segment found earlier.
    public func build(segment: LogSegment) async throws -> Snapshot {
        var replay = Replay()
        // The commits are read while the engine reads the checkpoint; a checkpoint failure
        // is still the one reported.
        async let commitsRead = readCommits(segment.commits)
        var checkpoint = segment.checkpointFiles.isEmpty ? CheckpointActions() : try await readCheckpoint(segment.checkpointFiles)
        let commits = try await commitsRead
        var lastCommitInfo: CommitInfo?
        var activeFiles: [AddFile]?
        if commits.isEmpty, let files = replay.applyCheckpointOnly(&checkpoint) {
            // Nothing after the checkpoint: its adds are the active files as they are.
            activeFiles = files
        } else {
            // Room for every file up front: growing the table rehashes all keys at each doubling.
            replay.active.reserveCapacity(commits.reduce(checkpoint.count) { $0 + $1.count })
            checkpoint.forEachInFileOrder { replay.apply($0, fromCheckpoint: true) }
            lastCommitInfo = replay.apply(commits: commits)
        }
        if segment.commits.isEmpty, replay.metadata?.inCommitTimestampsEnabled == true, let commit = segment.checkpointCommit {
            // The version ends at its checkpoint: its in-commit timestamp is in its commit.
            for case .commitInfo(let info) in try await readCommits([commit]).first ?? [] { lastCommitInfo = info }
        }
        return try finish(replay, segment: segment, lastCommitInfo: lastCommitInfo, activeFiles: activeFiles)
    }

    /// Turns the replayed state of `segment` into a snapshot, checking what every snapshot needs.
    /// `activeFiles`, when given, are the active files already sorted (``Replay/sortedByPath(_:)``);
    /// otherwise they are `replay.active`'s.
    func finish(_ replay: Replay, segment: LogSegment, lastCommitInfo: CommitInfo?,
                activeFiles: [AddFile]? = nil) throws -> Snapshot {
        let end = segment.endVersion
        guard let metadata = replay.metadata else {
            throw DeltaError(.invalidTable,
                "version \(end) of the table has no metaData action in its log (\(describe(segment))); the log is incomplete or this is not a Delta table")
        }
        guard let proto = replay.protocol else {
            throw DeltaError(.invalidTable,
                "version \(end) of the table has no protocol action in its log (\(describe(segment))); the log is incomplete or this is not a Delta table")
        }
        if checkProtocol { try TableFeatures.checkReadable(proto, table: "the table at \(location)") }
        if metadata.schemaString.isEmpty {
            throw DeltaError(.invalidTable,
                "the metaData action in effect at version \(end) has no schemaString, so the table's columns are unknown at this version; read a later version")
        }
        let schema = try metadata.schema()

        var timestamp: Int64
        if let last = segment.commits.last {
            timestamp = last.meta.lastModifiedMillis
            if metadata.inCommitTimestampsEnabled, let ict = lastCommitInfo?.inCommitTimestamp { timestamp = ict }
        } else if let commit = segment.checkpointCommit {
            timestamp = commit.meta.lastModifiedMillis
            if metadata.inCommitTimestampsEnabled, let ict = lastCommitInfo?.inCommitTimestamp { timestamp = ict }
        } else {
            // The commit is gone (log cleanup): the checkpoint was written just after it.
            timestamp = segment.checkpointFiles.first?.meta.lastModifiedMillis ?? 0
        }

        return Snapshot(
            location: location, version: end, timestamp: timestamp, metadata: metadata, protocol: proto,
            schema: schema,
            activeFiles: activeFiles ?? Replay.sortedByPath(Array(replay.active.values)),
            tombstones: replay.tombstones.values.sorted { $0.path < $1.path },
            appTransactions: replay.txns,
            domainMetadata: replay.domains,
            logSegment: segment)
    }

    func describe(_ segment: LogSegment) -> String {
        var parts: [String] = []
        if let cp = segment.checkpointVersion { parts.append("checkpoint \(cp)") }
        if let first = segment.commits.first, let last = segment.commits.last {
            parts.append("commits \(first.version)–\(last.version)")
        }
        return parts.isEmpty ? "no files" : parts.joined(separator: ", ")
    }

    // MARK: - Reading

    func absolute(_ path: String) -> String { location == "/" ? "/" + path : location + "/" + path }

    /// Reads the actions of a checkpoint and of any sidecars it names.
    func readCheckpoint(_ files: [LogFile]) async throws -> CheckpointActions {
        var actions: CheckpointActions
        if files.count == 1, case .v2Checkpoint(_, json: true) = files[0].kind {
            actions = CheckpointActions(try Action.decodeLines(try await get(files[0].meta.path), file: files[0].meta.path))
        } else {
            actions = try await checkpointReader.readCheckpoint(from: files.map { absolute($0.meta.path) })
        }
        let sidecars = actions.others.compactMap { action -> Sidecar? in
            if case .sidecar(let s) = action { return s }
            return nil
        }
        if !sidecars.isEmpty {
            var parquet: [String] = []
            for sidecar in sidecars {
                let relative = sidecar.path.contains("/") ? sidecar.path : LogSegment.sidecarDirectory + sidecar.path
                if sidecar.path.hasSuffix(".json") {
                    actions.append(contentsOf: CheckpointActions(try Action.decodeLines(try await get(relative), file: relative)))
                } else if sidecar.path.contains("://") || sidecar.path.hasPrefix("/") {
                    parquet.append(sidecar.path)
                } else {
                    if try await store.head(relative) == nil {
                        throw DeltaError(.corruptLog,
                            "the v2 checkpoint \(files[0].meta.path) names the sidecar \(relative), which does not exist; the checkpoint is damaged (delete it to fall back to an older checkpoint)")
                    }
                    parquet.append(absolute(relative))
                }
            }
            if !parquet.isEmpty { actions.append(contentsOf: try await checkpointReader.readCheckpoint(from: parquet)) }
        }
        return actions
    }

    /// Reads and decodes the commits concurrently; the result is in commit order.
    func readCommits(_ commits: [LogFile]) async throws -> [[Action]] {
        guard !commits.isEmpty else { return [] }
        let store = self.store
        return try await withThrowingTaskGroup(of: (Int, [Action]).self) { group in
            var results = [[Action]](repeating: [], count: commits.count)
            var next = 0
            let width = 16
            func add(_ i: Int) {
                let path = commits[i].meta.path
                group.addTask {
                    let bytes: [UInt8]
                    do { bytes = try await store.get(path) } catch let error as ObjectStoreError {
                        throw DeltaError(error.code == .notFound ? .corruptLog : .storage,
                            "reading commit \(path) failed: \(error.message)", cause: error)
                    }
                    return (i, try Action.decodeLines(bytes, file: path))
                }
            }
            while next < min(width, commits.count) { add(next); next += 1 }
            while let (i, actions) = try await group.next() {
                results[i] = actions
                if next < commits.count { add(next); next += 1 }
            }
            return results
        }
    }

    func get(_ path: String) async throws -> [UInt8] {
        do { return try await store.get(path) } catch let error as ObjectStoreError {
            throw DeltaError(error.code == .notFound ? .corruptLog : .storage, "reading \(path) failed: \(error.message)", cause: error)
        }
    }
}

/// Log replay state: actions applied oldest first, newest wins.
struct Replay {
    var active: [FileKey: AddFile] = [:]
    var tombstones: [FileKey: RemoveFile] = [:]
    var metadata: Metadata?
    var `protocol`: DeltaProtocol?
    var txns: [String: Txn] = [:]
    var domains: [String: DomainMetadata] = [:]

    init() {}

    /// The state a snapshot was built from, ready for the commits after it.
    init(_ snapshot: Snapshot) {
        active.reserveCapacity(snapshot.activeFiles.count)
        for add in snapshot.activeFiles { active[add.key] = add }
        for remove in snapshot.tombstones { tombstones[remove.key] = remove }
        metadata = snapshot.metadata
        self.protocol = snapshot.protocol
        txns = snapshot.appTransactions
        domains = snapshot.domainMetadata
    }

    /// Applies commits in order; returns the last commit's `commitInfo`, if it has one.
    mutating func apply(commits: [[Action]]) -> CommitInfo? {
        var lastCommitInfo: CommitInfo?
        for actions in commits {
            lastCommitInfo = nil
            for action in actions {
                if case .commitInfo(let info) = action { lastCommitInfo = info }
                apply(action, fromCheckpoint: false)
            }
        }
        return lastCommitInfo
    }

    mutating func apply(_ action: Action, fromCheckpoint: Bool) {
        switch action {
        case .add(let add):
            let key = add.key
            active[key] = add
            if !tombstones.isEmpty { tombstones[key] = nil }
        case .remove(let remove):
            let key = remove.key
            active[key] = nil
            tombstones[key] = remove
        case .metadata(let m): metadata = m
        case .protocol(let p): self.protocol = p
        case .txn(let t): txns[t.appId] = t
        case .domainMetadata(let d): domains[d.domain] = d.removed ? nil : d
        case .commitInfo, .cdc, .checkpointMetadata, .sidecar: break
        }
    }

    /// Applies a checkpoint that no commit follows, without reconciling its `add`s one by one,
    /// and returns the active files sorted (``sortedByPath(_:)``), taken from `checkpoint`
    /// (sorted in place, without copying them). A checkpoint holds the reconciled state: each
    /// file once, and no `remove` of a file it adds. When that does not hold, nothing is
    /// applied or changed and the result is `nil`: replay the actions in file order instead.
    mutating func applyCheckpointOnly(_ checkpoint: inout CheckpointActions) -> [AddFile]? {
        let paths = Self.contiguousPaths(checkpoint.adds)
        let order = Self.sortOrder(checkpoint.adds, paths: paths)
        func dvId(_ i: Int) -> String? { checkpoint.adds[i].deletionVector?.uniqueId }
        for k in order.indices.dropFirst() where paths.path(order[k]) == paths.path(order[k - 1]) {
            if dvId(order[k]) == dvId(order[k - 1]) { return nil }
        }
        var state = Replay()
        for action in checkpoint.others { state.apply(action, fromCheckpoint: true) }
        for key in state.tombstones.keys {
            // Binary search of the sorted order for the tombstone's path.
            var low = 0, high = order.count
            while low < high {
                let mid = (low + high) / 2
                if paths.precedes(order[mid], key.path) { low = mid + 1 } else { high = mid }
            }
            while low < order.count && paths.path(order[low]) == key.path {
                if dvId(order[low]) == key.deletionVectorId { return nil }
                low += 1
            }
        }
        self = state
        var files: [AddFile] = []
        swap(&files, &checkpoint.adds)
        Self.permute(&files, into: order)
        return files
    }

    /// The paths of some files, ready for fast comparison: byte by byte when every path is
    /// ASCII (the order `String`'s `<` gives them), with `String` comparison otherwise.
    struct Paths {
        var paths: [String]
        var ascii: Bool

        func path(_ i: Int) -> String { paths[i] }

        /// Whether file `i`'s path sorts before `path`.
        func precedes(_ i: Int, _ path: String) -> Bool {
            if ascii && path.utf8.allSatisfy({ $0 < 0x80 }) {
                var path = path
                path.makeContiguousUTF8()
                return Replay.compareBytes(paths[i], path) < 0
            }
            return paths[i] < path
        }
    }

    static func contiguousPaths(_ files: [AddFile]) -> Paths {
        var paths = files.map(\.path)
        let ascii = paths.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        // Contiguous UTF-8 for the byte comparison (native strings already are; a no-op for them).
        if ascii { for i in paths.indices { paths[i].makeContiguousUTF8() } }
        return Paths(paths: paths, ascii: ascii)
    }

    /// The indexes of `files` in the order of ``sortedByPath(_:)``.
    static func sortOrder(_ files: [AddFile], paths: Paths) -> [Int] {
        let ascii = paths.ascii
        func dvId(_ i: Int) -> String { files[i].deletionVector?.uniqueId ?? "" }
        var order = Array(files.indices)
        paths.paths.withUnsafeBufferPointer { paths in
            order.sort { i, j in
                let c = ascii ? compareBytes(paths[i], paths[j]) : (paths[i] == paths[j] ? 0 : (paths[i] < paths[j] ? -1 : 1))
                return c != 0 ? c < 0 : dvId(i) < dvId(j)
            }
        }
        return order
    }

    /// Rearranges `files` so that `files[k]` is the old `files[order[k]]`, by swapping
    /// elements along the permutation's cycles: no file is copied (no reference counting).
    static func permute(_ files: inout [AddFile], into order: [Int]) {
        var placed = [Bool](repeating: false, count: order.count)
        for start in order.indices where !placed[start] {
            // Position k takes the element at order[k]; follow the cycle from `start`.
            var k = start
            placed[k] = true
            while !placed[order[k]] {
                files.swapAt(k, order[k])
                k = order[k]
                placed[k] = true
            }
        }
    }

    /// `files` sorted by path, then deletion vector id: the order of ``Snapshot/activeFiles``.
    ///
    /// Sorts indexes, not the (large) files, and compares ASCII paths byte by byte, which
    /// orders them as `String`'s `<` does; any other path falls back to `String` comparison.
    static func sortedByPath(_ files: [AddFile]) -> [AddFile] {
        let order = sortOrder(files, paths: contiguousPaths(files))
        var files = files
        permute(&files, into: order)
        return files
    }

    /// Three-way byte comparison of two strings' UTF-8.
    static func compareBytes(_ a: String, _ b: String) -> Int {
        let result = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb -> Int in
                let n = min(pa.count, pb.count)
                if n > 0 {
                    let c = memcmp(pa.baseAddress!, pb.baseAddress!, n)
                    if c != 0 { return Int(c) }
                }
                return pa.count - pb.count
            }
        }
        if let result = result ?? nil { return result }
        return a == b ? 0 : (a < b ? -1 : 1)
    }
}
