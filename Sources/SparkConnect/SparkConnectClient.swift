import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf

/// A session on a Spark Connect server: one long-lived HTTP/2 channel (gRPC over
/// grpc-swift-nio-transport), a session ID, and the calls SwiftLake needs: SQL with
/// results streamed as Arrow batches (``sql(_:)``), schema and explain (``schema(of:)``,
/// ``explain(_:mode:)``), configuration (``setConfig(_:)``, ``config(_:)``), interrupts and
/// ``close()``.
///
///     let spark = try SparkConnectClient(SparkConnectionString("sc://127.0.0.1:15002"))
///     for try await batch in spark.sql("SELECT id FROM range(10)") { … }
///     await spark.close()
///
/// The connection string's `token` goes as `authorization: Bearer …` metadata (with TLS),
/// `user_id` into every request's `UserContext`, `user_agent` as the `client_type`;
/// other parameters are sent as metadata. The channel reconnects by itself when the
/// server comes back after a failure: a call made while it is down fails fast with
/// ``SparkConnectError/unavailable(_:)``.
public final class SparkConnectClient: Sendable {
    /// Where this client connects.
    public let connection: SparkConnectionString
    /// The session ID sent with every request (the connection string's `session_id`, or a new UUID).
    public let sessionID: String
    /// `client_type` of every request.
    public let clientType: String

    let userContext: Spark_Connect_UserContext
    let metadata: Metadata
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let service: Spark_Connect_SparkConnectService.Client<HTTP2ClientTransport.Posix>
    private let connections: Task<Void, Never>

    /// Opens a channel to `connection` (connecting lazily, on the first call).
    public init(_ connection: SparkConnectionString) throws {
        self.connection = connection
        sessionID = connection.sessionID?.lowercased() ?? UUID().uuidString.lowercased()
        clientType = connection.userAgent ?? "swiftlake"
        var context = Spark_Connect_UserContext()
        context.userID = connection.userID ?? ProcessInfo.processInfo.environment["USER"] ?? "swiftlake"
        context.userName = context.userID
        userContext = context
        var metadata = Metadata()
        if let token = connection.token {
            metadata.addString("Bearer \(token)", forKey: "authorization")
        }
        for (key, value) in connection.metadata.sorted(by: { $0.key < $1.key }) {
            metadata.addString(value, forKey: key.lowercased())
        }
        self.metadata = metadata

        let security: HTTP2ClientTransport.Posix.TransportSecurity = connection.useSSL ? .tls : .plaintext
        let transport = try HTTP2ClientTransport.Posix(
            target: .dns(host: connection.host, port: connection.port),
            transportSecurity: security,
            config: .defaults { config in
                // Reconnect quickly once a restarted server is back (gRPC's default backoff
                // grows to two minutes).
                config.backoff = .init(initial: .milliseconds(100), max: .seconds(1), multiplier: 1.6, jitter: 0.2)
                config.connection.keepalive = .init(time: .seconds(30), timeout: .seconds(10), allowWithoutCalls: false)
            })
        let grpc = GRPCClient(transport: transport)
        self.grpc = grpc
        service = Spark_Connect_SparkConnectService.Client(wrapping: grpc)
        connections = Task { try? await grpc.runConnections() }
    }

    /// A client for `SPARK_REMOTE` in `environment`, or nil when it is unset.
    public convenience init?(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let connection = try SparkConnectionString.fromEnvironment(environment) else { return nil }
        try self.init(connection)
    }

    /// Ends the server-side session (best effort) and closes the channel, waiting for
    /// calls in flight to end.
    public func close() async {
        var request = Spark_Connect_ReleaseSessionRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = clientType
        var options = callOptions
        options.timeout = .seconds(5)
        _ = try? await service.releaseSession(request: ClientRequest(message: request, metadata: metadata), options: options)
        grpc.beginGracefulShutdown()
        // Graceful shutdown can wait on the server's side of the HTTP/2 connection: after a
        // grace period, close the connection abruptly.
        let connections = self.connections
        let deadline = Task {
            try await Task.sleep(for: .seconds(2))
            connections.cancel()
        }
        await connections.value
        deadline.cancel()
    }

    /// Options of every call: Spark's Arrow batches are up to a few MiB each.
    var callOptions: CallOptions {
        var options = CallOptions.defaults
        options.maxRequestMessageBytes = 256 << 20
        options.maxResponseMessageBytes = 256 << 20
        options.waitForReady = false
        return options
    }

    func request<Message: Sendable>(_ message: Message) -> ClientRequest<Message> {
        ClientRequest(message: message, metadata: metadata)
    }

    /// `body`'s result, its errors mapped to ``SparkConnectError``.
    func mappingErrors<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw await mapError(error)
        }
    }
}
