import Hummingbird

/// One endpoint: a method, a path (Hummingbird syntax, `{name}` for a parameter) and its handler.
///
/// Controllers describe their endpoints as values so that the router, the 405 lookup
/// (``RouteTable``) and the OpenAPI check all see the same list.
struct Route: Sendable {
    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response

    let method: HTTPRequest.Method
    let path: String
    let handler: Handler

    init(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.handler = handler
    }
}
