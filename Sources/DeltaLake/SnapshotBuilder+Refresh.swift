import ObjectStore

extension SnapshotBuilder {
    /// The most commits a refresh replays on top of an older snapshot; beyond it the snapshot
    /// is built afresh from the newest checkpoint, which is then usually cheaper.
    public static let maxIncrementalCommits: Int64 = 1000

    /// Builds the snapshot at ``version`` (the latest when `nil`) from `base`, an earlier
    /// snapshot of the same table, reading only the commits after `base.version`.
    ///
    /// This is how a long-lived reader follows a table: when nothing was committed since
    /// `base`, it costs one listing of the log entries after `base` and one `HEAD` of the
    /// newest log file `base` read (which tells a table that was deleted and re-created at
    /// the same place from one that did not move); otherwise also the new commits. Snapshots
    /// are immutable: `base` is not changed.
    ///
    /// Falls back to a full ``build()`` when an incremental refresh cannot give the right
    /// answer or would cost more: an older version is wanted, `base` belongs to another
    /// location, `base`'s newest log file changed, the commits after it are not all there
    /// (cleaned up by log retention), or more than ``maxIncrementalCommits`` of them.
    public func build(from base: Snapshot) async throws -> Snapshot {
        if let version, version < base.version { return try await build() }
        guard base.location == location, let anchor = base.logSegment.newestFile,
              try await isUnchanged(anchor) else { return try await build() }
        let after = LogSegment.logDirectory + LogFile.paddedVersion(base.version) + ".json"
        let listed = try await LogSegment.listLog(store: store, startAfter: after)
        let commits = listed.filter { $0.kind == .commit && $0.version > base.version }
        let target = version ?? commits.last?.version ?? base.version
        if target == base.version { return base }
        let needed = commits.filter { $0.version <= target }
        guard target - base.version <= Self.maxIncrementalCommits,
              needed.count == Int(target - base.version),
              needed.first?.version == base.version + 1, needed.last?.version == target else {
            return try await build()
        }
        var replay = Replay(base)
        let lastCommitInfo = replay.apply(commits: try await readCommits(needed))
        var segment = base.logSegment
        segment.endVersion = target
        segment.commits += needed
        return try finish(replay, segment: segment, lastCommitInfo: lastCommitInfo)
    }

    /// Whether `file` is still in the log exactly as it was listed.
    private func isUnchanged(_ file: LogFile) async throws -> Bool {
        let current: ObjectMeta?
        do { current = try await store.head(file.meta.path) } catch let error as ObjectStoreError {
            throw DeltaError(.storage, "reading \(file.meta.path) failed: \(error.message)", cause: error)
        }
        guard let current else { return false }
        return current.size == file.meta.size && current.lastModified == file.meta.lastModified
    }
}

extension LogSegment {
    /// The newest file this segment was built from: its last commit, else its checkpoint.
    var newestFile: LogFile? { commits.last ?? checkpointFiles.last }
}

extension DeltaTable {
    /// The snapshot at `version` (the latest when `nil`), built from `base`, an earlier
    /// snapshot of this table, by reading only the commits after it
    /// (see ``SnapshotBuilder/build(from:)``).
    public func snapshot(refreshing base: Snapshot, version: Int64? = nil) async throws -> Snapshot {
        try await builder.atVersion(version).build(from: base)
    }
}
