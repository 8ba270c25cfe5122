import AsyncHTTPClient
import NIOCore

/// The body of an S3 GET as it arrives: an `AsyncSequence` of `ByteBuffer` chunks, valid
/// inside ``S3Store/withObjectStream(_:range:_:)`` only.
public struct S3ObjectStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    /// The object's (or the range's) length from `Content-Length`, when the server sent it.
    public let contentLength: Int64?
    let body: HTTPClientResponse.Body

    public func makeAsyncIterator() -> HTTPClientResponse.Body.AsyncIterator { body.makeAsyncIterator() }
}
