import ObjectStore

/// A Delta table at a location: the entry point for snapshots (latest, at a version, at a
/// timestamp) and history. Cheap to create; every call reads the log afresh.
public struct DeltaTable: Sendable {
    /// Builds the snapshots.
    public let builder: SnapshotBuilder

    /// A table whose root is the root of `store`; `location` names it for the engine
    /// (absolute path or URL) and in messages.
    public init(store: any ObjectStore, location: String, checkpointReader: any CheckpointReader = NoCheckpointReader()) {
        builder = SnapshotBuilder(store: store, location: location, checkpointReader: checkpointReader)
    }

    /// A local table at the directory `path`.
    public init(path: String, checkpointReader: any CheckpointReader = NoCheckpointReader()) {
        let store = LocalStore(root: path)
        self.init(store: store, location: store.root, checkpointReader: checkpointReader)
    }

    /// The object store holding the table.
    public var store: any ObjectStore { builder.store }

    /// The snapshot at `version`, or the latest.
    public func snapshot(version: Int64? = nil) async throws -> Snapshot {
        try await builder.atVersion(version).build()
    }

    /// The snapshot of the latest version committed at or before `timestamp` (milliseconds
    /// since the epoch). Commit times are in-commit timestamps where the table has them
    /// (from `delta.inCommitTimestampEnablementVersion` on), file modification times before.
    /// A timestamp after the latest commit gives the latest version; one before the earliest
    /// readable version is `notFound`.
    public func snapshot(timestamp: Int64) async throws -> Snapshot {
        let version = try await version(atTimestamp: timestamp)
        return try await snapshot(version: version)
    }

    /// The version a read at `timestamp` sees (see ``snapshot(timestamp:)``).
    public func version(atTimestamp timestamp: Int64) async throws -> Int64 {
        let latest = try await snapshot()
        let files = try await LogSegment.listLog(store: store)
        guard let range = LogSegment.availableVersions(files) else {
            throw DeltaError(.notFound, "no Delta table at \(builder.location)")
        }
        var commits: [Int64: LogFile] = [:]
        for file in files where file.kind == .commit { commits[file.version] = file }
        let versions = commits.keys.filter { range.contains($0) }.sorted()
        guard !versions.isEmpty else { return latest.version }

        let ictStart: Int64? = latest.metadata.inCommitTimestampsEnabled
            ? (latest.metadata.inCommitTimestampEnablementVersion ?? 0) : nil
        var cache: [Int64: Int64] = [:]
        func commitTime(_ v: Int64) async throws -> Int64 {
            if let ictStart, v >= ictStart {
                if let t = cache[v] { return t }
                let actions = try Action.decodeLines(try await store.get(commits[v]!.meta.path), file: commits[v]!.meta.path)
                for case .commitInfo(let info) in actions {
                    if let t = info.inCommitTimestamp { cache[v] = t; return t }
                }
                throw DeltaError(.corruptLog, "commit \(v) lacks the inCommitTimestamp that in-commit timestamps require")
            }
            return commits[v]!.meta.lastModifiedMillis
        }
        let first = versions[0]
        let firstTime = try await commitTime(first)
        if timestamp < firstTime {
            throw DeltaError(.notFound,
                "no version was committed at or before \(PartitionValues.formatTimestamp(micros: timestamp * 1000))Z; the earliest readable version \(first) was committed at \(PartitionValues.formatTimestamp(micros: firstTime * 1000))Z",
                availableVersions: range)
        }
        // In-commit timestamps are monotonic: binary search them (O(log n) commit reads).
        let ictVersions = ictStart.map { s in versions.filter { $0 >= s } } ?? []
        if let firstICT = ictVersions.first, try await commitTime(firstICT) <= timestamp {
            var lo = 0, hi = ictVersions.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if try await commitTime(ictVersions[mid]) <= timestamp { lo = mid } else { hi = mid - 1 }
            }
            return ictVersions[lo]
        }
        // File times: the last version whose commit time is at or before the timestamp.
        var answer = first
        for v in versions where ictStart.map({ v < $0 }) ?? true {
            if try await commitTime(v) <= timestamp { answer = v }
        }
        return answer
    }

    /// The table's commits, newest first, at most `limit` (all when `nil`).
    public func history(limit: Int? = nil) async throws -> [HistoryEntry] {
        try await History.load(store: store, limit: limit)
    }
}
