import DuckDB
import Foundation

/// A fixed set of DuckDB connections, opened while the database could still be configured.
///
/// Why a pool: the sandbox ends with `lock_configuration = true`, after which a new connection
/// can no longer switch on DuckDB's per-session progress tracking (`enable_progress_bar`), and
/// progress bars need it. So every connection is opened, and its session set up, before the
/// lock; operations then borrow one and give it back. The pool size bounds how many engine
/// operations run at once; further callers wait their turn in order.
final class ConnectionPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Connection]
    private var waiters: [CheckedContinuation<Connection, Never>] = []
    /// How many connections the pool holds.
    let size: Int

    init(database: Database, size: Int, trackingProgress: Bool) throws {
        self.size = size
        idle = try (0..<size).map { _ in try database.connect(trackingProgress: trackingProgress) }
    }

    /// Borrows a connection, waiting until one is free.
    func acquire() async -> Connection {
        await withCheckedContinuation { continuation in
            let connection: Connection? = lock.withLock {
                if let connection = idle.popLast() { return connection }
                waiters.append(continuation)
                return nil
            }
            if let connection { continuation.resume(returning: connection) }
        }
    }

    /// Gives a connection back (to the longest waiter, if any).
    func release(_ connection: Connection) {
        let waiter: CheckedContinuation<Connection, Never>? = lock.withLock {
            if waiters.isEmpty {
                idle.append(connection)
                return nil
            }
            return waiters.removeFirst()
        }
        waiter?.resume(returning: connection)
    }

    /// Connections free right now.
    var available: Int { lock.withLock { idle.count } }
}
