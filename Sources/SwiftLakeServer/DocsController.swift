import Hummingbird
import SwiftLake

/// `GET /docs` (Swagger UI), `GET /docs/assets/{file}`, `GET /openapi.yaml` and `GET /openapi.json`.
struct DocsController: Sendable {
    /// The spec, or why it could not be loaded (answered as a 500 on the spec routes).
    let spec: Result<OpenAPIDocument, any Error>
    let page: SwaggerUIPage

    var routes: [Route] {
        [
            Route(.get, "/docs") { _, _ in
                Self.text(page.html, contentType: "text/html; charset=utf-8")
            },
            Route(.get, "/docs/assets/{file}") { request, context in
                try await asset(request, context: context)
            },
            Route(.get, "/openapi.yaml") { _, _ in
                try Self.text(spec.get().yaml, contentType: "application/yaml; charset=utf-8")
            },
            Route(.get, "/openapi.json") { _, _ in
                try Self.text(spec.get().json, contentType: "application/json")
            },
        ]
    }

    /// One of Swagger UI's files, by name only: anything else (other names, `..`) is a 404.
    func asset(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let name = context.parameters.get("file") ?? ""
        guard let contentType = SwaggerUIPage.assetFiles[name] else {
            throw APIError(.notFound, code: "asset_not_found",
                           "No documentation asset '\(name)'. The assets are \(SwaggerUIPage.assetFiles.keys.sorted().joined(separator: ", ")).")
        }
        guard let path = page.localPath(of: name) else {
            throw APIError(.notFound, code: "asset_not_found",
                           "Swagger UI is not installed locally (set SWIFTLAKE_SWAGGER_UI_DIR); /docs loads it from \(SwaggerUIPage.cdnBase).")
        }
        let body = try await FileIO().loadFile(path: path, context: context)
        return Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "public, max-age=86400"], body: body)
    }

    private static func text(_ text: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
