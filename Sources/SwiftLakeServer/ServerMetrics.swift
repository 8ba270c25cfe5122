import Prometheus
import Synchronization
import SwiftLake

/// The server's Prometheus metrics, in a registry owned by one application (the global
/// `MetricsSystem` is never bootstrapped, so many applications can live in one process).
///
/// - `swiftlake_http_requests_total{method,route,status}`
/// - `swiftlake_http_request_duration_seconds{method,route}` (histogram, until the body is sent)
/// - `swiftlake_http_requests_in_flight`
/// - `swiftlake_query_rows_returned_total{route}`
/// - `swiftlake_errors_total{code}`
/// - with an S3 root, the S3 cache: `swiftlake_s3_cache_bytes`, `swiftlake_s3_cache_files`,
///   `swiftlake_s3_cache_fetched_bytes_total`, `swiftlake_s3_cache_downloads_total`,
///   `swiftlake_s3_cache_hits_total` (read from the cache when `/metrics` is rendered)
final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let s3Cache: S3FileCache?
    /// The cache's counters as last exported (counters only grow by the difference).
    private let exportedS3Counters = Mutex<(fetched: Int64, downloads: Int, hits: Int)>((0, 0, 0))

    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    init(s3Cache: S3FileCache? = nil) {
        self.s3Cache = s3Cache
        inFlight = registry.makeGauge(descriptor: Self.descriptor(
            "http", "requests_in_flight", unit: "", help: "HTTP requests being handled (including bodies being streamed)."))
    }

    /// A request started.
    func requestStarted() { inFlight.increment() }

    /// A request finished (its response body fully written, or abandoned).
    func requestFinished(method: String, route: String, status: Int, duration: Duration) {
        inFlight.decrement()
        registry.makeCounter(
            descriptor: Self.descriptor("http", "requests", unit: "total", help: "HTTP requests by method, route and status."),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.descriptor("http", "request_duration", unit: "seconds", help: "Time from request to the end of the response body."),
            labels: [("method", method), ("route", route)],
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// A query response completed with `rows` rows.
    func rowsReturned(_ rows: Int, route: String) {
        registry.makeCounter(
            descriptor: Self.descriptor("query", "rows_returned", unit: "total", help: "Rows sent by query responses that completed."),
            labels: [("route", route)]
        ).increment(by: Int64(rows))
    }

    /// An error response (or a stream aborted) with this error code.
    func recordError(code: String) {
        registry.makeCounter(
            descriptor: Self.descriptor("", "errors", unit: "total", help: "Errors by error code."),
            labels: [("code", code)]
        ).increment()
    }

    /// The Prometheus text exposition of every metric.
    func render() -> [UInt8] {
        if let s3Cache { exportS3Cache(s3Cache) }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    private func exportS3Cache(_ cache: S3FileCache) {
        registry.makeGauge(descriptor: Self.descriptor("s3", "cache", unit: "bytes", help: "Bytes of S3 objects in the local cache."))
            .set(Double(cache.totalBytes))
        registry.makeGauge(descriptor: Self.descriptor("s3", "cache_files", unit: "", help: "S3 objects in the local cache."))
            .set(Double(cache.fileCount))
        let now = (fetched: cache.bytesFetched, downloads: cache.downloads, hits: cache.hits)
        let before = exportedS3Counters.withLock { exported in
            defer { exported = now }
            return exported
        }
        registry.makeCounter(descriptor: Self.descriptor("s3", "cache_fetched_bytes", unit: "total", help: "Bytes downloaded from S3 into the cache."))
            .increment(by: max(0, now.fetched - before.fetched))
        registry.makeCounter(descriptor: Self.descriptor("s3", "cache_downloads", unit: "total", help: "S3 objects downloaded into the cache."))
            .increment(by: Int64(max(0, now.downloads - before.downloads)))
        registry.makeCounter(descriptor: Self.descriptor("s3", "cache_hits", unit: "total", help: "Requests for an S3 object served from the cache."))
            .increment(by: Int64(max(0, now.hits - before.hits)))
    }

    private static func descriptor(_ subsystem: String, _ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "swiftlake", subsystem: subsystem, metricName: name, unitName: unit, helpText: help)
    }
}
