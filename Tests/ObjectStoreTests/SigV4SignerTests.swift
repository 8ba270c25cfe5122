import Foundation
import Testing
@testable import ObjectStore

/// The signer against AWS's published Signature Version 4 examples: the generic test
/// suite (service `service`, 2015-08-30T12:36:00Z) and the S3 GetObject example from the
/// S3 API reference ("Signature calculations for the Authorization header").
@Suite struct SigV4SignerTests {
    static let suiteCredentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE",
                                                 secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z
    static let suiteSigner = SigV4Signer(credentials: suiteCredentials, region: "us-east-1", service: "service")

    struct Vector: Sendable, CustomStringConvertible {
        var name: String
        var method: String
        var path: String
        var query: [(String, String)]
        var headers: [(String, String)]
        var signedHeaders: String
        var signature: String
        var description: String { name }
    }

    static let suiteVectors: [Vector] = [
        Vector(name: "get-vanilla", method: "GET", path: "/", query: [], headers: [("Host", "example.amazonaws.com")],
               signedHeaders: "host;x-amz-date",
               signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(name: "post-vanilla", method: "POST", path: "/", query: [], headers: [("Host", "example.amazonaws.com")],
               signedHeaders: "host;x-amz-date",
               signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Vector(name: "get-vanilla-query-order-key-case", method: "GET", path: "/",
               query: [("Param2", "value2"), ("Param1", "value1")], headers: [("Host", "example.amazonaws.com")],
               signedHeaders: "host;x-amz-date",
               signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Vector(name: "post-vanilla-query", method: "POST", path: "/", query: [("Param1", "value1")],
               headers: [("Host", "example.amazonaws.com")], signedHeaders: "host;x-amz-date",
               signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        Vector(name: "get-unreserved", method: "GET",
               path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", query: [],
               headers: [("Host", "example.amazonaws.com")], signedHeaders: "host;x-amz-date",
               signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
    ]

    @Test("AWS SigV4 test suite", arguments: suiteVectors)
    func suiteVector(_ vector: Vector) {
        let signed = Self.suiteSigner.sign(method: vector.method, encodedPath: vector.path, query: vector.query,
                                           headers: vector.headers, payloadHash: SigV4Signer.emptyPayloadHash,
                                           date: Self.suiteDate)
        #expect(signed.signature == vector.signature)
        #expect(signed.authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)")
    }

    @Test func getVanillaIntermediateStrings() {
        let signed = Self.suiteSigner.sign(method: "GET", encodedPath: "/", query: [],
                                           headers: [("Host", "example.amazonaws.com")],
                                           payloadHash: SigV4Signer.emptyPayloadHash, date: Self.suiteDate)
        #expect(signed.canonicalRequest == """
            GET
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signed.stringToSign == """
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/service/aws4_request
            bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63
            """)
    }

    @Test("S3 API reference example: GET Object with a Range")
    func s3GetObjectExample() {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE",
                                                             secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                 region: "us-east-1", service: "s3")
        let signed = signer.sign(method: "GET", encodedPath: "/test.txt", query: [],
                                 headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                                           ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
                                 payloadHash: SigV4Signer.emptyPayloadHash,
                                 date: Date(timeIntervalSince1970: 1_369_353_600))  // 20130524T000000Z
        #expect(signed.stringToSign.hasSuffix("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"))
        #expect(signed.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(signed.authorization.contains("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"))
    }

    @Test func sessionTokenIsSentAndSigned() {
        var credentials = Self.suiteCredentials
        credentials.sessionToken = "token-123"
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1")
        let signed = signer.sign(method: "GET", encodedPath: "/b/k", query: [], headers: [("host", "h")],
                                 payloadHash: SigV4Signer.emptyPayloadHash, date: Self.suiteDate)
        #expect(signed.headers.contains { $0.name == "x-amz-security-token" && $0.value == "token-123" })
        #expect(signed.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token"))
        #expect(signed.authorization.contains("/20150830/eu-west-1/s3/aws4_request"))
    }

    @Test func uriEncodingFollowsAWSRules() {
        #expect(SigV4Signer.uriEncode("a b/c+d~e_f.g-h", encodeSlash: false) == "a%20b/c%2Bd~e_f.g-h")
        #expect(SigV4Signer.uriEncode("a/b=c&d", encodeSlash: true) == "a%2Fb%3Dc%26d")
        #expect(SigV4Signer.uriEncode("é", encodeSlash: true) == "%C3%A9")
    }

    @Test func headerValuesAreTrimmedAndCollapsed() {
        #expect(SigV4Signer.canonicalHeaderValue("  value1   value2  ") == "value1 value2")
    }
}
