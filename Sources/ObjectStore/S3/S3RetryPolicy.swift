/// When and how long to wait before repeating a failed S3 request.
///
/// Retried: HTTP 500, 502, 503 and 504, 429, S3's throttling and transient codes
/// (`SlowDown`, `Throttling`, `RequestTimeout`, `InternalError`, `ConditionalRequestConflict`)
/// and connection failures. The wait before attempt *n* (1-based retries) is a random
/// duration up to `min(maxDelay, baseDelay · 2ⁿ⁻¹)` ("full jitter"), so concurrent
/// clients that were throttled together spread out.
public struct S3RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included (1 disables retries).
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry.
    public var baseDelay: Duration
    /// The largest backoff ceiling.
    public var maxDelay: Duration

    /// A policy; the defaults make 5 attempts over at most about 3 seconds of waiting.
    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries at all.
    public static var none: S3RetryPolicy { S3RetryPolicy(maxAttempts: 1) }

    /// The wait before retry number `retry` (1 for the first retry), with full jitter.
    public func delay(beforeRetry retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let nanos = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        guard nanos > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanos))
    }
}
