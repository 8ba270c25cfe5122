import Foundation

/// Everything an ``S3Store`` needs: where (bucket, prefix, region, endpoint, addressing),
/// who (credentials) and how hard to try (retries, timeouts, multipart sizes).
///
/// ``init(location:environment:)`` fills it the way the AWS CLI would, from the standard
/// environment variables and the shared files; the memberwise initializer takes it all
/// explicitly.
public struct S3Configuration: Sendable {
    /// The bucket.
    public var bucket: String
    /// The key prefix the store's paths live below: empty or ending in `/`.
    public var prefix: String
    /// The bucket's region; requests are signed for it (`us-east-1` when unknown).
    public var region: String
    /// A custom endpoint such as `http://127.0.0.1:5000` (MinIO, moto, a VPC endpoint), or
    /// `nil` for AWS's own `https://s3.<region>.amazonaws.com`.
    public var endpoint: String?
    /// Path-style or virtual-hosted URLs.
    public var addressingStyle: S3AddressingStyle
    /// Where the credentials come from; asked before every request.
    public var credentialsProvider: any AWSCredentialsProvider
    /// Retries with backoff for throttling, 5xx and dropped connections.
    public var retryPolicy: S3RetryPolicy
    /// The longest one request may take, body included.
    public var requestTimeout: Duration
    /// The part size of multipart uploads (at least 5 MiB, as S3 requires).
    public var multipartPartSize: Int
    /// Files at least this large are uploaded in parts by ``S3Store/uploadFile(_:to:)``.
    public var multipartThreshold: Int
    /// Parts uploaded at the same time.
    public var multipartConcurrency: Int

    /// The smallest part S3 accepts (every part but the last).
    public static let minimumPartSize = 5 * 1024 * 1024

    /// A configuration from explicit values.
    public init(bucket: String, prefix: String = "", region: String = "us-east-1", endpoint: String? = nil,
                addressingStyle: S3AddressingStyle = .auto,
                credentialsProvider: any AWSCredentialsProvider = DefaultCredentialsProvider(),
                retryPolicy: S3RetryPolicy = S3RetryPolicy(), requestTimeout: Duration = .seconds(300),
                multipartPartSize: Int = 8 * 1024 * 1024, multipartThreshold: Int = 16 * 1024 * 1024,
                multipartConcurrency: Int = 4) {
        self.bucket = bucket
        self.prefix = S3Location.normalize(prefix: prefix)
        self.region = region
        self.endpoint = endpoint.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.addressingStyle = addressingStyle
        self.credentialsProvider = credentialsProvider
        self.retryPolicy = retryPolicy
        self.requestTimeout = requestTimeout
        self.multipartPartSize = max(Self.minimumPartSize, multipartPartSize)
        self.multipartThreshold = max(1, multipartThreshold)
        self.multipartConcurrency = max(1, multipartConcurrency)
    }

    /// A configuration for `location` resolved as the AWS CLI resolves it:
    ///
    /// - region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`;
    /// - endpoint: `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, the profile's `s3.endpoint_url`
    ///   or `endpoint_url`, else AWS;
    /// - addressing: `SWIFTLAKE_S3_ADDRESSING_STYLE`, the profile's `s3.addressing_style`,
    ///   else `auto`;
    /// - credentials: ``DefaultCredentialsProvider`` (environment, then the shared files).
    ///
    /// Throws when a setting is malformed (an unknown addressing style, an unreadable file).
    public init(location: S3Location, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let profile = try AWSProfileFiles(environment: environment).settings()
        let region = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? profile["region"] ?? "us-east-1"
        let endpoint = env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL")
            ?? profile["s3.endpoint_url"] ?? profile["endpoint_url"]
        let styleText = env("SWIFTLAKE_S3_ADDRESSING_STYLE") ?? profile["s3.addressing_style"] ?? "auto"
        guard let style = S3AddressingStyle(parsing: styleText) else {
            throw ObjectStoreError(code: .invalidPath,
                message: "unknown S3 addressing style '\(styleText)'; use path, virtual or auto (SWIFTLAKE_S3_ADDRESSING_STYLE)")
        }
        if let endpoint, URL(string: endpoint)?.host == nil {
            throw ObjectStoreError(code: .invalidPath,
                message: "the S3 endpoint '\(endpoint)' is not a URL; write it as http://host:port or https://host (AWS_ENDPOINT_URL)")
        }
        self.init(bucket: location.bucket, prefix: location.prefix, region: region, endpoint: endpoint,
                  addressingStyle: style, credentialsProvider: DefaultCredentialsProvider(environment: environment))
    }

    /// The endpoint requests go to, before the bucket is placed in it.
    var resolvedEndpoint: String {
        if let endpoint { return endpoint }
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return "https://s3.\(region).\(domain)"
    }

    /// Whether URLs put the bucket in the host name.
    var usesVirtualHostedStyle: Bool {
        switch addressingStyle {
        case .path: return false
        case .virtualHosted: return true
        case .auto: return endpoint == nil && !bucket.contains(".") && bucket == bucket.lowercased()
        }
    }
}
