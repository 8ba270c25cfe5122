import DuckDB
import Foundation

/// Interrupts a connection's running query when a timeout expires.
final class Deadline: @unchecked Sendable {
    let timeout: Duration?
    private let item: DispatchWorkItem?
    private let lock = NSLock()
    private var didFire = false
    private var cancelled = false

    /// Starts the clock; with a `nil` timeout nothing ever fires.
    init(connection: Connection, timeout: Duration?) {
        self.timeout = timeout
        guard let timeout else { item = nil; return }
        var fire: (() -> Void)?
        let item = DispatchWorkItem { fire?() }
        self.item = item
        fire = { [weak self, weak connection] in
            guard let self else { return }
            // Under the lock, so that once cancel() returns no interrupt can follow: the
            // connection may already serve another operation by then.
            self.lock.withLock {
                guard !self.cancelled else { return }
                self.didFire = true
                connection?.interrupt()
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout.timeInterval, execute: item)
    }

    /// Whether the timeout expired (and the query was interrupted).
    var fired: Bool { lock.withLock { didFire } }

    /// Stops the clock.
    func cancel() {
        lock.withLock { cancelled = true }
        item?.cancel()
    }
}
