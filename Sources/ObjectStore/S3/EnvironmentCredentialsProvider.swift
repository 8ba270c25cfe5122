import Foundation

/// Credentials from the standard environment variables `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (or the older `AWS_SECURITY_TOKEN`).
///
/// Answers `nil` when neither key variable is set; throws when only one of them is,
/// since that is a half-done setup the user wants to hear about.
public struct EnvironmentCredentialsProvider: AWSCredentialsProvider {
    /// The environment read (the process's own by default).
    public var environment: [String: String]

    /// Reads `environment` (the process environment unless given).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func resolveCredentials() async throws -> AWSCredentials? {
        let keyId = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (keyId, secret) {
        case (nil, nil):
            return nil
        case (let keyId?, let secret?):
            let token = environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"]
            return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret,
                                  sessionToken: token.flatMap { $0.isEmpty ? nil : $0 })
        case (nil, _):
            throw ObjectStoreError(code: .permissionDenied,
                message: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both, or unset both to use ~/.aws/credentials")
        case (_, nil):
            throw ObjectStoreError(code: .permissionDenied,
                message: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, or unset both to use ~/.aws/credentials")
        }
    }

    public var sourceDescription: String { "the environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" }
}
