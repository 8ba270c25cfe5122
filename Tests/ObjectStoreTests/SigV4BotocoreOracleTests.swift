import Foundation
import TestProcess
import Testing
@testable import ObjectStore

/// Whole S3 requests as ``S3Client`` builds them (encoded keys, sub-resource queries,
/// session tokens) signed by botocore, the AWS SDK for Python, as an independent oracle:
/// moto accepts any signature, so this and the published vectors are what vouch for
/// requests real S3 will accept. botocore comes with moto (`scripts/setup-python.sh`).
@Suite struct SigV4BotocoreOracleTests {
    static let oracle = #"""
import json, sys
try:
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    print("NO_BOTOCORE"); sys.exit(0)
out = []
for case in json.load(sys.stdin):
    headers = {k: v for k, v in case["headers"] if k.lower() != "authorization"}
    request = AWSRequest(method=case["method"], url=case["url"], headers=headers, data=b"")
    auth = S3SigV4Auth(Credentials(case["key"], case["secret"], case["token"]), "s3", case["region"])
    request.context["timestamp"] = headers["x-amz-date"]
    canonical = auth.canonical_request(request)
    out.append(auth.signature(auth.string_to_sign(request, canonical), request))
print(json.dumps(out))
"""#

    @Test func s3RequestsAreSignedAsBotocoreSignsThem() async throws {
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                         sessionToken: "session/token+with=chars")
        let date = Date(timeIntervalSince1970: 1_440_938_160)
        var cases: [[String: Any]] = []
        var ours: [String] = []
        let requests: [(S3AddressingStyle, S3Request)] = [
            (.path, S3Request(method: .GET, key: "tables/sales/_delta_log/00000000000000000000.json", operation: "GetObject")),
            (.virtualHosted, S3Request(method: .GET, key: "date=2024-01-01/part 0+1 ü~!*'().parquet",
                                       headers: [("Range", "bytes=0-99")], operation: "GetObject")),
            (.path, S3Request(method: .GET, key: nil, query: [("list-type", "2"), ("prefix", "a b/c=d&"),
                                                              ("start-after", "a b/ü"), ("max-keys", "1000")],
                              operation: "ListBucket")),
            (.path, S3Request(method: .PUT, key: "x/y.json", headers: [("If-None-Match", "*")], operation: "PutObject")),
            (.path, S3Request(method: .POST, key: "big.bin", query: [("uploads", "")], operation: "CreateMultipartUpload")),
        ]
        for (style, request) in requests {
            let configuration = S3Configuration(bucket: "lake", region: "eu-west-1", addressingStyle: style,
                                                credentialsProvider: StaticCredentialsProvider(credentials))
            let client = S3Client(configuration: configuration, httpClient: S3HTTPClient.shared)
            let http = try client.makeHTTPRequest(request, credentials: credentials, date: date)
            let authorization = try #require(http.headers.first(name: "authorization"))
            ours.append(String(authorization.split(separator: "=").last!))
            cases.append(["method": http.method.rawValue, "url": http.url,
                          "headers": http.headers.map { [$0.name, $0.value] },
                          "key": credentials.accessKeyId, "secret": credentials.secretAccessKey,
                          "token": credentials.sessionToken!, "region": "eu-west-1"])
        }
        guard let theirs = try await runOracle(input: JSONSerialization.data(withJSONObject: cases)) else { return }
        #expect(theirs == ours)
    }

    /// botocore's signatures, or nil after saying why the oracle is unavailable.
    func runOracle(input: Data) async throws -> [String]? {
        let full = ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1"
        let run = await runPython(["-c", Self.oracle], input: input)
        if let problem = run.launchError {
            if full { Issue.record("python3 cannot run: \(problem)") } else { print("skipping botocore oracle: python3 cannot run") }
            return nil
        }
        let output = run.stdout
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text == "NO_BOTOCORE" || run.status != 0 {
            let why = "botocore is not installed for python3 (scripts/setup-python.sh installs moto, which brings it)"
            if full { Issue.record(Comment(rawValue: why)) } else { print("skipping botocore oracle: \(why)") }
            return nil
        }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
    }
}
