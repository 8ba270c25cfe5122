import Foundation

/// What a finished child process left: its exit status and everything it wrote.
public struct ProcessOutput: Sendable {
    /// The exit status; -1 when the process could not be started (see `launchError`).
    public var status: Int32
    public var stdout: Data
    public var stderr: Data
    /// Why the process could not be started, if it could not.
    public var launchError: String?

    /// stdout as UTF-8 text.
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// stderr as UTF-8 text, or the launch error.
    public var stderrText: String { launchError ?? String(decoding: stderr, as: UTF8.self) }
}

/// Runs `executable` (by default `/usr/bin/env`, so `arguments[0]` is looked up on `PATH`) with
/// `arguments` to its end without holding a Swift concurrency thread.
///
/// The test suites run in parallel on a cooperative pool that has one thread per core (two on
/// a small machine). A test that waited for a child process there (`waitUntilExit`, or reading
/// a pipe to its end) held one of those threads for seconds, and every other test's awaits,
/// timers and time limits waited with it. Here the wait happens on a thread of its own, and
/// the output goes to temporary files rather than pipes, so a chatty child never blocks on a
/// full pipe and no descriptor of another test's child is inherited into this one's pipe.
///
/// - Parameters:
///   - environment: replaces the child's environment when given (else it inherits ours).
///   - input: written to the child's stdin (else stdin is /dev/null).
///   - directory: the child's working directory.
public func runProcess(_ arguments: [String], executable: String = "/usr/bin/env", environment: [String: String]? = nil,
                       input: Data? = nil, directory: String? = nil) async -> ProcessOutput {
    await withCheckedContinuation { continuation in
        let thread = Thread {
            continuation.resume(returning: runToEnd(arguments, executable: executable, environment: environment, input: input, directory: directory))
        }
        thread.name = "test-process"
        thread.start()
    }
}

private func runToEnd(_ arguments: [String], executable: String, environment: [String: String]?, input: Data?,
                      directory: String?) -> ProcessOutput {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-test-process-\(UUID().uuidString)").path
    let paths = (in: scratch + ".in", out: scratch + ".out", err: scratch + ".err")
    defer { for path in [paths.in, paths.out, paths.err] { try? FileManager.default.removeItem(atPath: path) } }
    func failed(_ why: String) -> ProcessOutput { ProcessOutput(status: -1, stdout: Data(), stderr: Data(), launchError: why) }
    guard FileManager.default.createFile(atPath: paths.out, contents: nil),
          FileManager.default.createFile(atPath: paths.err, contents: nil),
          let out = FileHandle(forWritingAtPath: paths.out), let err = FileHandle(forWritingAtPath: paths.err) else {
        return failed("cannot create output files at \(scratch).*")
    }
    defer { try? out.close(); try? err.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.standardOutput = out
    process.standardError = err
    var stdin: FileHandle?
    if let input {
        guard FileManager.default.createFile(atPath: paths.in, contents: input), let handle = FileHandle(forReadingAtPath: paths.in) else {
            return failed("cannot create input file \(paths.in)")
        }
        stdin = handle
        process.standardInput = handle
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    defer { try? stdin?.close() }
    do {
        try process.run()
    } catch {
        return failed("cannot run \(executable) \(arguments.first ?? ""): \(error)")
    }
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus,
                         stdout: FileManager.default.contents(atPath: paths.out) ?? Data(),
                         stderr: FileManager.default.contents(atPath: paths.err) ?? Data())
}

/// The Python the tests run: `$SWIFTLAKE_PYTHON`, else `python3` on `PATH`.
public var testPython: String { ProcessInfo.processInfo.environment["SWIFTLAKE_PYTHON"] ?? "python3" }

/// Runs ``testPython`` with `arguments` (see ``runProcess(_:executable:environment:input:directory:)``).
public func runPython(_ arguments: [String], environment: [String: String]? = nil, input: Data? = nil) async -> ProcessOutput {
    await runProcess([testPython] + arguments, environment: environment, input: input)
}
