import Foundation
import Synchronization

/// Decides when a read may use DuckDB's Parquet footer cache (`parquet_metadata_cache`).
///
/// Reading a Parquet file starts with its footer (schema, row groups, statistics), and a
/// query reads it more than once: DuckDB binds a prepared statement that scans files again
/// when it executes. The cache saves that work, and DuckDB checks each cached footer against
/// the file's identity: device, inode, size and modification time **in whole seconds**. That
/// check misses one case: a file rewritten in place (same inode, same size) within the same
/// second as the read that filled the cache would be served its old footer, and the query
/// would read the new bytes with the old layout.
///
/// So the cache is used only when every file of the read is *settled*:
/// - the whole second of its modification time ended at least ``settleInterval`` ago: a
///   footer cached from such a file cannot go stale unnoticed, because any later write gets
///   a later second;
/// - its status-change time (`ctime`, which no user can set) is the one seen when the cache
///   was last used for it, unless its DuckDB identity changed too. A file whose contents were
///   replaced with its old modification time put back (`cp -p`, `touch -d`) keeps its DuckDB
///   identity but not its `ctime`; such a file is read without the cache until its identity
///   changes.
/// Anything else (a file just written, one that cannot be examined) is read from disk.
///
/// Delta tables need none of this: their data files and checkpoints are never rewritten in
/// place, so their reads always use the cache.
final class FooterCachePolicy: Sendable {
    /// How long after the end of the second it was last modified in a file counts as settled:
    /// a margin for file systems whose clocks run coarser or slightly behind the system's.
    static let settleInterval: TimeInterval = 1

    /// What DuckDB compares (device, inode, size, whole seconds of mtime) and what we add.
    private struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSecond: Int
        var changeSeconds: Int
        var changeNanoseconds: Int

        var duckDBTag: [Int64] { [Int64(bitPattern: device), Int64(bitPattern: inode), size, Int64(modifiedSecond)] }
    }

    private struct State {
        /// The identity of each file when the cache was last used for it.
        var trusted: [String: Identity] = [:]
        /// Files whose cached footer may be stale, with the DuckDB identity it was cached under.
        var distrusted: [String: [Int64]] = [:]
    }

    private let state = Mutex(State())
    /// The most files remembered; beyond it the trusted list starts afresh (the distrusted
    /// list is kept, it is what guards against stale footers).
    private let capacity: Int
    /// Whether the cache is used at all.
    let enabled: Bool

    init(enabled: Bool, capacity: Int = 1_000_000) {
        self.enabled = enabled
        self.capacity = capacity
    }

    /// Whether a read of `files` (absolute paths of Parquet files that may be rewritten in
    /// place) may use the footer cache. When it may, the files' identities are remembered.
    func allowsCache(for files: [String], now: Date = Date()) -> Bool {
        guard enabled else { return false }
        var identities: [(String, Identity)] = []
        identities.reserveCapacity(files.count)
        let settledBefore = now.timeIntervalSince1970 - Self.settleInterval
        for file in files {
            guard let identity = Self.identity(of: file) else { return false }
            // A modification time in the future (clock skew, `touch -d`) is never settled.
            guard Double(identity.modifiedSecond) + 1 <= settledBefore else { return false }
            identities.append((file, identity))
        }
        return state.withLock { state in
            for (file, identity) in identities {
                if let suspect = state.distrusted[file] {
                    if suspect == identity.duckDBTag { return false }
                    state.distrusted[file] = nil
                }
                if let known = state.trusted[file], known.duckDBTag == identity.duckDBTag, known != identity {
                    state.distrusted[file] = identity.duckDBTag
                    state.trusted[file] = nil
                    return false
                }
            }
            if state.trusted.count + identities.count > capacity { state.trusted.removeAll(keepingCapacity: true) }
            for (file, identity) in identities { state.trusted[file] = identity }
            return true
        }
    }

    private static func identity(of path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Darwin)
        let (modified, changed) = (info.st_mtimespec, info.st_ctimespec)
        #else
        let (modified, changed) = (info.st_mtim, info.st_ctim)
        #endif
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                        modifiedSecond: Int(modified.tv_sec),
                        changeSeconds: Int(changed.tv_sec), changeNanoseconds: Int(changed.tv_nsec))
    }
}
