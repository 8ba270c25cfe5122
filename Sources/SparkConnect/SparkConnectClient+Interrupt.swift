import GRPCCore

extension SparkConnectClient {
    /// Interrupts every running operation of this session; returns the interrupted operations' IDs.
    /// Their result streams end with a ``SparkServerError`` whose ``SparkServerError/isInterrupted`` is true.
    @discardableResult
    public func interruptAll() async throws -> [String] {
        try await interrupt { $0.interruptType = .all }
    }

    /// Interrupts the operation `operationID` (``SparkQueryResult/operationID``).
    @discardableResult
    public func interrupt(operationID: String) async throws -> [String] {
        try await interrupt {
            $0.interruptType = .operationID
            $0.operationID = operationID
        }
    }

    /// Interrupts the operations started with `tag` in their tags.
    @discardableResult
    public func interrupt(tag: String) async throws -> [String] {
        try await interrupt {
            $0.interruptType = .tag
            $0.operationTag = tag
        }
    }

    private func interrupt(_ configure: (inout Spark_Connect_InterruptRequest) -> Void) async throws -> [String] {
        var request = Spark_Connect_InterruptRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = clientType
        configure(&request)
        let message = request
        return try await mappingErrors {
            try await service.interrupt(request: self.request(message), options: callOptions).interruptedIds
        }
    }
}
