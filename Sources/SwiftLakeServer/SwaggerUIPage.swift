import Foundation

/// The `/docs` page: Swagger UI over `/openapi.json`, its scripts and styles served from a
/// local copy of Swagger UI's `dist/` when one is configured, else from a CDN.
struct SwaggerUIPage: Sendable {
    /// The files of Swagger UI's `dist/` the page uses; the only ones `/docs/assets/` serves.
    static let assetFiles: [String: String] = [
        "swagger-ui.css": "text/css; charset=utf-8",
        "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
        "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
    ]
    /// Where the assets come from without a local copy.
    static let cdnBase = "https://unpkg.com/swagger-ui-dist@5"

    /// A directory holding every asset, or `nil` to use the CDN.
    let assetDirectory: String?

    /// Uses `directory` when it holds all the assets.
    init(directory: String?) {
        if let directory, Self.assetFiles.keys.allSatisfy({ FileManager.default.isReadableFile(atPath: directory + "/" + $0) }) {
            assetDirectory = directory
        } else {
            assetDirectory = nil
        }
    }

    /// The path of asset `name` on disk, when it is one of the assets and a local copy exists.
    func localPath(of name: String) -> String? {
        guard let assetDirectory, Self.assetFiles[name] != nil else { return nil }
        return assetDirectory + "/" + name
    }

    /// The page.
    var html: String {
        let base = assetDirectory == nil ? Self.cdnBase : "/docs/assets"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>SwiftLake API</title>
              <link rel="stylesheet" href="\(base)/swagger-ui.css">
              <style>body { margin: 0; }</style>
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="\(base)/swagger-ui-bundle.js" charset="utf-8"></script>
              <script src="\(base)/swagger-ui-standalone-preset.js" charset="utf-8"></script>
              <script>
                window.onload = function () {
                  window.ui = SwaggerUIBundle({
                    url: "/openapi.json",
                    dom_id: "#swagger-ui",
                    deepLinking: true,
                    persistAuthorization: true,
                    displayRequestDuration: true,
                    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
                    layout: "StandaloneLayout"
                  });
                };
              </script>
            </body>
            </html>
            """
    }
}
