import NIOHTTP1

/// One S3 API call before signing: which object or bucket, the sub-resource query, the
/// extra headers and the body, plus the names used in error messages.
struct S3Request: Sendable {
    /// The HTTP method.
    var method: HTTPMethod
    /// The full object key (store prefix included), or `nil` for a bucket-level call.
    var key: String?
    /// Unencoded query parameters (`list-type=2`, `uploads=`, `partNumber=3`).
    var query: [(String, String)] = []
    /// Extra headers (`Range`, `If-None-Match`, `Content-MD5`).
    var headers: [(String, String)] = []
    /// The body; empty for none.
    var body: [UInt8] = []
    /// The S3 action name for messages and IAM advice (`GetObject`).
    var operation: String
    /// The store-relative path, for ``ObjectStoreError/path``.
    var path: String?
}

/// A buffered S3 response.
struct S3Response: Sendable {
    /// The HTTP status.
    var status: Int
    /// Response headers (names as sent).
    var headers: [(String, String)]
    /// The whole body.
    var body: [UInt8]
    /// How many attempts the request took (more than 1 after a retry).
    var attempts: Int

    /// The first header named `name`, case-insensitively.
    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.0.lowercased() == lowered }?.1
    }
}
