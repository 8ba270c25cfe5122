import Foundation
import SparkConnect

/// A Spark Connect result stream read batch by batch: the ``ResultSource`` of the Spark
/// engine. Closing it interrupts the server-side operation (its stream then ends), and the
/// query timeout does the same. A lease on S3 cache files the query reads is held until the
/// stream ends or is closed, so that no copy is evicted while Spark may still open it.
final class SparkResultSource: ResultSource, @unchecked Sendable {
    private let client: SparkConnectClient
    private let operationID: String
    private let remote: String
    private let timeout: Duration?
    private var iterator: SparkQueryResult.AsyncIterator?
    private let lock = NSLock()
    private var closed = false
    private var timedOut = false
    private var timer: Task<Void, Never>?
    /// The schema of the first batch seen (Spark sends one even for an empty result).
    private(set) var schema: SparkConnect.ArrowSchema?
    /// The cache files the query reads, released when the stream ends or is closed.
    private var held: S3FileCache.Lease?
    /// The DuckDB types later batches are reported in (set before they are fetched).
    var types: SparkResultTypes?

    init(client: SparkConnectClient, result: SparkQueryResult, remote: String, timeout: Duration?,
         holding lease: S3FileCache.Lease? = nil) {
        self.held = lease
        self.client = client
        self.operationID = result.operationID
        self.remote = remote
        self.timeout = timeout
        self.iterator = result.makeAsyncIterator()
        if let timeout {
            timer = Task { [weak self] in
                guard (try? await Task.sleep(for: timeout)) != nil, let self else { return }
                self.lock.withLock { self.timedOut = true }
                self.interrupt()
            }
        }
    }

    deinit {
        timer?.cancel()
    }

    func fetch(rows wanted: Int, columnar: Bool) async throws -> [RowBatch] {
        var batches: [RowBatch] = []
        var count = 0
        do {
            while count < max(1, wanted), !lock.withLock({ closed }) {
                guard let batch = try await iterator?.next() else {
                    finish()
                    break
                }
                if schema == nil { schema = batch.schema }
                if batch.rowCount == 0 { continue }
                let rows = RowBatch(spark: batch)
                batches.append(types.map { $0.apply(rows) } ?? rows)
                count += batch.rowCount
            }
        } catch {
            finish()
            throw SwiftLakeError(spark: error, remote: remote, timeout: lock.withLock { timedOut } ? timeout : nil)
        }
        return batches
    }

    func close() {
        let wasOpen = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        timer?.cancel()
        if wasOpen { interrupt() }
        releaseLease()
    }

    var progress: Double? { nil }

    /// The stream has ended: nothing to interrupt any more.
    private func finish() {
        lock.withLock { closed = true }
        timer?.cancel()
        iterator = nil
        releaseLease()
    }

    private func releaseLease() {
        let lease = lock.withLock { () -> S3FileCache.Lease? in defer { held = nil }; return held }
        lease?.release()
    }

    /// Asks the server to stop the operation (in the background: close must not wait).
    private func interrupt() {
        let client = client, operationID = operationID
        Task { _ = try? await client.interrupt(operationID: operationID) }
    }
}
