import CDuckDB
import Dispatch
import Foundation

extension Connection {
    /// Runs `body`; if it has not returned after `timeout`, interrupts the connection's query.
    ///
    /// The interrupted query throws ``DuckDBError`` with code ``DuckDBError/Code/interrupted`` and a
    /// message saying the query exceeded the timeout. After the deadline the connection is
    /// interrupted again every 50 ms until `body` returns, so a statement that starts late is
    /// stopped too; once `body` returns no further interrupt is sent. `nil` means no timeout.
    ///
    /// ```swift
    /// let rows = try connection.withTimeout(.seconds(30)) {
    ///     try connection.query(userSQL).rows()
    /// }
    /// ```
    public func withTimeout<T>(_ timeout: Duration?, _ body: () throws -> T) throws -> T {
        guard let timeout else { return try body() }
        let deadline = TimeoutDeadline()
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        timer.schedule(deadline: .now() + timeout.dispatchInterval, repeating: .milliseconds(50))
        timer.setEventHandler { [self] in deadline.interrupt(self) }
        timer.resume()

        let outcome: Result<T, any Error>
        do {
            outcome = .success(try body())
        } catch {
            outcome = .failure(error)
        }
        timer.cancel()
        let expired = deadline.disarm()

        switch outcome {
        case let .success(value):
            return value
        case let .failure(error as DuckDBError) where expired && error.code == .interrupted:
            throw DuckDBError(
                code: .interrupted,
                message: "Query exceeded the timeout of \(timeout.secondsText) and was interrupted",
                sql: error.sql,
                underlyingErrorType: error.underlyingErrorType)
        case let .failure(error):
            throw error
        }
    }
}

/// The state a timeout's timer shares with ``Connection/withTimeout(_:_:)``.
private final class TimeoutDeadline: @unchecked Sendable {
    private let lock = NSLock()
    private var disarmed = false
    private var expired = false

    /// Interrupts the connection unless the body has already returned.
    func interrupt(_ connection: Connection) {
        lock.lock()
        defer { lock.unlock() }
        guard !disarmed else { return }
        expired = true
        connection.interrupt()
    }

    /// Stops further interrupts; returns whether the deadline passed.
    func disarm() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        disarmed = true
        return expired
    }
}

extension Duration {
    fileprivate var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return .nanoseconds(0) }
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanos.overflow, nanos.partialValue < Int64(Int.max) - 1_000_000_000 else { return .never }
        return .nanoseconds(Int(nanos.partialValue + attoseconds / 1_000_000_000))
    }

    /// `"2 seconds"`, `"0.5 seconds"`, `"1 second"`.
    fileprivate var secondsText: String {
        let (seconds, attoseconds) = components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        let number = value == value.rounded() ? String(Int64(value)) : String(value)
        return number + (value == 1 ? " second" : " seconds")
    }
}
