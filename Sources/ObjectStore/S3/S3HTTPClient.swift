import AsyncHTTPClient
import NIOCore

/// The process-wide `HTTPClient` every ``S3Store`` shares unless given its own.
///
/// Like `HTTPClient.shared` it lives as long as the process and is never shut down (there
/// is nothing to leak and nobody to forget it). It differs in what S3 needs: a 10-second
/// connect timeout instead of a browser's 90, failed connections reported at once so
/// that ``S3RetryPolicy`` (not the pool) decides about retrying, a per-host pool large
/// enough for parallel multipart parts, and no response decompression (ranged reads
/// must see the stored bytes).
enum S3HTTPClient {
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(120))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
