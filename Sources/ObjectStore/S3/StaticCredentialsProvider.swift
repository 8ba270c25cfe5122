/// Credentials given in the configuration itself.
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    /// The credentials every request is signed with.
    public var credentials: AWSCredentials

    /// Always answers `credentials`.
    public init(_ credentials: AWSCredentials) { self.credentials = credentials }

    /// Always answers with the same key pair.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.credentials = AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey,
                                          sessionToken: sessionToken)
    }

    public func resolveCredentials() async throws -> AWSCredentials? { credentials }

    public var sourceDescription: String { "the S3 configuration (access key id \(credentials.accessKeyId))" }
}
