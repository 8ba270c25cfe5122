import ObjectStore

/// The log files that reconstruct one version of a table: the newest usable checkpoint at
/// or before it, and the JSON commits after that checkpoint up to the version
/// (PROTOCOL.md, "Checkpoints", "Last Checkpoint File").
///
/// Replay cost is bounded by the commits since the checkpoint. `_last_checkpoint` is only a
/// hint: it narrows the listing when it is right; when it is stale, missing or corrupt the
/// whole `_delta_log/` is listed instead, never an error.
///
/// Invariants: `commits` are contiguous, ascending, and run from
/// `(checkpointVersion ?? -1) + 1` to `endVersion`; `checkpointFiles` are all parts of one
/// complete checkpoint at `checkpointVersion`.
public struct LogSegment: Sendable, Hashable {
    /// `_delta_log/`, relative to the table root.
    public static let logDirectory = "_delta_log/"
    /// `_delta_log/_sidecars/`, where v2 checkpoint sidecars live.
    public static let sidecarDirectory = "_delta_log/_sidecars/"
    /// `_delta_log/_last_checkpoint`.
    public static let lastCheckpointPath = "_delta_log/_last_checkpoint"

    /// The version this segment reconstructs.
    public var endVersion: Int64
    /// The checkpoint's version, if the segment starts from one.
    public var checkpointVersion: Int64?
    /// All files of that checkpoint (one for classic and v2, `parts` for multi-part).
    public var checkpointFiles: [LogFile]
    /// The commits after the checkpoint, ascending.
    public var commits: [LogFile]
    /// Whether the listing started at the `_last_checkpoint` hint (a partial listing).
    public var usedCheckpointHint: Bool
    /// The commit of the checkpoint's version, when it is still in the log. Replay does not
    /// need it, but a segment that ends at its checkpoint takes the version's timestamp from it.
    public var checkpointCommit: LogFile? = nil

    /// Finds the segment for `version` (the latest when `nil`) of the table in `store`.
    ///
    /// Errors: `notFound` when there is no log, or the version is beyond the latest or
    /// before the earliest reconstructable one (with ``DeltaError/availableVersions``);
    /// `corruptLog` naming missing commits when the log has a gap.
    public static func build(store: any ObjectStore, version: Int64? = nil) async throws -> LogSegment {
        if let version, version < 0 {
            throw DeltaError(.invalidArgument, "version \(version) is negative; versions start at 0")
        }
        // 1. The hint, if it is readable and useful for this version.
        if let hint = await readLastCheckpointHint(store: store), version.map({ $0 >= hint }) ?? true {
            let startAfter = logDirectory + LogFile.paddedVersion(hint)
            // Lists every entry of version ≥ hint ("…hint.json" sorts after "…hint").
            let listed = try await listLog(store: store, startAfter: startAfter)
            if let segment = try? select(listed, version: version, partial: true),
               segment.checkpointVersion != nil {
                var segment = segment
                segment.usedCheckpointHint = true
                return segment
            }
        }
        // 2. The whole log.
        return try select(try await listLog(store: store, startAfter: nil), version: version, partial: false)
    }

    /// Every log entry (commits, checkpoints, checksums) of the table, sorted by path.
    public static func listLog(store: any ObjectStore, startAfter: String? = nil) async throws -> [LogFile] {
        do {
            return try await store.list(prefix: logDirectory, startAfter: startAfter).compactMap(LogFile.init)
        } catch let error as ObjectStoreError {
            throw DeltaError(.storage, "listing \(logDirectory) failed: \(error.message)", cause: error)
        }
    }

    /// The version in `_delta_log/_last_checkpoint`, or `nil` when it is missing or unreadable.
    static func readLastCheckpointHint(store: any ObjectStore) async -> Int64? {
        guard let bytes = try? await store.get(lastCheckpointPath),
              let json = try? JSONValue.parse(utf8: bytes),
              let version = json["version"]?.int64Value, version >= 0 else { return nil }
        return version
    }

    /// The range of versions that can be read, from a full listing: from the earliest
    /// complete checkpoint (or 0 when the first commit is there) to the latest version.
    public static func availableVersions(_ files: [LogFile]) -> ClosedRange<Int64>? {
        let commits = Set(files.filter { $0.kind == .commit }.map(\.version))
        let checkpoints = completeCheckpoints(files).keys
        guard let latest = (commits.max().map { [$0] } ?? []).appending(contentsOf: checkpoints).max() else { return nil }
        var earliest = checkpoints.min() ?? latest
        if commits.contains(0) { earliest = 0 } else if let c = commits.min(), checkpoints.isEmpty { earliest = c }
        return earliest...latest
    }

    /// Complete checkpoints by version (each as the list of its files), preferring v2, then
    /// classic, then multi-part when one version has several.
    static func completeCheckpoints(_ files: [LogFile]) -> [Int64: [LogFile]] {
        var result: [Int64: (rank: Int, files: [LogFile])] = [:]
        var multiPart: [Int64: [Int: [Int: LogFile]]] = [:]  // version → parts → part → file
        func offer(_ version: Int64, rank: Int, _ files: [LogFile]) {
            if let existing = result[version], existing.rank >= rank { return }
            result[version] = (rank, files)
        }
        for file in files {
            switch file.kind {
            case .v2Checkpoint: offer(file.version, rank: 3, [file])
            case .checkpoint: offer(file.version, rank: 2, [file])
            case .multiPartCheckpoint(let part, let parts): multiPart[file.version, default: [:]][parts, default: [:]][part] = file
            default: break
            }
        }
        for (version, byTotal) in multiPart {
            for (total, parts) in byTotal.sorted(by: { $0.key > $1.key }) where parts.count == total {
                offer(version, rank: 1, (1...total).map { parts[$0]! })
                break
            }
        }
        return result.mapValues(\.files)
    }

    static func select(_ files: [LogFile], version: Int64?, partial: Bool) throws -> LogSegment {
        var commits: [Int64: LogFile] = [:]
        for file in files where file.kind == .commit { commits[file.version] = file }
        let checkpoints = completeCheckpoints(files)
        guard let range = availableVersions(files) else {
            throw DeltaError(.notFound,
                "no Delta table here: \(logDirectory) has no commits or checkpoints. Check the path, or create the table first.")
        }
        let end = version ?? range.upperBound
        if end > range.upperBound {
            throw DeltaError(.notFound,
                "version \(end) does not exist; the table's versions are \(partial ? "up to" : "\(range.lowerBound) to") \(range.upperBound)",
                availableVersions: partial ? nil : range)
        }
        let checkpointVersion = checkpoints.keys.filter { $0 <= end }.max()
        let start = (checkpointVersion ?? -1) + 1
        var missing: [Int64] = []
        if start <= end {
            for v in start...end where commits[v] == nil {
                missing.append(v)
                if missing.count > 1000 { break }
            }
        }
        if !missing.isEmpty {
            if checkpointVersion == nil && commits[0] == nil && end < range.lowerBound {
                throw DeltaError(.notFound,
                    "version \(end) can no longer be reconstructed: its commits were cleaned up and no checkpoint precedes it. Readable versions: \(range.lowerBound) to \(range.upperBound)",
                    availableVersions: range)
            }
            if checkpointVersion == nil && commits[0] == nil && !partial {
                throw DeltaError(.notFound,
                    "version \(end) can no longer be reconstructed: commits \(describe(missing)) are missing and no checkpoint precedes them. Readable versions: \(range.lowerBound) to \(range.upperBound)",
                    availableVersions: range)
            }
            throw DeltaError(.corruptLog,
                "the Delta log has a gap: commit file(s) for version(s) \(describe(missing)) are missing from \(logDirectory) (needed to read version \(end)). Restore the missing file(s) or read a version before the gap.",
                missingVersions: missing)
        }
        return LogSegment(
            endVersion: end,
            checkpointVersion: checkpointVersion,
            checkpointFiles: checkpointVersion.map { checkpoints[$0]! } ?? [],
            commits: start <= end ? (start...end).map { commits[$0]! } : [],
            usedCheckpointHint: false,
            checkpointCommit: checkpointVersion.flatMap { commits[$0] })
    }

    static func describe(_ versions: [Int64]) -> String {
        if versions.count > 10 { return versions.prefix(10).map(String.init).joined(separator: ", ") + ", … (\(versions.count) in all)" }
        return versions.map(String.init).joined(separator: ", ")
    }
}

extension Array {
    fileprivate func appending<S: Sequence>(contentsOf other: S) -> [Element] where S.Element == Element {
        var copy = self
        copy.append(contentsOf: other)
        return copy
    }
}
