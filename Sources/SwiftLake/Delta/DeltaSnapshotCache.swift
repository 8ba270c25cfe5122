import DeltaLake
import ObjectStore

/// Snapshots of Delta tables kept between requests, by table location and version.
///
/// DeltaLake's ``DeltaLake/SnapshotBuilder`` builds a snapshot from a log segment and cannot
/// extend an existing one, so this cache works by (table, version): a read of the latest
/// version lists only `_delta_log/` to learn the newest version, and replays the log only when
/// that version is not cached yet (a new commit). Snapshots are immutable, so sharing them is
/// safe. Each table keeps its most recently used ``maxVersionsPerTable`` versions.
public actor DeltaSnapshotCache {
    /// How many versions of one table are kept.
    public let maxVersionsPerTable: Int
    private var entries: [String: [Int64: Snapshot]] = [:]
    private var recency: [String: [Int64]] = [:]
    /// How many snapshots were built (log replays) since the cache was created.
    public private(set) var builds = 0

    /// An empty cache.
    public init(maxVersionsPerTable: Int = 8) { self.maxVersionsPerTable = max(1, maxVersionsPerTable) }

    /// The snapshot of `table` at `version` (the latest when `nil`), from the cache when present.
    public func snapshot(of table: DeltaTable, version: Int64?) async throws -> Snapshot {
        let location = table.builder.location
        let wanted: Int64
        if let version {
            wanted = version
        } else {
            let files = try await LogSegment.listLog(store: table.store)
            guard let range = LogSegment.availableVersions(files) else {
                throw DeltaError(.notFound, "no Delta table at \(location): \(LogSegment.logDirectory) holds no commits or checkpoints")
            }
            wanted = range.upperBound
        }
        if let hit = entries[location]?[wanted] {
            touch(location, wanted)
            return hit
        }
        let snapshot = try await table.snapshot(version: wanted)
        builds += 1
        entries[location, default: [:]][snapshot.version] = snapshot
        touch(location, snapshot.version)
        return snapshot
    }

    /// Forgets every snapshot of the table at `location`.
    public func invalidate(location: String) {
        entries[location] = nil
        recency[location] = nil
    }

    private func touch(_ location: String, _ version: Int64) {
        var order = recency[location, default: []].filter { $0 != version }
        order.append(version)
        while order.count > maxVersionsPerTable {
            entries[location]?[order.removeFirst()] = nil
        }
        recency[location] = order
    }
}
