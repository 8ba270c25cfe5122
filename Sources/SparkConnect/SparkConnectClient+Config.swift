import GRPCCore

extension SparkConnectClient {
    /// Sets session configuration (`spark.sql.session.timeZone`, `spark.sql.ansi.enabled`, …).
    public func setConfig(_ pairs: [String: String]) async throws {
        var operation = Spark_Connect_ConfigRequest.Operation()
        operation.set.pairs = pairs.sorted { $0.key < $1.key }.map { key, value in
            var pair = Spark_Connect_KeyValue()
            pair.key = key
            pair.value = value
            return pair
        }
        _ = try await configCall(operation)
    }

    /// The value of `key` in this session, or nil when it has none (and no default).
    public func config(_ key: String) async throws -> String? {
        var operation = Spark_Connect_ConfigRequest.Operation()
        operation.getOption.keys = [key]
        let pairs = try await configCall(operation)
        guard let pair = pairs.first(where: { $0.key == key }), pair.hasValue else { return nil }
        return pair.value
    }

    /// Removes `keys` from the session's configuration (back to their defaults).
    public func unsetConfig(_ keys: [String]) async throws {
        var operation = Spark_Connect_ConfigRequest.Operation()
        operation.unset.keys = keys
        _ = try await configCall(operation)
    }

    private func configCall(_ operation: Spark_Connect_ConfigRequest.Operation) async throws -> [Spark_Connect_KeyValue] {
        var request = Spark_Connect_ConfigRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = clientType
        request.operation = operation
        return try await mappingErrors {
            try await service.config(request: self.request(request), options: callOptions).pairs
        }
    }
}
