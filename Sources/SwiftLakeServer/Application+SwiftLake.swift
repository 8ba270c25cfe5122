import Foundation
import Hummingbird
import Logging
import SwiftLake

/// Builds the SwiftLake REST application over `lakehouse`.
///
/// Refuses (throws ``SwiftLakeError``) to bind a non-loopback `options.host` without
/// `options.authToken`. Run it with `try await app.runService()`.
public func buildApplication(lakehouse: Lakehouse, options: ServerOptions, logger: Logger) throws -> some ApplicationProtocol {
    try options.validate()
    let router = buildRouter(lakehouse: lakehouse, options: options)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: "SwiftLake"),
        logger: logger)
}

/// The router alone (every route and middleware, no server), for tests with
/// HummingbirdTesting's `.router` setup.
///
/// Middleware order, outermost first: request log and metrics, error rendering, bearer auth.
public func buildRouter(lakehouse: Lakehouse, options: ServerOptions) -> Router<BasicRequestContext> {
    let metrics = ServerMetrics(s3Cache: lakehouse.s3Cache)
    let spec = Result { try OpenAPIDocument.bundled() }
    let routes = ParquetController(lakehouse: lakehouse, maxBodyBytes: options.maxBodyBytes, metrics: metrics).routes
        + DeltaController(lakehouse: lakehouse, maxBodyBytes: options.maxBodyBytes, metrics: metrics).routes
        + DeltaWriteController(lakehouse: lakehouse, maxBodyBytes: options.maxBodyBytes).routes
        + DeltaMaintenanceController(lakehouse: lakehouse, maxBodyBytes: options.maxBodyBytes).routes
        + DeltaTableOpsController(lakehouse: lakehouse, maxBodyBytes: options.maxBodyBytes).routes
        + HealthController(lakehouse: lakehouse, authToken: options.authToken).routes
        + MetricsController(metrics: metrics).routes
        + DocsController(spec: spec, page: SwaggerUIPage(directory: options.swaggerUIDirectory)).routes

    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: metrics))
    router.add(middleware: ErrorMiddleware(routes: RouteTable(routes), metrics: metrics))
    if let token = options.authToken {
        router.add(middleware: BearerAuthMiddleware(token: token))
    }
    for route in routes {
        router.on(RouterPath(route.path), method: route.method, use: route.handler)
    }
    return router
}
