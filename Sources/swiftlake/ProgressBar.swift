import Foundation
import SwiftLake

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on stderr for long operations:
///
///     merging  [██████████████░░░░░░░░░░░░░░░░]  47%  3.2 s
///
/// It appears only when stderr is an interactive terminal, and only once the operation has
/// run for a moment (quick commands never flash a bar). When the percentage is not known
/// yet it shows a spinner and the elapsed time instead. It redraws itself ten times a
/// second from the latest value: pushed with ``update(_:)`` (a core `ProgressHandler`) or
/// pulled from `source` (e.g. `QueryCursor.progress`). ``finish()`` erases it. Nothing is
/// ever written to stdout.
///
/// While the bar is shown, Ctrl-C erases it before the process exits with status 130.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let source: (@Sendable () -> Double?)?
    private let detail: (@Sendable () -> String?)?
    private let started = ContinuousClock.now
    private let delay: Duration
    private let lock = NSLock()
    private var percentage: Double?
    private var drawn = ""
    private var paused = false
    private var finished = false
    private var spinnerIndex = 0
    private let timer: DispatchSourceTimer
    private var interruptSource: DispatchSourceSignal?

    /// A bar for `label`, or `nil` when stderr is not a terminal or progress is switched off.
    /// `source` is polled for the percentage, `detail` for a note shown after the time
    /// (e.g. `"120,000 rows"`).
    static func start(_ label: String, enabled: Bool = true, delay: Duration = .milliseconds(400),
                      source: (@Sendable () -> Double?)? = nil, detail: (@Sendable () -> String?)? = nil) -> ProgressBar? {
        guard enabled, Terminal.stderrIsInteractive else { return nil }
        return ProgressBar(label: label, delay: delay, source: source, detail: detail)
    }

    /// Runs `body` under a bar labelled `label` (when `enabled` and stderr is a terminal),
    /// handing it the bar's progress handler, and erases the bar however `body` ends.
    static func around<T>(_ label: String, enabled: Bool, _ body: (ProgressHandler?) async throws -> T) async throws -> T {
        let bar = start(label, enabled: enabled)
        defer { bar?.finish() }
        return try await body(bar?.handler)
    }

    private init(label: String, delay: Duration, source: (@Sendable () -> Double?)?, detail: (@Sendable () -> String?)?) {
        self.label = label
        self.delay = delay
        self.source = source
        self.detail = detail
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "swiftlake.progress"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        installInterruptHandler()
    }

    /// Records the latest percentage (0–100); safe to call from any thread.
    func update(_ percentage: Double) {
        lock.withLock { self.percentage = max(0, min(100, percentage)) }
    }

    /// A core `ProgressHandler` feeding this bar.
    var handler: @Sendable (Double) -> Void {
        { [weak self] value in self?.update(value) }
    }

    /// Erases the bar, runs `body` (which may write to the terminal), and lets the bar
    /// redraw afterwards; keeps the bar and other output from interleaving on one line.
    func pause<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        paused = true
        erase()
        lock.unlock()
        defer { lock.withLock { paused = false } }
        return try body()
    }

    /// Stops redrawing and erases the bar.
    func finish() {
        timer.cancel()
        lock.withLock {
            finished = true
            erase()
        }
        interruptSource?.cancel()
        interruptSource = nil
        signal(SIGINT, SIG_DFL)
    }

    deinit {
        if !lock.withLock({ finished }) { finish() }
    }

    // MARK: - Drawing

    private func tick() {
        let polled = source?()
        let note = detail?()
        lock.withLock {
            guard !finished, !paused else { return }
            if let polled, polled >= 0 { percentage = min(100, polled) }
            let elapsed = ContinuousClock.now - started
            guard elapsed >= delay else { return }
            let line = render(elapsed: elapsed, note: note)
            guard line != drawn else { return }
            StandardError.write("\r" + line + "\u{1B}[K")
            drawn = line
        }
    }

    /// Must be called with the lock held.
    private func erase() {
        guard !drawn.isEmpty else { return }
        StandardError.write("\r\u{1B}[2K")
        drawn = ""
    }

    private func render(elapsed: Duration, note: String?) -> String {
        var seconds = String(format: "%.1f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        if let note { seconds += "  " + note }
        let columns = Terminal.columns(of: STDERR_FILENO) ?? 80
        guard let percentage else {
            let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            spinnerIndex = (spinnerIndex + 1) % frames.count
            return String("\(label)  \(frames[spinnerIndex])  \(seconds)".prefix(columns - 1))
        }
        let width = max(10, min(40, columns - label.count - 20))
        let filled = Int((percentage / 100 * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let percent = String(format: "%3d%%", Int(percentage.rounded(.down)))
        return String("\(label)  [\(bar)] \(percent)  \(seconds)".prefix(columns - 1))
    }

    /// Ctrl-C while the bar is shown: erase it, then exit like an interrupted process.
    private func installInterruptHandler() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in
            self?.lock.withLock { self?.erase() }
            StandardError.write("interrupted\n")
            DuckDBEngine.removeAllStagingDirectories()
            // _exit: engine threads may still be running; skip C++ static destructors.
            _exit(ExitStatus.interrupted.rawValue)
        }
        source.resume()
        interruptSource = source
    }
}
