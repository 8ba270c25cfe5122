import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>` on every route except the public ones (health
/// checks and the API documentation, which hold no data); others get 401.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    /// Paths served without a token. `/health` variants so load balancers and orchestrators can
    /// probe the service; the documentation so Swagger UI can load (its "Authorize" button then
    /// sends the token with every call it makes).
    static var publicPaths: Set<String> {
        ["/health", "/api/health", "/api/spark/health", "/docs", "/openapi.json", "/openapi.yaml"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if Self.publicPaths.contains(path) || path.hasPrefix("/docs/assets/") || Self.isAuthorized(request, token: token) {
            return try await next(request, context)
        }
        let hasHeader = request.headers[.authorization] != nil
        throw APIError(
            .unauthorized, code: "unauthorized",
            hasHeader ? "The bearer token is not valid. Send the token the server was started with: 'Authorization: Bearer <token>'."
                : "This server requires a bearer token. Send 'Authorization: Bearer <token>' with every request.",
            headers: [.wwwAuthenticate: "Bearer realm=\"swiftlake\""])
    }

    /// Whether `request` carries `token` as a bearer token (compared in constant time).
    static func isAuthorized(_ request: Request, token: String) -> Bool {
        guard let header = request.headers[.authorization] else { return false }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return constantTimeEqual(Array(parts[1].trimmingCharacters(in: .whitespaces).utf8), Array(token.utf8))
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }
}
