import Foundation
import Testing
@testable import ObjectStore

/// The local S3 server the S3 tests run against: `moto_server` on 127.0.0.1, started by
/// `make test` (scripts/moto-server.sh), which exports `SWIFTLAKE_S3_ENDPOINT`.
///
/// Without the variable the S3 tests print that they skip; under `make test`
/// (`SWIFTLAKE_TEST_FULL=1`) a missing endpoint fails them instead.
enum S3TestServer {
    static var endpoint: String? {
        ProcessInfo.processInfo.environment["SWIFTLAKE_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// moto accepts any key pair; these are what the AWS docs use for examples.
    static let credentials = StaticCredentialsProvider(accessKeyId: "AKIAIOSFODNN7EXAMPLE",
                                                       secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

    /// A new, empty bucket's store (below `prefix`), or `nil` after saying why S3 tests skip.
    static func freshStore(prefix: String = "", configure: (inout S3Configuration) -> Void = { _ in },
                           sourceLocation: SourceLocation = #_sourceLocation) async throws -> S3Store? {
        guard let endpoint else {
            if ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1" {
                Issue.record("SWIFTLAKE_S3_ENDPOINT is not set; make test starts moto_server (scripts/moto-server.sh start) and sets it",
                             sourceLocation: sourceLocation)
            } else {
                print("skipping S3 test at \(sourceLocation.fileName):\(sourceLocation.line): SWIFTLAKE_S3_ENDPOINT is not set (scripts/moto-server.sh start prints it; make test sets it)")
            }
            return nil
        }
        var configuration = S3Configuration(bucket: "swiftlake-test-\(UUID().uuidString.lowercased().prefix(18))",
                                            prefix: prefix, region: "us-east-1", endpoint: endpoint,
                                            addressingStyle: .path, credentialsProvider: credentials)
        configure(&configuration)
        let store = S3Store(configuration: configuration)
        try await store.createBucket()
        return store
    }

    /// A store on `bucket`, which is not created.
    static func store(bucket: String, credentials: StaticCredentialsProvider = credentials) -> S3Store? {
        guard let endpoint else { return nil }
        return S3Store(configuration: S3Configuration(bucket: bucket, region: "us-east-1", endpoint: endpoint,
                                                      addressingStyle: .path, credentialsProvider: credentials,
                                                      retryPolicy: S3RetryPolicy(maxAttempts: 2)))
    }
}

/// The first error `body` throws, as an ``ObjectStoreError`` (recording an issue when it
/// throws nothing or something else).
func objectStoreError(sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () async throws -> Void) async -> ObjectStoreError? {
    do {
        try await body()
        Issue.record("expected an ObjectStoreError, got success", sourceLocation: sourceLocation)
    } catch let error as ObjectStoreError {
        return error
    } catch {
        Issue.record("expected an ObjectStoreError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Deterministic pseudo-random bytes, so a mismatch is not hidden by repeated patterns.
func testBytes(count: Int, seed: UInt64 = 42) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var bytes = [UInt8](repeating: 0, count: count)
    for index in 0..<count {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        bytes[index] = UInt8(truncatingIfNeeded: state)
    }
    return bytes
}
