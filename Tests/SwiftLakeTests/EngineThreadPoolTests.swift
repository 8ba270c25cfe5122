import Foundation
import Synchronization
import Testing
@testable import SwiftLake

/// The engine's blocking calls each get a thread: however many run at once, none waits for
/// another to finish (on a two-core machine a core-sized pool made a long query delay every
/// other request, and the timers meant to interrupt it).
@Suite struct EngineThreadPoolTests {
    /// Waits (without blocking a Swift concurrency thread) until `done` holds, for at most 30 s.
    private func eventually(_ done: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !done(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func callsBlockedAtOnceEachRunOnTheirOwnThread() async throws {
        let pool = EngineThreadPool(name: "test-engine", keepAlive: .seconds(30))
        let calls = 4 * ProcessInfo.processInfo.activeProcessorCount + 4
        let running = Atomic<Int>(0)
        let release = DispatchSemaphore(value: 0)
        for _ in 0..<calls {
            pool.submit {
                running.add(1, ordering: .relaxed)
                release.wait()
            }
        }
        // Every call is running while all of them block: none had to wait for another to end.
        try await eventually { running.load(ordering: .relaxed) == calls }
        #expect(running.load(ordering: .relaxed) == calls)
        #expect(pool.threadCount == calls)
        for _ in 0..<calls { release.signal() }
    }

    @Test func callsOneAfterAnotherReuseTheIdleThread() async throws {
        let pool = EngineThreadPool(name: "test-engine", keepAlive: .seconds(60))
        let finished = Atomic<Int>(0)
        for call in 1...3 {
            pool.submit { finished.add(1, ordering: .relaxed) }
            try await eventually { finished.load(ordering: .relaxed) == call && pool.idleThreadCount == 1 }
        }
        #expect(finished.load(ordering: .relaxed) == 3)
        #expect(pool.threadCount == 1)
    }

    @Test func idleThreadsEndAfterTheKeepAliveAndNewCallsStartOneAgain() async throws {
        let pool = EngineThreadPool(name: "test-engine", keepAlive: .milliseconds(100))
        let finished = Atomic<Int>(0)
        pool.submit { finished.add(1, ordering: .relaxed) }
        try await eventually { finished.load(ordering: .relaxed) == 1 && pool.threadCount == 0 }
        #expect(finished.load(ordering: .relaxed) == 1)
        #expect(pool.threadCount == 0, "the idle thread ended")
        pool.submit { finished.add(1, ordering: .relaxed) }
        try await eventually { finished.load(ordering: .relaxed) == 2 }
        #expect(finished.load(ordering: .relaxed) == 2)
    }
}
