import Hummingbird
import Logging
import SwiftLake

/// Turns every error a handler (or the router) throws into an ``APIError`` response, so the
/// server answers every failure with `{"error":{"code","message"}}` and keeps serving.
///
/// - ``SwiftLakeError``: status from its kind, code and message as given;
/// - the router's "not found": 404, or 405 with `Allow` when the path exists for other methods;
/// - any other `HTTPResponseError`: its status;
/// - anything else is a bug: 500 `internal`, logged with the request id.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = translate(error, request: request, context: context)
            metrics.recordError(code: apiError.code)
            return try apiError.response(from: request, context: context)
        }
    }

    func translate(_ error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as SwiftLakeError:
            if error.kind == .internal {
                context.logger.error("internal error", metadata: ["code": "\(error.code)", "error": "\(error.message)"])
            }
            return APIError(error)
        case let error as DecodingError:
            return APIError(.badRequest, code: "invalid_request_body", error.clientMessage)
        case let error as HTTPError where error.status == .notFound:
            return notFound(request)
        case let error as any HTTPResponseError:
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            return APIError(error.status, code: Self.code(for: error.status), message, headers: (error as? HTTPError)?.headers ?? [:])
        default:
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return APIError(.internalServerError, code: "internal",
                            "An unexpected error occurred (request \(context.id)). It has been logged; please report it.")
        }
    }

    private func notFound(_ request: Request) -> APIError {
        let path = request.uri.path
        let allowed = routes.allowedMethods(for: path)
        guard allowed.isEmpty else {
            return APIError(.methodNotAllowed, code: "method_not_allowed",
                            "\(request.method.rawValue) is not supported on \(path). Use \(allowed.joined(separator: " or ")).",
                            headers: [.allow: allowed.joined(separator: ", ")])
        }
        return APIError(.notFound, code: "route_not_found",
                        "No endpoint at \(path). The endpoints are listed at /docs and /openapi.json.")
    }

    /// A snake_case code for a bare HTTP status, e.g. `content_too_large`.
    static func code(for status: HTTPResponse.Status) -> String {
        let phrase = status.reasonPhrase.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return String(phrase)
    }
}
