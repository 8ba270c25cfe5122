import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP plumbing under ``S3Store``: builds path-style or virtual-hosted URLs, signs
/// each attempt with SigV4, sends it on an `HTTPClient`, retries throttling, 5xx and
/// dropped connections with jittered backoff, and turns error bodies into
/// ``ObjectStoreError``s (through ``S3ErrorParser``).
///
/// The `HTTPClient` is ``S3HTTPClient/shared`` unless the caller passes one; a passed
/// client stays the caller's to shut down (`try await client.shutdown()`), the shared one
/// never needs it.
struct S3Client: Sendable {
    let configuration: S3Configuration
    let httpClient: HTTPClient

    init(configuration: S3Configuration, httpClient: HTTPClient) {
        self.configuration = configuration
        self.httpClient = httpClient
    }

    // MARK: - Sending

    /// Sends `request` (with retries) and returns the whole response when its status is
    /// 2xx or in `accepting`; otherwise throws the mapped error.
    func execute(_ request: S3Request, accepting: Set<Int> = []) async throws -> S3Response {
        let (response, attempts) = try await send(request, accepting: accepting)
        let body = try await Self.collect(response.body, operation: request.operation)
        return S3Response(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                          body: body, attempts: attempts)
    }

    /// Sends `request` (with retries until a response head with an acceptable status
    /// arrives) and hands the unread streaming response to `handler`.
    func withStreamingResponse<R: Sendable>(_ request: S3Request, accepting: Set<Int> = [],
                                            _ handler: (HTTPClientResponse) async throws -> R) async throws -> R {
        let (response, _) = try await send(request, accepting: accepting)
        return try await handler(response)
    }

    private func send(_ request: S3Request, accepting: Set<Int>) async throws -> (HTTPClientResponse, Int) {
        let policy = configuration.retryPolicy
        var attempt = 1
        while true {
            try Task.checkCancellation()
            let (credentials, source) = try await resolveCredentials()
            let httpRequest = try makeHTTPRequest(request, credentials: credentials)
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(httpRequest, timeout: Self.timeAmount(configuration.requestTimeout))
            } catch {
                if error is CancellationError || Task.isCancelled { throw error }
                if attempt < policy.maxAttempts {
                    try await Task.sleep(for: policy.delay(beforeRetry: attempt))
                    attempt += 1
                    continue
                }
                throw ObjectStoreError(code: .io,
                    message: "\(request.operation) could not reach S3 at \(configuration.resolvedEndpoint) after \(attempt) attempt(s): \(error); check the endpoint (AWS_ENDPOINT_URL) and the network",
                    path: request.path, cause: error)
            }
            let status = Int(response.status.code)
            if (200..<300).contains(status) || accepting.contains(status) {
                return (response, attempt)
            }
            let body = (try? await Self.collect(response.body, operation: request.operation, limit: 1 << 20)) ?? []
            let serviceError = S3ErrorParser.serviceError(status: status,
                                                          headers: response.headers.map { ($0.name, $0.value) },
                                                          body: body)
            if serviceError.isRetryable && attempt < policy.maxAttempts {
                try await Task.sleep(for: policy.delay(beforeRetry: attempt))
                attempt += 1
                continue
            }
            throw S3ErrorParser.objectStoreError(serviceError, operation: request.operation,
                                                 bucket: configuration.bucket, key: request.key, path: request.path,
                                                 configuredRegion: configuration.region,
                                                 endpoint: configuration.resolvedEndpoint, credentialsSource: source)
        }
    }

    private func resolveCredentials() async throws -> (AWSCredentials, String) {
        let provider = configuration.credentialsProvider
        if let chain = provider as? DefaultCredentialsProvider {
            if let found = try await chain.resolveWithSource() { return found }
        } else if let credentials = try await provider.resolveCredentials() {
            return (credentials, provider.sourceDescription)
        }
        throw ObjectStoreError(code: .permissionDenied,
            message: "no AWS credentials found for s3://\(configuration.bucket) (looked in \(provider.sourceDescription)); "
                + "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add the keys to a profile in ~/.aws/credentials (AWS_PROFILE picks it)")
    }

    // MARK: - Building requests

    /// Where a request for `key` goes: the URL, the `Host` header value and the encoded
    /// path that is signed.
    func location(forKey key: String?) throws -> (url: String, host: String, encodedPath: String) {
        let endpoint = configuration.resolvedEndpoint
        guard let components = URLComponents(string: endpoint), let scheme = components.scheme,
              let baseHost = components.host, !baseHost.isEmpty else {
            throw ObjectStoreError(code: .invalidPath,
                message: "the S3 endpoint '\(endpoint)' is not a URL; write it as http://host:port or https://host")
        }
        let defaultPort = scheme == "https" ? 443 : 80
        let portSuffix = components.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? ""
        let encodedKey = key.map { SigV4Signer.uriEncode($0, encodeSlash: false) }
        let host: String
        let encodedPath: String
        if configuration.usesVirtualHostedStyle {
            host = "\(configuration.bucket).\(baseHost)\(portSuffix)"
            encodedPath = "/" + (encodedKey ?? "")
        } else {
            host = "\(baseHost)\(portSuffix)"
            encodedPath = "/\(SigV4Signer.uriEncode(configuration.bucket, encodeSlash: true))" + (encodedKey.map { "/" + $0 } ?? "")
        }
        return ("\(scheme)://\(host)\(encodedPath)", host, encodedPath)
    }

    func makeHTTPRequest(_ request: S3Request, credentials: AWSCredentials, date: Date = Date()) throws -> HTTPClientRequest {
        let (url, host, encodedPath) = try location(forKey: request.key)
        let payloadHash = SigV4Signer.payloadHash(request.body)
        var headers = request.headers
        headers.append(("host", host))
        headers.append(("x-amz-content-sha256", payloadHash))
        let signer = SigV4Signer(credentials: credentials, region: configuration.region)
        let signed = signer.sign(method: request.method.rawValue, encodedPath: encodedPath, query: request.query,
                                 headers: headers, payloadHash: payloadHash, date: date)
        let query = request.query
            .map { "\(SigV4Signer.uriEncode($0.0, encodeSlash: true))=\(SigV4Signer.uriEncode($0.1, encodeSlash: true))" }
            .joined(separator: "&")
        var httpRequest = HTTPClientRequest(url: query.isEmpty ? url : url + "?" + query)
        httpRequest.method = request.method
        for header in signed.headers {
            httpRequest.headers.replaceOrAdd(name: header.name, value: header.value)
        }
        if !request.body.isEmpty || request.method == .PUT || request.method == .POST {
            httpRequest.body = .bytes(request.body)
        }
        return httpRequest
    }

    // MARK: - Helpers

    static func collect(_ body: HTTPClientResponse.Body, operation: String, limit: Int = Int.max) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes.append(contentsOf: chunk.readableBytesView)
            if bytes.count > limit {
                throw ObjectStoreError(code: .io, message: "\(operation): the response body exceeded \(limit) bytes")
            }
        }
        return bytes
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Base64 of the MD5 of `bytes`, the `Content-MD5` header S3 requires on DeleteObjects.
    static func contentMD5(_ bytes: [UInt8]) -> String {
        Data(Insecure.MD5.hash(data: bytes)).base64EncodedString()
    }
}
