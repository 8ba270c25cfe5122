import Foundation

/// Credentials from the profile in the AWS shared files (see ``AWSProfileFiles``):
/// `aws_access_key_id`, `aws_secret_access_key` and `aws_session_token`.
///
/// Answers `nil` when the files or the profile are absent, except when a profile was
/// chosen explicitly (`AWS_PROFILE`) and does not exist, which is an error worth naming.
/// Role assumption (`role_arn`, `credential_process`, SSO) is not supported: the error says so.
public struct SharedFileCredentialsProvider: AWSCredentialsProvider {
    /// The files and the profile.
    public var files: AWSProfileFiles
    /// Whether the profile was named by the user (`AWS_PROFILE`) rather than defaulted.
    public var profileWasChosen: Bool

    /// Reads the files and the profile named by `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.files = AWSProfileFiles(environment: environment)
        self.profileWasChosen = environment["AWS_PROFILE"].map { !$0.isEmpty } ?? false
    }

    /// Reads `files`.
    public init(files: AWSProfileFiles, profileWasChosen: Bool = true) {
        self.files = files
        self.profileWasChosen = profileWasChosen
    }

    public func resolveCredentials() async throws -> AWSCredentials? {
        let settings = try files.settings()
        if settings.isEmpty {
            if profileWasChosen && files.profile != "default" {
                throw ObjectStoreError(code: .permissionDenied,
                    message: "AWS profile '\(files.profile)' (AWS_PROFILE) is in neither \(files.credentialsFile) nor \(files.configFile); add it or choose another profile")
            }
            return nil
        }
        guard let keyId = settings["aws_access_key_id"], let secret = settings["aws_secret_access_key"],
              !keyId.isEmpty, !secret.isEmpty else {
            let unsupported = ["role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"]
                .filter { settings[$0] != nil }
            if !unsupported.isEmpty {
                throw ObjectStoreError(code: .unsupported,
                    message: "AWS profile '\(files.profile)' uses \(unsupported.joined(separator: ", ")), which SwiftLake does not support; export temporary credentials (e.g. `aws configure export-credentials --format env`) or add aws_access_key_id/aws_secret_access_key to the profile")
            }
            if settings["aws_access_key_id"] != nil || settings["aws_secret_access_key"] != nil {
                throw ObjectStoreError(code: .permissionDenied,
                    message: "AWS profile '\(files.profile)' has only one of aws_access_key_id and aws_secret_access_key; add the other to \(files.credentialsFile)")
            }
            return nil  // e.g. a config profile with only a region
        }
        let token = settings["aws_session_token"] ?? settings["aws_security_token"]
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret,
                              sessionToken: token.flatMap { $0.isEmpty ? nil : $0 })
    }

    public var sourceDescription: String {
        "profile '\(files.profile)' in \(files.credentialsFile) / \(files.configFile)"
    }
}
