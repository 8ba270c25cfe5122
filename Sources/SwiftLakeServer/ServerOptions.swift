import Foundation

/// How the REST server listens and what it requires of its clients.
public struct ServerOptions: Sendable {
    /// The address to bind. Anything other than a loopback address requires ``authToken``.
    public var host: String = "127.0.0.1"
    /// The TCP port to listen on.
    public var port: Int = 8000
    /// The largest request body accepted; larger bodies are answered with 413.
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// When set, every route except `/health` and `/api/health` requires
    /// `Authorization: Bearer <token>`.
    public var authToken: String? = nil
    /// A directory holding Swagger UI's `dist/` files (`swagger-ui.css`,
    /// `swagger-ui-bundle.js`, `swagger-ui-standalone-preset.js`), served under
    /// `/docs/assets/`. When unset or missing, `/docs` loads them from a CDN.
    public var swaggerUIDirectory: String? = ProcessInfo.processInfo.environment["SWIFTLAKE_SWAGGER_UI_DIR"]

    /// The defaults documented on each property.
    public init() {}
}
