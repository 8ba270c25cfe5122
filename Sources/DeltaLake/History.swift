import ObjectStore

/// One commit in a table's history.
public struct HistoryEntry: Sendable, Hashable {
    /// The commit's version.
    public var version: Int64
    /// Milliseconds since the epoch: the commitInfo's `timestamp` (the writer's clock, as
    /// Delta clients report it in history), else the commit file's modification time.
    /// Time travel uses ``inCommitTimestamp`` instead where the table has them.
    public var timestamp: Int64
    /// The in-commit timestamp, when the commit has one.
    public var inCommitTimestamp: Int64? { commitInfo?.inCommitTimestamp }
    /// The commit's provenance, if it wrote a `commitInfo` (every field is kept).
    public var commitInfo: CommitInfo?

    /// The operation (e.g. `WRITE`, `DELETE`), when recorded.
    public var operation: String? { commitInfo?.operation }
    /// The operation's parameters, when recorded.
    public var operationParameters: [String: JSONValue]? { commitInfo?.operationParameters }
    /// The operation's metrics, when recorded.
    public var operationMetrics: [String: JSONValue]? { commitInfo?.operationMetrics }

    /// The entry as a JSON object: every commitInfo field plus `version` and `timestamp`.
    public var json: JSONValue {
        var fields = commitInfo?.fields ?? [:]
        fields["version"] = .int(version)
        fields["timestamp"] = .int(timestamp)
        return .object(fields)
    }
}

/// Reads the `commitInfo` of each commit still in the log.
public enum History {
    /// Commits newest first, at most `limit`; versions whose commit files were cleaned up
    /// (only a checkpoint remains) are not listed.
    public static func load(store: any ObjectStore, limit: Int? = nil) async throws -> [HistoryEntry] {
        if let limit, limit < 0 {
            throw DeltaError(.invalidArgument, "history limit \(limit) is negative")
        }
        let files = try await LogSegment.listLog(store: store)
        guard LogSegment.availableVersions(files) != nil else {
            throw DeltaError(.notFound, "no Delta table here: \(LogSegment.logDirectory) has no commits or checkpoints")
        }
        var commits = files.filter { $0.kind == .commit }.sorted { $0.version > $1.version }
        if let limit { commits = Array(commits.prefix(limit)) }
        return try await withThrowingTaskGroup(of: (Int, HistoryEntry).self) { group in
            var results = [HistoryEntry?](repeating: nil, count: commits.count)
            var next = 0
            func add(_ i: Int) {
                let file = commits[i]
                group.addTask {
                    let bytes = try await store.get(file.meta.path)
                    let info = try commitInfo(in: bytes, file: file.meta.path)
                    let timestamp = info?.timestamp ?? file.meta.lastModifiedMillis
                    return (i, HistoryEntry(version: file.version, timestamp: timestamp, commitInfo: info))
                }
            }
            while next < min(16, commits.count) { add(next); next += 1 }
            while let (i, entry) = try await group.next() {
                results[i] = entry
                if next < commits.count { add(next); next += 1 }
            }
            return results.compactMap { $0 }
        }
    }

    /// The `commitInfo` of a commit file, decoding only lines until it is found (so a
    /// malformed action elsewhere in an old commit does not hide its history).
    static func commitInfo(in bytes: [UInt8], file: String) throws -> CommitInfo? {
        var found: CommitInfo?
        try bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count, found == nil {
                var end = start
                while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                if line.contains(where: { $0 > 0x20 }) {
                    let json = try JSONValue.parse(bytes: line)
                    if let body = json["commitInfo"], !body.isNull { found = CommitInfo(json: body) }
                }
                start = end + 1
            }
        }
        return found
    }
}
