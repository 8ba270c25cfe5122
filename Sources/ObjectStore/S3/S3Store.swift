import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// An ``ObjectStore`` over a bucket prefix in Amazon S3 or an S3-compatible server.
///
/// - Paths are keys below ``S3Configuration/prefix``, validated like ``LocalStore``'s
///   (relative, no empty, `.` or `..` components).
/// - `list` is ListObjectsV2, paged until done; `startAfter` becomes `start-after`, so a
///   caller that knows where to begin lists only what follows. Results are sorted byte-wise.
/// - `put` is one PutObject (S3 replaces objects atomically).
/// - `putIfAbsent` is PutObject with `If-None-Match: *`: 412 means another writer won
///   (``PutResult/alreadyExists``); a 409 `ConditionalRequestConflict` is retried. When an
///   earlier attempt may have succeeded unseen (a retry after a dropped connection), a
///   412 is checked against the stored bytes, so our own write is not reported as lost.
/// - `delete` is DeleteObjects, 1,000 keys per request, with `Content-MD5`.
///
/// Large objects: ``download(_:range:to:)`` and ``withObjectStream(_:range:_:)`` stream a
/// GET; ``uploadFile(_:to:)`` uploads a local file in parts and aborts the upload on failure.
public struct S3Store: ObjectStore {
    /// Where and how the store talks to S3.
    public let configuration: S3Configuration
    let client: S3Client

    /// A store for `configuration`, sending on `httpClient`: by default one process-wide
    /// client shared by all stores, which needs no shutdown; a client you pass stays yours
    /// to shut down (`try await client.shutdown()`) after the store's last use.
    public init(configuration: S3Configuration, httpClient: HTTPClient? = nil) {
        self.configuration = configuration
        self.client = S3Client(configuration: configuration, httpClient: httpClient ?? S3HTTPClient.shared)
    }

    /// A store for `s3://bucket/prefix`, configured from the environment and the AWS
    /// shared files (see ``S3Configuration/init(location:environment:)``).
    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                httpClient: HTTPClient? = nil) throws {
        let configuration = try S3Configuration(location: S3Location(url: url), environment: environment)
        self.init(configuration: configuration, httpClient: httpClient)
    }

    /// `s3://bucket/prefix` of this store.
    public var location: S3Location { S3Location(bucket: configuration.bucket, prefix: configuration.prefix) }

    // MARK: - Paths

    /// The S3 key of a store path; throws `.invalidPath` as ``LocalStore`` does.
    func key(for path: String) throws -> String {
        if path.isEmpty {
            throw ObjectStoreError(code: .invalidPath, message: "empty object path", path: path)
        }
        if path.hasPrefix("/") {
            throw ObjectStoreError(code: .invalidPath,
                message: "object path '\(path)' is absolute; give it relative to \(location)", path: path)
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false)
        where component.isEmpty || component == "." || component == ".." {
            throw ObjectStoreError(code: .invalidPath,
                message: "object path '\(path)' has an empty, '.' or '..' component", path: path)
        }
        return configuration.prefix + path
    }

    /// The store path of an S3 key listed below the prefix.
    func path(forKey key: String) -> String { String(key.dropFirst(configuration.prefix.count)) }

    // MARK: - Reading

    public func get(_ path: String) async throws -> [UInt8] {
        let response = try await client.execute(S3Request(method: .GET, key: try key(for: path),
                                                          operation: "GetObject", path: path))
        return response.body
    }

    public func get(_ path: String, range: Range<Int64>) async throws -> [UInt8] {
        let key = try key(for: path)
        guard !range.isEmpty, range.lowerBound >= 0 else { return [] }
        let request = S3Request(method: .GET, key: key,
                                headers: [("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")],
                                operation: "GetObject", path: path)
        // 416: the range starts at or past the end, which the protocol answers with no bytes.
        let response = try await client.execute(request, accepting: [416])
        if response.status == 416 { return [] }
        if response.status == 200 {
            // The server ignored the Range header: cut the range out ourselves.
            let lower = min(Int(range.lowerBound), response.body.count)
            let upper = min(Int(range.upperBound), response.body.count)
            return Array(response.body[lower..<upper])
        }
        return response.body
    }

    public func head(_ path: String) async throws -> ObjectMeta? {
        let response = try await client.execute(S3Request(method: .HEAD, key: try key(for: path),
                                                          operation: "HeadObject", path: path),
                                                accepting: [404])
        if response.status == 404 { return nil }
        let size = response.header("Content-Length").flatMap { Int64($0) } ?? 0
        let modified = response.header("Last-Modified").flatMap(S3DateParser.rfc1123) ?? Date(timeIntervalSince1970: 0)
        return ObjectMeta(path: path, size: size, lastModified: modified)
    }

    public func list(prefix: String, startAfter: String? = nil) async throws -> [ObjectMeta] {
        if prefix.hasPrefix("/") {
            throw ObjectStoreError(code: .invalidPath,
                message: "list prefix '\(prefix)' is absolute; give it relative to \(location)", path: prefix)
        }
        var results: [ObjectMeta] = []
        var continuationToken: String?
        repeat {
            let page = try await listPage(prefix: configuration.prefix + prefix,
                                          startAfter: startAfter.map { configuration.prefix + $0 },
                                          continuationToken: continuationToken, maxKeys: 1000)
            results += page.objects
            continuationToken = page.nextContinuationToken
        } while continuationToken != nil
        results.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return results
    }

    /// One ListObjectsV2 page: objects (as store paths) and the token of the next page.
    func listPage(prefix: String, startAfter: String?, continuationToken: String?,
                  maxKeys: Int) async throws -> (objects: [ObjectMeta], nextContinuationToken: String?) {
        var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(maxKeys))]
        if let startAfter { query.append(("start-after", startAfter)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        let response = try await client.execute(S3Request(method: .GET, key: nil, query: query,
                                                          operation: "ListBucket", path: prefix))
        guard let document = XMLElementTree.parse(response.body), document.name == "ListBucketResult" else {
            throw ObjectStoreError(code: .io,
                message: "ListObjectsV2 on \(location) returned a body that is not a ListBucketResult; is the endpoint an S3 server?",
                path: prefix)
        }
        let objects = document.children("Contents").compactMap { element -> ObjectMeta? in
            guard let key = element.value("Key"), key.hasPrefix(configuration.prefix), !key.hasSuffix("/") else { return nil }
            return ObjectMeta(path: path(forKey: key), size: element.value("Size").flatMap { Int64($0) } ?? 0,
                              lastModified: element.value("LastModified").flatMap(S3DateParser.iso8601)
                                  ?? Date(timeIntervalSince1970: 0))
        }
        let truncated = document.value("IsTruncated") == "true"
        let token = document.value("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        return (objects, truncated ? token : nil)
    }

    // MARK: - Writing

    public func put(_ path: String, _ bytes: [UInt8]) async throws {
        _ = try await client.execute(S3Request(method: .PUT, key: try key(for: path), body: bytes,
                                               operation: "PutObject", path: path))
    }

    public func putIfAbsent(_ path: String, _ bytes: [UInt8]) async throws -> PutResult {
        let request = S3Request(method: .PUT, key: try key(for: path), headers: [("If-None-Match", "*")],
                                body: bytes, operation: "PutObject", path: path)
        let response: S3Response
        do {
            response = try await client.execute(request, accepting: [412])
        } catch let error as ObjectStoreError where (error.cause as? S3ServiceError)?.code == "ConditionalRequestConflict" {
            // Still racing another conditional write after every retry: whoever holds the
            // key now decides.
            return try await resolveAmbiguousConditionalPut(path, bytes, original: error)
        }
        if response.status == 412 {
            // After a retry our own first attempt may be what exists now.
            return response.attempts > 1 ? try await resolveAmbiguousConditionalPut(path, bytes, original: nil) : .alreadyExists
        }
        return .created
    }

    private func resolveAmbiguousConditionalPut(_ path: String, _ bytes: [UInt8],
                                                original: ObjectStoreError?) async throws -> PutResult {
        do {
            return try await get(path) == bytes ? .created : .alreadyExists
        } catch let error as ObjectStoreError where error.code == .notFound {
            throw original ?? error
        }
    }

    public func delete(_ paths: [String]) async throws {
        let keys = try paths.map { try key(for: $0) }
        var start = 0
        while start < keys.count {
            let batch = Array(keys[start..<min(start + 1000, keys.count)])
            try await deleteBatch(batch)
            start += batch.count
        }
    }

    private func deleteBatch(_ keys: [String]) async throws {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
        for key in keys { xml += "<Object><Key>\(XMLElementTree.escape(key))</Key></Object>" }
        xml += "</Delete>"
        let body = Array(xml.utf8)
        let response = try await client.execute(S3Request(method: .POST, key: nil, query: [("delete", "")],
                                                          headers: [("Content-MD5", S3Client.contentMD5(body)),
                                                                    ("Content-Type", "application/xml")],
                                                          body: body, operation: "DeleteObject", path: nil))
        let failures = (XMLElementTree.parse(response.body)?.children("Error") ?? [])
            .filter { $0.value("Code") != "NoSuchKey" }
        if let first = failures.first {
            let key = first.value("Key") ?? ""
            let serviceError = S3ServiceError(status: first.value("Code") == "AccessDenied" ? 403 : 500,
                                              code: first.value("Code") ?? "InternalError",
                                              message: first.value("Message") ?? "")
            var error = S3ErrorParser.objectStoreError(serviceError, operation: "DeleteObject",
                                                       bucket: configuration.bucket, key: key, path: path(forKey: key),
                                                       configuredRegion: configuration.region,
                                                       endpoint: configuration.resolvedEndpoint,
                                                       credentialsSource: configuration.credentialsProvider.sourceDescription)
            if failures.count > 1 { error.message += " (and \(failures.count - 1) more keys failed)" }
            throw error
        }
    }

    // MARK: - Buckets

    /// Creates the bucket (in ``S3Configuration/region``). Succeeds when it already exists
    /// and is ours. Mostly for tests and local servers; production buckets are made by IaC.
    public func createBucket() async throws {
        var body: [UInt8] = []
        if configuration.region != "us-east-1" {
            body = Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        let response = try await client.execute(S3Request(method: .PUT, key: nil, body: body,
                                                          operation: "CreateBucket", path: nil), accepting: [409])
        if response.status == 409 {
            let error = S3ErrorParser.serviceError(status: 409, headers: response.headers, body: response.body)
            if error.code != "BucketAlreadyOwnedByYou" {
                throw ObjectStoreError(code: .permissionDenied,
                    message: "bucket '\(configuration.bucket)' already exists and belongs to someone else; choose another name [\(error)]",
                    cause: error)
            }
        }
    }
}
