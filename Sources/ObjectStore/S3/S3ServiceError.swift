/// An error response from S3 as the service sent it: the status, S3's error code and
/// message, and the hints it carries (the bucket's real region). Kept as the `cause` of
/// the ``ObjectStoreError`` that callers see.
public struct S3ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status.
    public var status: Int
    /// S3's error code (`NoSuchBucket`, `AccessDenied`, `SlowDown`, …); for bodiless
    /// responses (HEAD) a code derived from the status.
    public var code: String
    /// S3's own message, if any.
    public var message: String
    /// The request id, for AWS support.
    public var requestId: String?
    /// The region the bucket is really in, when the response says (`x-amz-bucket-region`,
    /// `<Region>`, or the `<Endpoint>` of a redirect).
    public var bucketRegion: String?

    /// Creates an error.
    public init(status: Int, code: String, message: String, requestId: String? = nil, bucketRegion: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.requestId = requestId
        self.bucketRegion = bucketRegion
    }

    /// Whether repeating the same request may succeed: throttling, transient server
    /// errors, and a conditional write that raced another one in progress.
    public var isRetryable: Bool {
        if [500, 502, 503, 504, 429].contains(status) { return true }
        return ["SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeTooSkewed",
                "InternalError", "ServiceUnavailable", "ConditionalRequestConflict", "OperationAborted"]
            .contains(code)
    }

    public var description: String {
        var text = "S3 \(status) \(code)"
        if !message.isEmpty { text += ": \(message)" }
        if let requestId { text += " (request id \(requestId))" }
        return text
    }
}
