import GRPCCore

extension SparkConnectClient {
    /// How much ``explain(_:mode:)`` shows (Spark's `EXPLAIN` modes).
    public enum ExplainMode: Sendable {
        case simple, extended, codegen, cost, formatted
    }

    /// The schema of `query`'s result, computed by the server without running it (AnalyzePlan).
    public func schema(of query: String) async throws -> SparkDataType {
        var request = analyzeRequest()
        request.schema.plan = Self.sqlPlan(query)
        let response = try await mappingErrors {
            try await service.analyzePlan(request: self.request(request), options: callOptions)
        }
        return SparkDataType(proto: response.schema.schema)
    }

    /// The server's plan for `query` (AnalyzePlan's explain), as text.
    public func explain(_ query: String, mode: ExplainMode = .simple) async throws -> String {
        var request = analyzeRequest()
        request.explain.plan = Self.sqlPlan(query)
        switch mode {
        case .simple: request.explain.explainMode = .simple
        case .extended: request.explain.explainMode = .extended
        case .codegen: request.explain.explainMode = .codegen
        case .cost: request.explain.explainMode = .cost
        case .formatted: request.explain.explainMode = .formatted
        }
        let response = try await mappingErrors {
            try await service.analyzePlan(request: self.request(request), options: callOptions)
        }
        return response.explain.explainString
    }

    /// The server's Spark version, e.g. `4.3.0`.
    public func sparkVersion() async throws -> String {
        var request = analyzeRequest()
        request.sparkVersion = .init()
        let response = try await mappingErrors {
            try await service.analyzePlan(request: self.request(request), options: callOptions)
        }
        return response.sparkVersion.version
    }

    private func analyzeRequest() -> Spark_Connect_AnalyzePlanRequest {
        var request = Spark_Connect_AnalyzePlanRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = clientType
        return request
    }

    static func sqlPlan(_ query: String) -> Spark_Connect_Plan {
        var relation = Spark_Connect_Relation()
        relation.sql.query = query
        var plan = Spark_Connect_Plan()
        plan.root = relation
        return plan
    }
}
