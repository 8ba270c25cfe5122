import Foundation
import GRPCCore
import Synchronization

extension SparkConnectClient {
    /// Runs `query` (Spark SQL; commands such as `SET` or DDL too) and streams its result
    /// batch by batch. The execution is reattachable: when the stream breaks (or the server
    /// ends it early, as it does for long results) the client reattaches with
    /// `ReattachExecute` from the last response it got, so no batch is lost or repeated;
    /// when it cannot (the server is gone), iteration throws
    /// ``SparkConnectError/unavailable(_:)``. The operation is released when the stream ends.
    ///
    /// `tags` mark the operation for ``interrupt(tag:)``.
    public func sql(_ query: String, tags: [String] = []) -> SparkQueryResult {
        var relation = Spark_Connect_Relation()
        relation.sql.query = query
        var plan = Spark_Connect_Plan()
        plan.root = relation
        return execute(plan, tags: tags)
    }

    /// Runs `query` to the end and returns its batches.
    public func collect(_ query: String) async throws -> [ArrowRecordBatch] {
        try await sql(query).collect()
    }

    func execute(_ plan: Spark_Connect_Plan, tags: [String]) -> SparkQueryResult {
        let operationID = UUID().uuidString.lowercased()
        var request = Spark_Connect_ExecutePlanRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = clientType
        request.operationID = operationID
        request.plan = plan
        request.tags = tags
        var reattach = Spark_Connect_ExecutePlanRequest.RequestOption()
        reattach.reattachOptions.reattachable = true
        request.requestOptions = [reattach]

        let (stream, continuation) = AsyncThrowingStream<ArrowRecordBatch, any Error>.makeStream()
        let task = Task {
            do {
                try await self.runExecution(request, into: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: await self.mapError(error))
            }
            // Its own task: the release must go out even when this one was cancelled.
            Task { await self.release(operationID: operationID) }
        }
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        return SparkQueryResult(operationID: operationID, batches: stream)
    }

    /// What the execution has received so far, shared with the response handlers.
    private final class Progress: Sendable {
        struct State {
            var lastResponseID: String?
            var complete = false
            var decoder = ArrowStreamDecoder()
        }
        let state = Mutex(State())
    }

    /// ExecutePlan, then ReattachExecute for as long as the result is not complete.
    private func runExecution(_ request: Spark_Connect_ExecutePlanRequest,
                              into continuation: AsyncThrowingStream<ArrowRecordBatch, any Error>.Continuation) async throws {
        let progress = Progress()
        let handle: @Sendable (StreamingClientResponse<Spark_Connect_ExecutePlanResponse>) async throws -> Void = { response in
            for try await message in response.messages {
                let batches: [ArrowRecordBatch] = try progress.state.withLock { state in
                    state.lastResponseID = message.responseID
                    switch message.responseType {
                    case .arrowBatch(let batch):
                        return try state.decoder.decode([UInt8](batch.data))
                    case .resultComplete:
                        state.complete = true
                        return []
                    default:
                        return []
                    }
                }
                for batch in batches { continuation.yield(batch) }
            }
        }

        var failures = 0
        do {
            try await service.executePlan(request: self.request(request), options: callOptions, onResponse: handle)
        } catch let error as RPCError where Self.isConnectionFailure(error)
                    && progress.state.withLock({ $0.lastResponseID != nil }) {
            failures = 1  // broke mid-stream: reattach below
        }
        while !progress.state.withLock({ $0.complete }) {
            try Task.checkCancellation()
            var reattach = Spark_Connect_ReattachExecuteRequest()
            reattach.sessionID = sessionID
            reattach.userContext = userContext
            reattach.clientType = clientType
            reattach.operationID = request.operationID
            if let last = progress.state.withLock({ $0.lastResponseID }) { reattach.lastResponseID = last }
            do {
                if failures > 0 {
                    try await Task.sleep(for: .milliseconds(200 << min(failures - 1, 4)))
                }
                try await service.reattachExecute(request: self.request(reattach), options: callOptions, onResponse: handle)
                failures = 0
            } catch let error as RPCError where Self.isConnectionFailure(error) {
                failures += 1
                // A few quick attempts (about 1.4 s), then the server counts as gone.
                if failures > 3 { throw error }
            }
        }
    }

    /// ReleaseExecute(all) for `operationID`: the server frees its buffers (and interrupts the
    /// operation if it still runs). Best effort.
    func release(operationID: String) async {
        var request = Spark_Connect_ReleaseExecuteRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = clientType
        request.operationID = operationID
        request.releaseAll = .init()
        var options = callOptions
        options.timeout = .seconds(5)
        _ = try? await service.releaseExecute(request: self.request(request), options: options)
    }
}
