import Foundation

/// The usual AWS order: the first of `providers` that has credentials wins.
///
/// ``init(environment:)`` builds the standard chain: environment variables, then the
/// shared files' profile. Credentials given in ``S3Configuration`` directly come first
/// because the configuration then holds a ``StaticCredentialsProvider`` instead.
public struct DefaultCredentialsProvider: AWSCredentialsProvider {
    /// The sources, asked in order.
    public var providers: [any AWSCredentialsProvider]

    /// Asks `providers` in order.
    public init(providers: [any AWSCredentialsProvider]) { self.providers = providers }

    /// Environment variables, then `AWS_PROFILE`'s profile in the shared files.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        providers = [EnvironmentCredentialsProvider(environment: environment),
                     SharedFileCredentialsProvider(environment: environment)]
    }

    /// The first credentials found.
    public func resolveCredentials() async throws -> AWSCredentials? {
        for provider in providers {
            if let credentials = try await provider.resolveCredentials() { return credentials }
        }
        return nil
    }

    /// The credentials currently found, with the source they came from.
    public func resolveWithSource() async throws -> (AWSCredentials, String)? {
        for provider in providers {
            if let credentials = try await provider.resolveCredentials() {
                return (credentials, provider.sourceDescription)
            }
        }
        return nil
    }

    public var sourceDescription: String {
        providers.map(\.sourceDescription).joined(separator: ", then ")
    }
}
