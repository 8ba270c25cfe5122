import Foundation
import Hummingbird

extension Response {
    /// The encoder for every JSON response body: field names come from each type's own
    /// `CodingKeys` (snake_case in the core types), slashes unescaped so paths read naturally.
    static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        // Sorted, so responses are byte-for-byte stable (Foundation does not keep declaration order).
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// A `application/json` response holding `value`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try jsonEncoder().encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json", .contentLength: String(data.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
