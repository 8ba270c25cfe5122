import Foundation
import Testing
@testable import ObjectStore

/// Where credentials, region and endpoint come from, with temporary shared files.
@Suite struct CredentialsAndConfigurationTests {
    /// A temporary directory holding `credentials` and `config` files.
    struct AWSFiles {
        let directory: String
        init(credentials: String?, config: String?) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("aws-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if let credentials { try credentials.write(toFile: directory + "/credentials", atomically: true, encoding: .utf8) }
            if let config { try config.write(toFile: directory + "/config", atomically: true, encoding: .utf8) }
        }
        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            ["AWS_SHARED_CREDENTIALS_FILE": directory + "/credentials", "AWS_CONFIG_FILE": directory + "/config",
             "HOME": directory].merging(extra) { _, new in new }
        }
        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    static let credentialsFile = """
        # comment
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = secret-default

        [dev]
        aws_access_key_id=AKIDDEV   ; inline comment
        aws_secret_access_key=secret/dev+key=
        aws_session_token = token-dev
        """
    static let configFile = """
        [default]
        region = eu-west-1

        [profile dev]
        region = ap-south-1
        s3 =
          addressing_style = path
          endpoint_url = http://127.0.0.1:9999

        [profile configonly]
        aws_access_key_id = AKIDCONFIG
        aws_secret_access_key = secret-config
        """

    @Test func environmentVariablesWithSessionToken() async throws {
        let provider = EnvironmentCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "tok"])
        #expect(try await provider.resolveCredentials() == AWSCredentials(accessKeyId: "AKIDENV", secretAccessKey: "secret", sessionToken: "tok"))
        #expect(try await EnvironmentCredentialsProvider(environment: [:]).resolveCredentials() == nil)
        await #expect(throws: ObjectStoreError.self) {
            try await EnvironmentCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "x"]).resolveCredentials()
        }
    }

    @Test func sharedFilesDefaultAndNamedProfiles() async throws {
        let files = try AWSFiles(credentials: Self.credentialsFile, config: Self.configFile)
        defer { files.remove() }
        let defaultCredentials = try await SharedFileCredentialsProvider(environment: files.environment()).resolveCredentials()
        #expect(defaultCredentials == AWSCredentials(accessKeyId: "AKIDDEFAULT", secretAccessKey: "secret-default"))
        let dev = try await SharedFileCredentialsProvider(environment: files.environment(["AWS_PROFILE": "dev"])).resolveCredentials()
        #expect(dev == AWSCredentials(accessKeyId: "AKIDDEV", secretAccessKey: "secret/dev+key=", sessionToken: "token-dev"))
        // Keys may also sit in the config file under [profile name].
        let configOnly = try await SharedFileCredentialsProvider(environment: files.environment(["AWS_PROFILE": "configonly"])).resolveCredentials()
        #expect(configOnly?.accessKeyId == "AKIDCONFIG")
    }

    @Test func missingChosenProfileIsAnErrorThatNamesIt() async throws {
        let files = try AWSFiles(credentials: Self.credentialsFile, config: nil)
        defer { files.remove() }
        do {
            _ = try await SharedFileCredentialsProvider(environment: files.environment(["AWS_PROFILE": "prod"])).resolveCredentials()
            Issue.record("expected an error for a missing profile")
        } catch let error as ObjectStoreError {
            #expect(error.message.contains("'prod'"))
        }
    }

    @Test func environmentComesBeforeSharedFiles() async throws {
        let files = try AWSFiles(credentials: Self.credentialsFile, config: nil)
        defer { files.remove() }
        let chain = DefaultCredentialsProvider(environment: files.environment([
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret-env"]))
        #expect(try await chain.resolveCredentials()?.accessKeyId == "AKIDENV")
        let fileOnly = DefaultCredentialsProvider(environment: files.environment())
        #expect(try await fileOnly.resolveWithSource()?.1.contains("profile 'default'") == true)
        let nothing = DefaultCredentialsProvider(environment: ["HOME": "/nonexistent"])
        #expect(try await nothing.resolveCredentials() == nil)
    }

    @Test func configurationFromEnvironmentAndProfile() throws {
        let files = try AWSFiles(credentials: nil, config: Self.configFile)
        defer { files.remove() }
        let location = try S3Location(url: "s3://lake/tables/sales")
        let fromProfile = try S3Configuration(location: location, environment: files.environment())
        #expect(fromProfile.region == "eu-west-1")
        #expect(fromProfile.endpoint == nil)
        #expect(fromProfile.prefix == "tables/sales/")
        let dev = try S3Configuration(location: location, environment: files.environment(["AWS_PROFILE": "dev"]))
        #expect(dev.region == "ap-south-1")
        #expect(dev.endpoint == "http://127.0.0.1:9999")
        #expect(dev.addressingStyle == .path)
        let fromEnvironment = try S3Configuration(location: location, environment: files.environment([
            "AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "ignored", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"]))
        #expect(fromEnvironment.region == "us-west-2")
        #expect(fromEnvironment.endpoint == "http://127.0.0.1:5000")
        let defaults = try S3Configuration(location: location, environment: ["HOME": "/nonexistent"])
        #expect(defaults.region == "us-east-1")
        #expect(throws: ObjectStoreError.self) {
            try S3Configuration(location: location, environment: ["SWIFTLAKE_S3_ADDRESSING_STYLE": "sideways"])
        }
    }

    @Test func locationsParseAndNormalise() throws {
        #expect(try S3Location(url: "s3://lake") == S3Location(bucket: "lake", prefix: ""))
        #expect(try S3Location(url: "s3://lake/a/b") == S3Location(bucket: "lake", prefix: "a/b/"))
        #expect(try S3Location(url: "s3a://lake/a/b/").prefix == "a/b/")
        #expect(try S3Location(url: "s3://lake/a/b").description == "s3://lake/a/b/")
        #expect(throws: ObjectStoreError.self) { try S3Location(url: "s3:///prefix") }
        #expect(throws: ObjectStoreError.self) { try S3Location(url: "/data/lake") }
        #expect(throws: ObjectStoreError.self) { try S3Location(url: "s3://lake/../etc") }
    }

    @Test func addressingStylesBuildTheRightURLs() throws {
        let credentials = StaticCredentialsProvider(accessKeyId: "a", secretAccessKey: "b")
        func location(_ configuration: S3Configuration, _ key: String?) throws -> (url: String, host: String, encodedPath: String) {
            try S3Client(configuration: configuration, httpClient: S3HTTPClient.shared).location(forKey: key)
        }
        let aws = S3Configuration(bucket: "lake", region: "eu-west-1", credentialsProvider: credentials)
        #expect(try location(aws, "t/a b.json").url == "https://lake.s3.eu-west-1.amazonaws.com/t/a%20b.json")
        var path = aws
        path.addressingStyle = .path
        #expect(try location(path, "t/x").url == "https://s3.eu-west-1.amazonaws.com/lake/t/x")
        let dotted = S3Configuration(bucket: "my.lake", region: "us-east-1", credentialsProvider: credentials)
        #expect(try location(dotted, "k").host == "s3.us-east-1.amazonaws.com")  // auto: dots need path style
        let local = S3Configuration(bucket: "lake", endpoint: "http://127.0.0.1:5000", credentialsProvider: credentials)
        let bucketLevel = try location(local, nil)
        #expect(bucketLevel.url == "http://127.0.0.1:5000/lake")
        #expect(bucketLevel.host == "127.0.0.1:5000")
        var virtualLocal = local
        virtualLocal.addressingStyle = .virtualHosted
        #expect(try location(virtualLocal, "k").url == "http://lake.127.0.0.1:5000/k")
    }

    @Test func retryBackoffGrowsAndStaysUnderTheCeiling() {
        let policy = S3RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .milliseconds(400))
        for retry in 1...5 {
            let ceiling: Duration = min(.milliseconds(400), .milliseconds(100) * (1 << (retry - 1)))
            for _ in 0..<20 { #expect(policy.delay(beforeRetry: retry) <= ceiling) }
        }
    }
}
