/// The result of a query, streamed: an `AsyncSequence` of ``ArrowRecordBatch``es in the
/// order Spark sends them. Iterate it once. Stopping early (breaking out of the loop,
/// cancelling the task) releases the operation on the server, which interrupts it.
///
/// Errors thrown while iterating are ``SparkConnectError``s.
public struct SparkQueryResult: AsyncSequence, Sendable {
    public typealias Element = ArrowRecordBatch

    /// The operation's ID on the server (for ``SparkConnectClient/interrupt(operationID:)``).
    public let operationID: String
    let batches: AsyncThrowingStream<ArrowRecordBatch, any Error>

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<ArrowRecordBatch, any Error>.AsyncIterator

        public mutating func next() async throws -> ArrowRecordBatch? {
            try await base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: batches.makeAsyncIterator())
    }

    /// Every batch, read to the end.
    public func collect() async throws -> [ArrowRecordBatch] {
        var result: [ArrowRecordBatch] = []
        for try await batch in self { result.append(batch) }
        return result
    }

    /// Every row as Swift values, read to the end.
    public func rows() async throws -> [[SparkValue]] {
        try await collect().flatMap(\.rows)
    }
}
