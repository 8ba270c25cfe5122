import DeltaLake

/// Which `_delta_log/` entries log cleanup may delete (Delta's "metadata cleanup"): those
/// older than `delta.logRetentionDuration` that no version inside the retention needs.
///
/// A version is inside the retention when it was committed after the cutoff. Commit times are
/// the commit files' modification times, made monotonic (a commit counts as no older than
/// any commit before it), as Spark's `BufferingLogDeletionIterator` does. Reading the earliest
/// version inside the retention (or, when every version is older, the latest) needs the newest
/// complete checkpoint at or before it, `C`, and the commits after `C`. So the entries of
/// versions before `C` (commits, checkpoints, checksums, compactions ending before `C`) that
/// were themselves written before the cutoff are deleted; `C` and everything after it stay.
/// Without such a checkpoint nothing is deleted.
struct LogCleanupPlan: Sendable, Equatable {
    /// The entries to delete, by path.
    let deletions: [LogFile]
    /// The checkpoint the oldest kept version is read from (the earliest readable version
    /// after cleanup), or `nil` when nothing may be deleted.
    let oldestCheckpoint: Int64?

    /// Plans cleanup of the log `files` (a full listing) for entries written before `cutoff`
    /// (milliseconds since the epoch).
    init(files: [LogFile], cutoff: Int64) {
        let commits = files.filter { $0.kind == .commit }.sorted { $0.version < $1.version }
        guard let latest = files.map(\.version).max() else {
            deletions = []
            oldestCheckpoint = nil
            return
        }
        var earliestInRetention = latest
        var newestSoFar = Int64.min
        for commit in commits {
            newestSoFar = max(newestSoFar, commit.meta.lastModifiedMillis)
            if newestSoFar > cutoff {
                earliestInRetention = commit.version
                break
            }
        }
        guard let checkpoint = Self.completeCheckpointVersions(files).filter({ $0 <= earliestInRetention }).max() else {
            deletions = []
            oldestCheckpoint = nil
            return
        }
        oldestCheckpoint = checkpoint
        deletions = files.filter { file in
            guard file.meta.lastModifiedMillis <= cutoff else { return false }
            if case .compactedCommits(let to) = file.kind { return to < checkpoint }
            return file.version < checkpoint
        }.sorted { $0.meta.path < $1.meta.path }
    }

    /// Versions with a complete checkpoint: a classic or v2 one, or every part of a multi-part one.
    static func completeCheckpointVersions(_ files: [LogFile]) -> Set<Int64> {
        var versions = Set<Int64>()
        var parts: [Int64: [Int: Set<Int>]] = [:]  // version → part count → parts present
        for file in files {
            switch file.kind {
            case .checkpoint, .v2Checkpoint: versions.insert(file.version)
            case .multiPartCheckpoint(let part, let total): parts[file.version, default: [:]][total, default: []].insert(part)
            default: break
            }
        }
        for (version, byTotal) in parts where byTotal.contains(where: { $0.value.count == $0.key }) {
            versions.insert(version)
        }
        return versions
    }
}
