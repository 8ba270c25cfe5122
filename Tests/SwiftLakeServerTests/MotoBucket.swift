import Foundation
import ObjectStore
import Testing

/// A new bucket on the test moto_server (`make test` starts it and sets
/// `SWIFTLAKE_S3_ENDPOINT`), with the environment SwiftLake's S3 client is configured from
/// and a store for the test's own uploads and checks.
struct MotoBucket {
    let endpoint: String
    /// `AWS_*` settings for moto (any keys do), with the shared files switched off.
    let environment: [String: String]
    let name: String
    let store: S3Store

    /// A bucket named `prefix-<random>`, created; `nil` without an endpoint (an issue under
    /// `SWIFTLAKE_TEST_FULL=1`, where the S3 tests must run; otherwise a skip naming `what`).
    static func make(_ prefix: String, skipping what: String,
                     sourceLocation: SourceLocation = #_sourceLocation) async throws -> MotoBucket? {
        let process = ProcessInfo.processInfo.environment
        guard let endpoint = process["SWIFTLAKE_S3_ENDPOINT"], !endpoint.isEmpty else {
            if process["SWIFTLAKE_TEST_FULL"] == "1" {
                Issue.record("SWIFTLAKE_S3_ENDPOINT is not set; make test starts moto_server and sets it", sourceLocation: sourceLocation)
            } else {
                print("skipping \(what): SWIFTLAKE_S3_ENDPOINT is not set (scripts/moto-server.sh start prints it)")
            }
            return nil
        }
        let environment = ["AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                           "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_REGION": "us-east-1",
                           "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
        let name = "\(prefix)-\(UUID().uuidString.lowercased().prefix(12))"
        let store = S3Store(configuration: try S3Configuration(location: S3Location(bucket: name), environment: environment))
        try await store.createBucket()
        return MotoBucket(endpoint: endpoint, environment: environment, name: name, store: store)
    }
}
