import Foundation
import Hummingbird
import SwiftLake

extension Request {
    /// Reads the body (at most `maxBytes`, else 413) and decodes it as JSON into `type`.
    ///
    /// Decoding failures become 400s that name the field (see ``DecodingError/clientMessage``);
    /// a ``SwiftLakeError`` thrown by a type's own decoder (an unknown `format`, say) passes
    /// through unchanged.
    func decodeJSON<T: Decodable>(_ type: T.Type, maxBytes: Int) async throws -> T {
        let data = try await collectBody(maxBytes: maxBytes)
        guard !data.isEmpty else {
            throw APIError(.badRequest, code: "empty_body",
                           "request body is empty. Send a JSON object with Content-Type: application/json (the schemas are at /docs).")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: "invalid_request_body", error.clientMessage)
        }
    }

    /// The whole body, refusing more than `maxBytes` (by `Content-Length` up front, and by
    /// counting as it arrives for chunked bodies).
    func collectBody(maxBytes: Int) async throws -> Data {
        if let declared = headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            throw Self.tooLarge(maxBytes)
        }
        var data = Data()
        for try await buffer in body {
            guard data.count + buffer.readableBytes <= maxBytes else { throw Self.tooLarge(maxBytes) }
            data.append(contentsOf: buffer.readableBytesView)
        }
        return data
    }

    private static func tooLarge(_ maxBytes: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large",
                 "request body is larger than the limit of \(maxBytes) bytes. Send a smaller request, or start the server with a larger body limit.")
    }
}
