import SwiftLake

/// The exit statuses of `swiftlake`, one per kind of failure, so scripts can tell a typo in
/// a path from a bug.
///
/// | status | meaning |
/// |---|---|
/// | 0 | success |
/// | 1 | any other failure (corrupt file, engine error, bug) |
/// | 2 | usage: bad flags, bad SQL, bad option values |
/// | 3 | a file, directory or root does not exist |
/// | 4 | a path lies outside the allowed roots |
/// | 5 | conflict: the output exists (pass `--overwrite`) |
/// | 6 | the query timeout expired |
/// | 130 | interrupted (Ctrl-C) |
enum ExitStatus: Int32, Sendable {
    case success = 0
    case failure = 1
    case usage = 2
    case notFound = 3
    case forbidden = 4
    case conflict = 5
    case timeout = 6
    case interrupted = 130

    /// The status for a core error of `kind`.
    init(_ kind: SwiftLakeError.Kind) {
        switch kind {
        case .invalidRequest: self = .usage
        case .notFound: self = .notFound
        case .forbidden: self = .forbidden
        case .conflict: self = .conflict
        case .timeout: self = .timeout
        case .unprocessable, .tooLarge, .unavailable, .internal: self = .failure
        }
    }
}

/// A failure detected by the CLI itself (bad configuration, bad flag combination), with the
/// message to print after `error: ` and the exit status.
struct CLIError: Error, CustomStringConvertible, Equatable {
    /// What was wrong and how to fix it.
    var message: String
    /// How the process exits.
    var status: ExitStatus

    /// A usage error (exit status 2) unless told otherwise.
    init(_ message: String, status: ExitStatus = .usage) {
        self.message = message
        self.status = status
    }

    var description: String { message }
}

/// Thrown when stdout's reader has gone away (EPIPE); the command stops quietly.
struct OutputClosed: Error {}
