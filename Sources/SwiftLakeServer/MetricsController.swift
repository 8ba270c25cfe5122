import Hummingbird

/// `GET /metrics`: the Prometheus text exposition of ``ServerMetrics``.
struct MetricsController: Sendable {
    let metrics: ServerMetrics

    var routes: [Route] {
        [Route(.get, "/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }]
    }
}
