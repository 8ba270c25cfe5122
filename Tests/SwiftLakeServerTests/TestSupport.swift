import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwiftLake
import SwiftLakeServer
import Testing

/// A temporary data root holding SwiftLake's sample data set, and a lakehouse over it.
struct SampleLake: Sendable {
    let root: String
    let lakehouse: Lakehouse

    static func make() async throws -> SampleLake {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftlake-server-tests-\(UUID().uuidString)").path
        try await SampleData.write(into: directory)
        let lakehouse = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory]))
        return SampleLake(root: lakehouse.roots.directories[0], lakehouse: lakehouse)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// `relative` inside the root.
    func path(_ relative: String) -> String { root + "/" + relative }
}

/// Runs `test` against an application over a fresh sample root.
func withServer<T: Sendable>(
    _ options: ServerOptions = ServerOptions(),
    setup: TestingSetup = .router,
    _ test: @Sendable (any TestClientProtocol, SampleLake) async throws -> T
) async throws -> T {
    let lake = try await SampleLake.make()
    defer { lake.remove() }
    var logger = Logger(label: "swiftlake-server-tests")
    logger.logLevel = .warning
    let app = try buildApplication(lakehouse: lake.lakehouse, options: options, logger: logger)
    return try await app.test(setup) { client in try await test(client, lake) }
}

/// Options for a test server that does not pick up the environment's Swagger UI directory.
func testOptions(_ configure: (inout ServerOptions) -> Void = { _ in }) -> ServerOptions {
    var options = ServerOptions()
    options.swaggerUIDirectory = nil
    options.port = 0
    configure(&options)
    return options
}

extension TestClientProtocol {
    /// POSTs `json` (a JSON text) to `uri`.
    func post(_ uri: String, json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    /// GETs `uri`.
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }

    /// Runs a query that must succeed and returns its JSON answer.
    func query(_ json: String) async throws -> [String: Any] {
        let response = try await post("/api/parquet/query", json: json)
        #expect(response.status == .ok, "\(response.text)")
        return try response.json()
    }
}

extension TestResponse {
    /// The body as UTF-8 text.
    var text: String { String(decoding: body.readableBytesView, as: UTF8.self) }

    /// The body as bytes.
    var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The body parsed as a JSON object.
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed])
        guard let dictionary = object as? [String: Any] else {
            throw TestFailure("expected a JSON object, got \(text)")
        }
        return dictionary
    }

    /// `error.code` of an error answer.
    var errorCode: String? {
        ((try? json())?["error"] as? [String: Any])?["code"] as? String
    }

    /// `error.message` of an error answer.
    var errorMessage: String? {
        ((try? json())?["error"] as? [String: Any])?["message"] as? String
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The integer in a JSON value (JSONSerialization gives NSNumber).
func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }
