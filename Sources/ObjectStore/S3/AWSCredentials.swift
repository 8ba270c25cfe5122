/// An AWS access key pair, with the session token that temporary credentials carry.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The access key id (`AKIA…`, or `ASIA…` for temporary credentials).
    public var accessKeyId: String
    /// The secret access key. Never printed.
    public var secretAccessKey: String
    /// The session token of temporary (STS) credentials; sent as `X-Amz-Security-Token`.
    public var sessionToken: String?

    /// Creates credentials.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The key id and whether a session token is present; the secret stays out of logs.
    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId)\(sessionToken == nil ? "" : ", with session token"))"
    }
}
