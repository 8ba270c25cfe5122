import Prometheus

/// The server's Prometheus metrics, in a registry owned by one application (the global
/// `MetricsSystem` is never bootstrapped, so many applications can live in one process).
///
/// - `swiftlake_http_requests_total{method,route,status}`
/// - `swiftlake_http_request_duration_seconds{method,route}` (histogram, until the body is sent)
/// - `swiftlake_http_requests_in_flight`
/// - `swiftlake_query_rows_returned_total{route}`
/// - `swiftlake_errors_total{code}`
final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge

    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    init() {
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
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    private static func descriptor(_ subsystem: String, _ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "swiftlake", subsystem: subsystem, metricName: name, unitName: unit, helpText: help)
    }
}
