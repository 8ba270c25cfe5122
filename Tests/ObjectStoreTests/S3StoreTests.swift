import Foundation
import NIOCore
import Testing
@testable import ObjectStore

/// S3Store against moto_server: pagination, batch delete, streaming, multipart uploads,
/// keys that need encoding, and the errors users see.
@Suite struct S3StoreTests {
    @Test func listsThousandsOfKeysAcrossPagesAndDeletesThemInBatches() async throws {
        guard let store = try await S3TestServer.freshStore(prefix: "many") else { return }
        let paths = (0..<2_500).map { String(format: "k/%05d.json", $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: paths.count, by: 250) {
                let slice = paths[chunk..<min(chunk + 250, paths.count)]
                group.addTask { for path in slice { try await store.put(path, Array(path.utf8)) } }
            }
            try await group.waitForAll()
        }
        // One page is at most 1,000 keys and says where the next one starts.
        let firstPage = try await store.listPage(prefix: "many/k/", startAfter: nil, continuationToken: nil, maxKeys: 1000)
        #expect(firstPage.objects.count == 1000)
        #expect(firstPage.nextContinuationToken != nil)

        let listed = try await store.list(prefix: "k/")
        #expect(listed.map(\.path) == paths)
        let tail = try await store.list(prefix: "k/", startAfter: "k/01999.json")
        #expect(tail.count == 500)
        #expect(tail.first?.path == "k/02000.json")

        try await store.delete(paths)  // three DeleteObjects requests
        #expect(try await store.list(prefix: "").isEmpty)
    }

    @Test func keysThatNeedEncodingRoundTrip() async throws {
        guard let store = try await S3TestServer.freshStore(prefix: "odd prefix+") else { return }
        let paths = ["date=2024-01-01/part 0+1.parquet", "a&b/c=d;e,f@g$h.json", "ünï/cødé~!*'().txt", "x%2Fy"]
        for path in paths { try await store.put(path, Array(path.utf8)) }
        for path in paths { #expect(try await store.get(path) == Array(path.utf8)) }
        #expect(Set(try await store.list(prefix: "").map(\.path)) == Set(paths))
        try await store.delete(paths)
        #expect(try await store.list(prefix: "").isEmpty)
    }

    @Test func streamsAndDownloadsLargeObjects() async throws {
        guard let store = try await S3TestServer.freshStore() else { return }
        let bytes = testBytes(count: 3 * 1024 * 1024 + 17)
        try await store.put("big.bin", bytes)
        let (count, chunks) = try await store.withObjectStream("big.bin") { stream in
            var count = 0, chunks = 0
            for try await chunk in stream { count += chunk.readableBytes; chunks += 1 }
            return (count, chunks)
        }
        #expect(count == bytes.count)
        #expect(chunks > 1, "the body arrives in several chunks, not buffered whole")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dl-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try await store.download("big.bin", range: 1_000..<2_000_000, to: file) == 1_999_000)
        #expect(FileManager.default.contents(atPath: file).map(Array.init) == Array(bytes[1_000..<2_000_000]))
        let missing = await objectStoreError { try await store.download("nope.bin", to: file + ".2") }
        #expect(missing?.code == .notFound)
        #expect(!FileManager.default.fileExists(atPath: file + ".2"))
    }

    @Test func uploadsA12MiBFileInPartsAndLeavesNoUploadBehind() async throws {
        guard let store = try await S3TestServer.freshStore(prefix: "mp", configure: {
            $0.multipartPartSize = 5 * 1024 * 1024
            $0.multipartThreshold = 5 * 1024 * 1024
        }) else { return }
        let bytes = testBytes(count: 12 * 1024 * 1024, seed: 7)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("up-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await store.uploadFile(file, to: "data/part-0.parquet")
        #expect(try await store.head("data/part-0.parquet")?.size == Int64(bytes.count))
        #expect(try await store.get("data/part-0.parquet") == bytes)
        #expect(try await store.listMultipartUploads().isEmpty)
    }

    @Test func aFailedMultipartUploadIsAborted() async throws {
        guard let store = try await S3TestServer.freshStore(prefix: "mp") else { return }
        struct DiskVanished: Error {}
        let partSize = 5 * 1024 * 1024
        let error = await #expect(throws: DiskVanished.self) {
            try await store.multipartUpload("data/broken.parquet", size: Int64(3 * partSize), partSize: partSize) { offset, count in
                if offset >= Int64(partSize) { throw DiskVanished() }
                return testBytes(count: count)
            }
        }
        #expect(error != nil)
        #expect(try await store.listMultipartUploads().isEmpty, "the upload was aborted, no parts left behind")
        #expect(try await store.head("data/broken.parquet") == nil)
    }

    @Test func smallFilesAreUploadedInOnePut() async throws {
        guard let store = try await S3TestServer.freshStore() else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("small-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: file, contents: Data("tiny".utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await store.uploadFile(file, to: "tiny.txt")
        #expect(try await store.get("tiny.txt") == Array("tiny".utf8))
        let missing = await objectStoreError { try await store.uploadFile(file + ".gone", to: "x") }
        #expect(missing?.code == .notFound)
    }

    @Test func aMissingBucketIsNamedInTheError() async throws {
        guard S3TestServer.endpoint != nil else {
            _ = try await S3TestServer.freshStore()  // records or prints the skip
            return
        }
        let store = try #require(S3TestServer.store(bucket: "swiftlake-no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())"))
        let getError = await objectStoreError { _ = try await store.get("x.json") }
        #expect(getError?.code == .notFound)
        #expect(getError?.message.contains("does not exist") == true)
        let listError = await objectStoreError { _ = try await store.list(prefix: "") }
        #expect(listError?.code == .notFound)
        #expect(listError?.message.contains("create it or fix the bucket name") == true)
    }

    @Test func anUnreachableEndpointSaysWhereItTried() async throws {
        let store = S3Store(configuration: S3Configuration(
            bucket: "b", endpoint: "http://127.0.0.1:9", credentialsProvider: S3TestServer.credentials,
            retryPolicy: S3RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10))))
        let error = await objectStoreError { _ = try await store.get("x") }
        #expect(error?.code == .io)
        #expect(error?.message.contains("http://127.0.0.1:9") == true)
        #expect(error?.message.contains("after 2 attempt(s)") == true)
    }

    @Test func missingCredentialsSayWhereToPutThem() async throws {
        let store = S3Store(configuration: S3Configuration(
            bucket: "b", endpoint: "http://127.0.0.1:9",
            credentialsProvider: DefaultCredentialsProvider(environment: ["HOME": "/nonexistent"])))
        let error = await objectStoreError { _ = try await store.get("x") }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("AWS_ACCESS_KEY_ID") == true)
    }
}
