import Foundation
import GRPCCore
import GRPCProtobuf

extension SparkConnectClient {
    /// Maps what a call threw to a ``SparkConnectError``: connection failures to
    /// ``SparkConnectError/unavailable(_:)``, server errors to ``SparkConnectError/server(_:)``
    /// with the error class and SQL state of Spark's `ErrorInfo` (in the status details),
    /// completed with `FetchErrorDetails` when the server kept the full error.
    func mapError(_ error: any Error) async -> any Error {
        switch error {
        case let error as SparkConnectError:
            return error
        case let error as ArrowDecodingError:
            return SparkConnectError.invalidResponse(error.description)
        case is CancellationError:
            return error
        case let error as RPCError:
            return await mapRPCError(error)
        case let error as RuntimeError:
            return SparkConnectError.unavailable("\(connection.host):\(connection.port): \(error.message)")
        default:
            return SparkConnectError.unavailable("\(connection.host):\(connection.port): \(error)")
        }
    }

    /// Whether `error` is a broken or refused connection rather than an answer of the server.
    static func isConnectionFailure(_ error: RPCError) -> Bool {
        error.code == .unavailable
            || (error.code == .unknown && (try? error.unpackGoogleRPCStatus()) == nil
                && error.message.lowercased().contains("stream"))
    }

    private func mapRPCError(_ error: RPCError) async -> any Error {
        if error.code == .cancelled, Task.isCancelled { return CancellationError() }
        let status = try? error.unpackGoogleRPCStatus()
        let info = status?.details.lazy.compactMap(\.errorInfo).first
        if info == nil, Self.isConnectionFailure(error) {
            return SparkConnectError.unavailable("\(connection.host):\(connection.port): \(error.message)")
        }
        let fields = info?.metadata ?? [:]
        var server = SparkServerError(
            errorClass: fields["errorClass"].flatMap { $0.isEmpty ? nil : $0 },
            sqlState: fields["sqlState"].flatMap { $0.isEmpty ? nil : $0 },
            message: status?.message ?? error.message,
            exceptionClasses: Self.jsonStrings(fields["classes"]),
            grpcCode: "\(error.code)")
        if let errorID = fields["errorId"], !errorID.isEmpty, let details = await fetchErrorDetails(errorID) {
            server.message = details.message.isEmpty ? server.message : details.message
            if details.hasSparkThrowable {
                if details.sparkThrowable.hasErrorClass { server.errorClass = details.sparkThrowable.errorClass }
                if details.sparkThrowable.hasSqlState { server.sqlState = details.sparkThrowable.sqlState }
            }
            if server.exceptionClasses.isEmpty { server.exceptionClasses = details.errorTypeHierarchy }
        }
        if server.errorClass == nil, let reason = info?.reason, !reason.isEmpty, server.exceptionClasses.isEmpty {
            server.exceptionClasses = [reason]
        }
        return SparkConnectError.server(server)
    }

    /// The root error the server kept under `errorID`, or nil (best effort: a failure here
    /// leaves the error as the status gave it).
    private func fetchErrorDetails(_ errorID: String) async -> Spark_Connect_FetchErrorDetailsResponse.Error? {
        var request = Spark_Connect_FetchErrorDetailsRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = clientType
        request.errorID = errorID
        var options = callOptions
        options.timeout = .seconds(10)
        guard let response = try? await service.fetchErrorDetails(request: self.request(request), options: options),
              !response.errors.isEmpty else { return nil }
        let index = response.hasRootErrorIdx ? Int(response.rootErrorIdx) : 0
        return response.errors.indices.contains(index) ? response.errors[index] : response.errors[0]
    }

    private static func jsonStrings(_ text: String?) -> [String] {
        guard let data = text?.data(using: .utf8),
              let array = try? JSONSerialization.jsonObject(with: data) as? [String] else { return [] }
        return array
    }
}
