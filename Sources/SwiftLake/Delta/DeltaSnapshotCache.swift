import Foundation
import DeltaLake
import ObjectStore

/// Snapshots of Delta tables kept between requests, by table location and version, and
/// refreshed incrementally as tables move on.
///
/// A read of the latest version starts from the newest cached snapshot of the table and
/// reads only what was committed after it (``DeltaLake/SnapshotBuilder/build(from:)``): when
/// nothing was, that is one listing of the log entries after it and one `HEAD`. A read of an
/// older version that is not cached starts from the newest cached snapshot before it, when
/// there is one, or replays from the checkpoint. Snapshots are immutable, so sharing them is
/// safe. Each table keeps its most recently used ``maxVersionsPerTable`` versions.
public actor DeltaSnapshotCache {
    /// How many versions of one table are kept.
    public let maxVersionsPerTable: Int
    private var entries: [String: [Int64: Snapshot]] = [:]
    private var recency: [String: [Int64]] = [:]
    /// How many snapshots were built from a checkpoint or the start of the log.
    public private(set) var builds = 0
    /// How many snapshots were built from a cached snapshot plus the commits after it.
    public private(set) var refreshes = 0

    /// An empty cache.
    public init(maxVersionsPerTable: Int = 8) { self.maxVersionsPerTable = max(1, maxVersionsPerTable) }

    /// The snapshot of `table` at `version` (the latest when `nil`), from the cache when present.
    public func snapshot(of table: DeltaTable, version: Int64?) async throws -> Snapshot {
        let location = table.builder.location
        if let version, let hit = entries[location]?[version] {
            touch(location, version)
            return hit
        }
        let cached = entries[location] ?? [:]
        let base = cached.keys.filter { version == nil || $0 < version! }.max().flatMap { cached[$0] }
        let snapshot: Snapshot
        if let base {
            snapshot = try await table.snapshot(refreshing: base, version: version)
            if snapshot.version != base.version || snapshot.logSegment != base.logSegment { refreshes += 1 }
        } else {
            snapshot = try await table.snapshot(version: version)
            builds += 1
        }
        if let base, base.metadata.id != snapshot.metadata.id {
            // The table was deleted and re-created at the same place (a new table id): the
            // cached snapshots describe a table that is gone.
            invalidate(location: location)
        }
        if let existing = entries[location]?[snapshot.version], existing.logSegment == snapshot.logSegment {
            touch(location, snapshot.version)
            return existing
        }
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
