import Foundation
import Hummingbird
import SwiftLake

/// `GET /health`, `GET /api/health` and the legacy `GET /api/spark/health`.
struct HealthController: Sendable {
    let lakehouse: Lakehouse
    let authToken: String?

    var routes: [Route] {
        ["/health", "/api/health", "/api/spark/health"].map { path in
            Route(.get, path) { request, _ in try await health(request) }
        }
    }

    /// The service's state, with each engine's (Spark's is asked of its server, waiting at
    /// most a few seconds, so health answers even when Spark is down). The data roots are shown only to authorised callers when a token
    /// is configured (health itself needs no token).
    func health(_ request: Request) async throws -> Response {
        let showRoots = authToken.map { BearerAuthMiddleware<BasicRequestContext>.isAuthorized(request, token: $0) } ?? true
        return try Response.json(HealthResponse(
            status: "ok",
            version: Lakehouse.version,
            engines: await lakehouse.engineStatuses(),
            uptimeSeconds: (Date().timeIntervalSince(lakehouse.startedAt) * 1000).rounded() / 1000,
            roots: showRoots ? lakehouse.roots.described : nil))
    }
}

/// `{"status":"ok","version","engines","uptime_seconds","roots"}`.
struct HealthResponse: Codable, Sendable {
    var status: String
    var version: String
    var engines: [EngineStatus]
    var uptimeSeconds: Double
    var roots: [String]?

    enum CodingKeys: String, CodingKey {
        case status, version, engines, uptimeSeconds = "uptime_seconds", roots
    }
}
