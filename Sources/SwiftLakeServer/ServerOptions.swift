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
    /// `/docs/assets/`. Defaults to `$SWIFTLAKE_SWAGGER_UI_DIR`, else the copy
    /// `scripts/setup-swagger-ui.sh` caches; when none is found, `/docs` loads them from a CDN.
    public var swaggerUIDirectory: String? = ServerOptions.defaultSwaggerUIDirectory()

    /// The defaults documented on each property.
    public init() {}

    /// `$SWIFTLAKE_SWAGGER_UI_DIR`, or the newest `swagger-ui-<version>` directory in
    /// `${XDG_CACHE_HOME:-~/.cache}/swiftlake/` that holds the bundle, so that a server started
    /// by hand works offline like one started by `make run`.
    public static func defaultSwaggerUIDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let configured = environment["SWIFTLAKE_SWAGGER_UI_DIR"], !configured.isEmpty { return configured }
        let cacheHome = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.cache"
        let cache = cacheHome + "/swiftlake"
        let candidates = ((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? [])
            .filter { $0.hasPrefix("swagger-ui-") && FileManager.default.fileExists(atPath: "\(cache)/\($0)/swagger-ui-bundle.js") }
            .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        return candidates.last.map { "\(cache)/\($0)" }
    }
}
