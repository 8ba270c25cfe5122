/// A source of ``AWSCredentials``: static values, the environment, the shared files, or a
/// chain of those (``DefaultCredentialsProvider``).
///
/// Providers are asked before every request, so one that reads files or refreshes tokens
/// picks up new credentials without restarting the store.
public protocol AWSCredentialsProvider: Sendable {
    /// The credentials, or `nil` when this source has none (the next source in a chain is
    /// then asked). Throws when the source exists but is broken (a malformed file).
    func resolveCredentials() async throws -> AWSCredentials?

    /// Where the credentials come from, for error messages ("environment variables
    /// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", "profile 'dev' in ~/.aws/credentials").
    var sourceDescription: String { get }
}
