import ArgumentParser
import Foundation
import SwiftLake

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process entry point: parses the command line, runs the command, and turns every
/// failure into one `error: …` line on stderr and an exit status that says what kind of
/// failure it was (see ``ExitStatus``). No stack traces, no Swift error dumps.
///
/// ArgumentParser's own `main()` is not used because it prints errors as `Error: …` and
/// exits with `EX_USAGE` (64) for usage errors; this CLI documents its own exit codes.
@main
enum EntryPoint {
    static func main() async {
        // A closed pipe (`swiftlake query … | head`) must surface as EPIPE from write(2), so
        // the query is stopped and its resources released, rather than killing the process.
        signal(SIGPIPE, SIG_IGN)
        let status: ExitStatus
        do {
            var command = try SwiftLakeCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            status = .success
        } catch {
            status = report(error)
        }
        exit(status.rawValue)
    }

    /// Prints `error` for a person and returns the exit status it calls for.
    static func report(_ error: any Error) -> ExitStatus {
        switch error {
        case let error as SwiftLakeError:
            StandardError.write("error: \(error.cliMessage)\n")
            return ExitStatus(error.kind)
        case let error as CLIError:
            StandardError.write("error: \(error.message)\n")
            return error.status
        case is OutputClosed:
            // The reader went away (e.g. `| head`): it has what it wanted.
            return .success
        default:
            break
        }
        if let exitCode = error as? ExitCode {
            // `throw ExitCode(n)` from a command: its message (if any) was printed already.
            return ExitStatus(rawValue: exitCode.rawValue) ?? .failure
        }
        let code = SwiftLakeCommand.exitCode(for: error)
        let text = SwiftLakeCommand.fullMessage(for: error)
        if code == .success {
            // --help, --version and other clean exits print to stdout.
            if !text.isEmpty { print(text) }
            return .success
        }
        if code == .validationFailure {
            // Parse and validation errors: the message, then the command's usage.
            StandardError.write(lowercasedErrorPrefix(text) + "\n")
            return .usage
        }
        StandardError.write("error: \(describe(error))\n")
        return .failure
    }

    /// ArgumentParser writes `Error: …`; this CLI writes `error: …` everywhere.
    static func lowercasedErrorPrefix(_ text: String) -> String {
        text.hasPrefix("Error: ") ? "error: " + text.dropFirst("Error: ".count) : text
    }

    /// A one-line description of an error that is not one of ours.
    static func describe(_ error: any Error) -> String {
        if let error = error as? CocoaError, let path = error.filePath {
            return "\(path): \(error.localizedDescription)"
        }
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain || nsError.domain == NSPOSIXErrorDomain {
            return nsError.localizedDescription
        }
        return String(describing: error)
    }
}
