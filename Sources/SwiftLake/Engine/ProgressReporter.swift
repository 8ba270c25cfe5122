import DuckDB
import Foundation

/// Receives an operation's progress as a percentage (0–100). Called from a background thread.
public typealias ProgressHandler = @Sendable (Double) -> Void

/// Polls a connection's query progress every 100 ms and hands it to a handler.
final class ProgressReporter: @unchecked Sendable {
    private let timer: DispatchSourceTimer

    init(connection: Connection, handler: @escaping ProgressHandler, interval: DispatchTimeInterval = .milliseconds(100)) {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak connection] in
            if let percentage = connection?.progress?.percentage, percentage >= 0 { handler(min(percentage, 100)) }
        }
        timer.resume()
    }

    /// Stops polling.
    func stop() { timer.cancel() }
}
