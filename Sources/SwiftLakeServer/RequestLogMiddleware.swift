import Hummingbird
import Logging

/// Logs one line per request (`POST /api/parquet/query 200 12.3 ms`) and records the request
/// metrics, both once the response body has been written, so streamed responses are timed
/// to their last byte.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        metrics.requestStarted()
        let finish: @Sendable (Int, (any Error)?) -> Void = { [metrics, logger = context.logger, coreContext = context.coreContext] status, error in
            let elapsed = ContinuousClock.now - started
            let route = coreContext.endpointPath.value ?? "unmatched"
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            var line = "\(request.method.rawValue) \(request.uri.path) \(status) \(Self.format(ms)) ms"
            if let error { line += " (response aborted: \(error))" }
            logger.info("\(line)")
            metrics.requestFinished(method: request.method.rawValue, route: route, status: status, duration: elapsed)
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // ErrorMiddleware answers every error; this only runs if something below it throws.
            finish(500, error)
            throw error
        }
        var wrapped = response
        let status = response.status.code
        let body = response.body
        wrapped.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(writer)
                finish(status, nil)
            } catch {
                finish(status, error)
                throw error
            }
        }
        return wrapped
    }

    private static func format(_ ms: Double) -> String {
        let tenths = (ms * 10).rounded() / 10
        return String(tenths)
    }
}
