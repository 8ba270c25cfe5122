import Foundation

/// Dedicated threads for blocking calls: a call waits only for a thread to start, never for
/// another call to finish.
///
/// DuckDB's C API keeps its calling thread busy for the whole of a query, so the threads that
/// run those calls must not be a fixed few shared by every caller. Swift's cooperative pool and
/// Dispatch's global queues both size themselves by the number of cores (two on a small
/// machine), so one long query there delayed every other request, and the timers that
/// interrupt queries with it. Here a call finds an idle thread or starts a new one; how many
/// calls run at once is bounded by the callers (each engine's ``ConnectionPool``), not by the
/// pool. Threads left idle for ``keepAlive`` end, so a burst leaves nothing behind.
final class EngineThreadPool: @unchecked Sendable {
    /// The pool every engine in the process uses.
    static let shared = EngineThreadPool(name: "swiftlake-engine")

    /// How long an idle thread waits for work before it ends.
    let keepAlive: Duration
    private let name: String
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var idleThreads = 0
    private var liveThreads = 0

    init(name: String, keepAlive: Duration = .seconds(30)) {
        self.name = name
        self.keepAlive = keepAlive
    }

    /// Threads alive right now (running a call or idle).
    var threadCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return liveThreads
    }

    /// Threads waiting for work right now.
    var idleThreadCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return idleThreads
    }

    /// Runs `job` on a pool thread: an idle one if there is one, else a new one.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        // Every idle thread takes at most one job when it wakes, so start a thread for each
        // job the idle ones cannot cover.
        let startsThread = idleThreads < jobs.count
        if startsThread {
            liveThreads += 1
        } else {
            condition.signal()
        }
        condition.unlock()
        if startsThread {
            let thread = Thread { [self] in work() }
            thread.name = name
            // DuckDB's planner and Parquet reader recurse deeply on wide or nested schemas.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// A thread's life: take jobs until none comes for `keepAlive`.
    private func work() {
        condition.lock()
        while true {
            while jobs.isEmpty {
                idleThreads += 1
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: keepAlive.timeInterval))
                idleThreads -= 1
                if !signalled, jobs.isEmpty {
                    liveThreads -= 1
                    condition.unlock()
                    return
                }
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
        }
    }
}
