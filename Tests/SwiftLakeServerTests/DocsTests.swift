import Foundation
import Hummingbird
import HummingbirdTesting
import SwiftLake
import SwiftLakeServer
import Testing
import Yams

@Suite struct DocsTests {
    @Test func docsPageLoadsTheSpecFromTheCDNByDefault() async throws {
        try await withServer(testOptions()) { client, _ in
            let response = try await client.get("/docs")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            let html = response.text
            #expect(html.contains("\"/openapi.json\""))
            #expect(html.contains("https://unpkg.com/swagger-ui-dist@5/swagger-ui-bundle.js"))
            #expect(try await client.get("/docs/assets/swagger-ui.css").status == .notFound)
        }
    }

    @Test func docsAssetsComeFromTheLocalDirectoryOnly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-swagger-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "index.css"] {
            try Data("/* \(name) */".utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        try await withServer(testOptions { $0.swaggerUIDirectory = directory }) { client, _ in
            let html = try await client.get("/docs").text
            #expect(html.contains("/docs/assets/swagger-ui-bundle.js"))
            #expect(!html.contains("unpkg.com"))

            let bundle = try await client.get("/docs/assets/swagger-ui-bundle.js")
            #expect(bundle.status == .ok)
            #expect(bundle.text == "/* swagger-ui-bundle.js */")
            #expect(bundle.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(try await client.get("/docs/assets/swagger-ui.css").headers[.contentType]?.hasPrefix("text/css") == true)

            for path in ["/docs/assets/index.css", "/docs/assets/..%2F..%2Fetc%2Fpasswd", "/docs/assets/../../etc/passwd", "/docs/assets/%2Fetc%2Fpasswd"] {
                let response = try await client.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(!response.text.contains("root:"))
            }
        }
    }

    @Test func specIsServedAsYAMLAndJSON() async throws {
        try await withServer(testOptions()) { client, _ in
            let yaml = try await client.get("/openapi.yaml")
            #expect(yaml.status == .ok)
            #expect(yaml.text.hasPrefix("openapi: 3.1"))
            let json = try await client.get("/openapi.json")
            #expect(json.status == .ok)
            #expect(json.headers[.contentType] == "application/json")
            let document = try json.json()
            #expect(document["openapi"] as? String == "3.1.0")
            #expect((document["servers"] as? [[String: Any]])?.first?["url"] as? String == "/")
            // Same content in both forms.
            let fromYAML = try #require(try Yams.load(yaml: yaml.text) as? [String: Any])
            #expect(Set((fromYAML["paths"] as? [String: Any])?.keys ?? [:].keys) == Set((document["paths"] as? [String: Any])?.keys ?? [:].keys))
        }
    }

    /// Every route the router serves is in the spec, and every spec operation is routed.
    @Test func specMatchesTheRouter() async throws {
        let lake = try await SampleLake.make()
        defer { lake.remove() }
        let router = buildRouter(lakehouse: lake.lakehouse, options: testOptions())
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })

        let spec = try OpenAPIDocument.bundled()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(spec.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var documented = Set<String>()
        for (path, item) in paths {
            for key in item.keys where methods.contains(key) {
                documented.insert("\(key.uppercased()) \(path)")
            }
        }
        #expect(!routed.isEmpty)
        #expect(routed.subtracting(documented).isEmpty, "routed but not in openapi.yaml: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "in openapi.yaml but not routed: \(documented.subtracting(routed).sorted())")
    }

    /// The request examples in the spec work against the sample data.
    @Test func specExamplesRunAgainstTheSampleData() async throws {
        let spec = try OpenAPIDocument.bundled()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(spec.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let components = try #require(document["components"] as? [String: Any])
        let requestBodies = try #require(components["requestBodies"] as? [String: [String: Any]])

        var calls: [(path: String, name: String, body: Data)] = []
        for (path, item) in paths where !path.hasPrefix("/api/spark") {
            guard let post = item["post"] as? [String: Any], var requestBody = post["requestBody"] as? [String: Any] else { continue }
            if let ref = requestBody["$ref"] as? String {
                requestBody = try #require(requestBodies[String(ref.split(separator: "/").last!)])
            }
            let media = try #require((requestBody["content"] as? [String: Any])?["application/json"] as? [String: Any])
            let examples = try #require(media["examples"] as? [String: [String: Any]], "\(path) has no examples")
            for (name, example) in examples {
                calls.append((path, name, try JSONSerialization.data(withJSONObject: try #require(example["value"]))))
            }
        }
        #expect(calls.count >= 10)
        let requests = calls
        try await withServer(testOptions()) { client, _ in
            for call in requests {
                let response = try await client.execute(uri: call.path, method: .post, headers: [.contentType: "application/json"],
                                                        body: ByteBuffer(bytes: call.body))
                #expect(response.status == .ok, "\(call.path) example '\(call.name)': \(response.text)")
            }
        }
    }
}
