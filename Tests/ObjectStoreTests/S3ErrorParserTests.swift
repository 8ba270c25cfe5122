import Foundation
import Testing
@testable import ObjectStore

/// Error bodies as S3 sends them become errors that say what to do.
@Suite struct S3ErrorParserTests {
    func mapped(status: Int, body: String, headers: [(String, String)] = [], key: String? = "t/x.json") -> ObjectStoreError {
        let serviceError = S3ErrorParser.serviceError(status: status, headers: headers, body: Array(body.utf8))
        return S3ErrorParser.objectStoreError(serviceError, operation: "GetObject", bucket: "lake", key: key,
                                              path: "x.json", configuredRegion: "us-east-1",
                                              endpoint: "https://s3.us-east-1.amazonaws.com",
                                              credentialsSource: "the environment variables")
    }

    @Test func noSuchBucketSaysToCreateIt() {
        let error = mapped(status: 404, body: "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>lake</BucketName><RequestId>R1</RequestId></Error>")
        #expect(error.code == .notFound)
        #expect(error.message.contains("bucket 'lake' does not exist"))
        #expect((error.cause as? S3ServiceError)?.requestId == "R1")
    }

    @Test func accessDeniedNamesTheActionAndTheCredentials() {
        let error = mapped(status: 403, body: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")
        #expect(error.code == .permissionDenied)
        #expect(error.message.contains("s3:GetObject"))
        #expect(error.message.contains("the environment variables"))
    }

    @Test func wrongRegionFromAuthorizationHeaderMalformedNamesTheRightOne() {
        let error = mapped(status: 400, body: "<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region></Error>")
        #expect(error.message.contains("is in region eu-west-1"))
        #expect(error.message.contains("AWS_REGION=eu-west-1"))
    }

    @Test func wrongRegionFromPermanentRedirect() {
        let body = "<Error><Code>PermanentRedirect</Code><Message>use the endpoint</Message><Endpoint>lake.s3.ap-southeast-2.amazonaws.com</Endpoint><Bucket>lake</Bucket></Error>"
        #expect(mapped(status: 301, body: body).message.contains("AWS_REGION=ap-southeast-2"))
        // HEAD responses carry no body, only the header.
        let head = mapped(status: 301, body: "", headers: [("x-amz-bucket-region", "eu-central-1")])
        #expect(head.message.contains("AWS_REGION=eu-central-1"))
    }

    @Test func throttlingAndServerErrorsAreRetryable() {
        #expect(S3ErrorParser.serviceError(status: 503, headers: [], body: Array("<Error><Code>SlowDown</Code></Error>".utf8)).isRetryable)
        #expect(S3ErrorParser.serviceError(status: 500, headers: [], body: []).isRetryable)
        #expect(S3ErrorParser.serviceError(status: 409, headers: [], body: Array("<Error><Code>ConditionalRequestConflict</Code></Error>".utf8)).isRetryable)
        #expect(!S3ErrorParser.serviceError(status: 403, headers: [], body: []).isRetryable)
        #expect(!S3ErrorParser.serviceError(status: 412, headers: [], body: []).isRetryable)
    }

    @Test func badCredentialsSayWhichSetting() {
        #expect(mapped(status: 403, body: "<Error><Code>InvalidAccessKeyId</Code></Error>").message.contains("AWS_ACCESS_KEY_ID"))
        #expect(mapped(status: 403, body: "<Error><Code>SignatureDoesNotMatch</Code></Error>").message.contains("AWS_SECRET_ACCESS_KEY"))
    }
}
