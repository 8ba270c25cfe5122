import DuckDB
import Foundation

/// A fixed set of DuckDB sessions, opened while the database could still be configured.
///
/// Why a pool: the sandbox ends with `lock_configuration = true`, after which a new connection
/// can no longer switch on per-session settings: DuckDB's progress tracking
/// (`enable_progress_bar`), which progress bars need, and the Parquet footer cache (see
/// ``FooterCachePolicy``). So every connection is opened, and its session set up, before the
/// lock; operations then borrow one and give it back.
///
/// Each slot holds two connections: one that reads and fills DuckDB's Parquet footer cache
/// and one that bypasses it, for files the cache cannot be trusted with yet. An operation
/// borrows a slot and uses one of them, so the pool size alone bounds how many engine
/// operations run at once; further callers wait their turn in order.
final class ConnectionPool: @unchecked Sendable {
    /// One unit of concurrency: the same session set up twice, with and without the footer cache.
    private struct Slot {
        let cached: Connection
        let uncached: Connection
    }

    private let lock = NSLock()
    private var idle: [Slot]
    private var waiters: [CheckedContinuation<Slot, Never>] = []
    /// The slot each borrowed connection belongs to.
    private var borrowed: [ObjectIdentifier: Slot] = [:]
    /// How many operations may hold a connection at once.
    let size: Int

    /// Opens `size` slots. `cachesFooters` is whether the cached connections use DuckDB's
    /// Parquet footer cache at all (the uncached ones never do).
    init(database: Database, size: Int, trackingProgress: Bool, cachesFooters: Bool) throws {
        self.size = size
        idle = try (0..<size).map { _ in
            let cached = try database.connect(trackingProgress: trackingProgress)
            let uncached = try database.connect(trackingProgress: trackingProgress)
            try cached.execute("SET SESSION parquet_metadata_cache = \(cachesFooters)")
            try uncached.execute("SET SESSION parquet_metadata_cache = false")
            return Slot(cached: cached, uncached: uncached)
        }
    }

    /// Borrows a connection, waiting until a slot is free. With `footerCache` the connection
    /// reads Parquet footers through DuckDB's cache; without it, from the files.
    func acquire(footerCache: Bool) async -> Connection {
        let slot = await withCheckedContinuation { (continuation: CheckedContinuation<Slot, Never>) in
            let slot: Slot? = lock.withLock {
                if let slot = idle.popLast() { return slot }
                waiters.append(continuation)
                return nil
            }
            if let slot { continuation.resume(returning: slot) }
        }
        let connection = footerCache ? slot.cached : slot.uncached
        lock.withLock { borrowed[ObjectIdentifier(connection)] = slot }
        return connection
    }

    /// Gives a borrowed connection's slot back (to the longest waiter, if any).
    func release(_ connection: Connection) {
        let waiter: (CheckedContinuation<Slot, Never>, Slot)? = lock.withLock {
            guard let slot = borrowed.removeValue(forKey: ObjectIdentifier(connection)) else { return nil }
            if waiters.isEmpty {
                idle.append(slot)
                return nil
            }
            return (waiters.removeFirst(), slot)
        }
        if let (continuation, slot) = waiter { continuation.resume(returning: slot) }
    }

    /// Slots free right now.
    var available: Int { lock.withLock { idle.count } }
}
