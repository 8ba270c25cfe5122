import Foundation
import Testing
@testable import ObjectStore

/// Retries, ambiguous commits and error messages through the whole client, against
/// ``FaultyS3Server``.
@Suite struct S3RetryAndErrorTests {
    func withStore(_ body: (S3Store) async throws -> Void) async throws {
        guard let server = try await FaultyS3Server.start() else { return }
        defer { server.stop() }
        let store = S3Store(configuration: S3Configuration(
            bucket: "lake", endpoint: server.endpoint, addressingStyle: .path,
            credentialsProvider: S3TestServer.credentials,
            retryPolicy: S3RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20))))
        try await body(store)
    }

    @Test func throttlingIsRetriedWithBackoff() async throws {
        try await withStore { (store: S3Store) async throws in
            #expect(try await store.get("slowdown/a.json") == Array("ok".utf8))
        }
    }

    @Test func throttlingThatOutlastsTheRetriesSaysSo() async throws {
        guard let server = try await FaultyS3Server.start() else { return }
        defer { server.stop() }
        let store = S3Store(configuration: S3Configuration(
            bucket: "lake", endpoint: server.endpoint, addressingStyle: .path,
            credentialsProvider: S3TestServer.credentials, retryPolicy: S3RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5))))
        let error = await objectStoreError { _ = try await store.get("slowdown/b.json") }
        #expect(error?.code == .io)
        #expect(error?.message.contains("throttling") == true)
    }

    @Test func aConditionalConflictIsRetriedAndThenLost() async throws {
        try await withStore { (store: S3Store) async throws in
            #expect(try await store.putIfAbsent("conflict/00001.json", Array("mine".utf8)) == .alreadyExists)
        }
    }

    @Test func aCommitWhoseReplyWasLostIsStillOurs() async throws {
        try await withStore { (store: S3Store) async throws in
            #expect(try await store.putIfAbsent("lostreply/00001.json", Array("mine".utf8)) == .created)
        }
    }

    @Test func aWrongRegionNamesTheRightOne() async throws {
        try await withStore { (store: S3Store) async throws in
            let error = await objectStoreError { _ = try await store.get("region/x.json") }
            #expect(error?.message.contains("AWS_REGION=eu-west-1") == true)
        }
    }

    @Test func accessDeniedIsPermissionDenied() async throws {
        try await withStore { (store: S3Store) async throws in
            let error = await objectStoreError { try await store.put("denied/x.json", [1]) }
            #expect(error?.code == .permissionDenied)
            #expect(error?.message.contains("s3:PutObject") == true)
        }
    }
}
