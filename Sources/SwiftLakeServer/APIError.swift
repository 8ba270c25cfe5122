import Foundation
import Hummingbird
import SwiftLake

/// An error as the REST API reports it: an HTTP status and the body
/// `{"error":{"code":"…","message":"…"}}`, whose message says what was wrong and how to fix it.
///
/// Every failure a handler throws is turned into one of these by ``ErrorMiddleware``; the
/// ``SwiftLakeError/Kind`` of a core error decides the status (see ``init(_:)-swiftlake``).
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable machine-readable code such as `"path_outside_roots"`.
    public var code: String
    /// What went wrong and how to fix it.
    public var message: String
    /// Extra response headers (`Allow` on 405, `WWW-Authenticate` on 401).
    public var headers: HTTPFields

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// The API form of a core error: its kind decides the status, its code and message pass through.
    public init(_ error: SwiftLakeError) {
        self.init(Self.status(for: error.kind), code: error.code, error.message)
    }

    /// The HTTP status for each class of core failure.
    public static func status(for kind: SwiftLakeError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalidRequest: .badRequest
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .unprocessable: .unprocessableContent
        case .timeout: .requestTimeout
        case .tooLarge: .contentTooLarge
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// Renders `{"error":{"code","message"}}` (always in that order) with the status and headers.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }

    /// The response body.
    public var json: String {
        var out = "{\"error\":{\"code\":"
        JSONValueWriter.writeString(code, into: &out)
        out += ",\"message\":"
        JSONValueWriter.writeString(message, into: &out)
        out += "}}"
        return out
    }
}
