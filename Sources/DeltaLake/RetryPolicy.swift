/// How often and how patiently a commit retries after losing the race for a version to a
/// commit it does not conflict with.
///
/// Attempt `n` (from 1) that loses waits a random time in `0...min(maxDelay, baseDelay · 2^(n-1))`
/// ("full jitter") before attempt `n + 1`, so writers that collided spread out. After
/// `maxAttempts` lost races the commit fails with ``CommitConflict/Kind/retriesExhausted``.
public struct RetryPolicy: Sendable, Hashable {
    /// The most attempts (puts of a commit file), at least 1.
    public var maxAttempts: Int
    /// The upper bound of the first wait.
    public var baseDelay: Duration
    /// The cap on any wait.
    public var maxDelay: Duration

    /// Creates a policy; `maxAttempts` below 1 counts as 1.
    public init(maxAttempts: Int = 10, baseDelay: Duration = .milliseconds(5), maxDelay: Duration = .seconds(1)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The default: 10 attempts, waits from at most 5 ms doubling up to at most 1 s.
    public static var `default`: RetryPolicy { RetryPolicy() }

    /// The wait after losing attempt `attempt` (1-based): random, at most the bound above.
    public func delay(afterAttempt attempt: Int) -> Duration {
        let base = Self.nanoseconds(baseDelay), cap = Self.nanoseconds(maxDelay)
        let exponent = min(max(attempt - 1, 0), 62)
        let bound = min(cap, base * Double(sign: .plus, exponent: exponent, significand: 1))
        guard bound > 0 else { return .zero }
        return .nanoseconds(Int64(Double.random(in: 0...bound)))
    }

    static func nanoseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9
    }
}
