import Foundation
import TestProcess
import Testing

/// Runs `python3` (or `$SWIFTLAKE_PYTHON`) on `script` with `arguments` to its end, off Swift's
/// cooperative threads. Returns (exit status, stdout, stderr).
func runPython(_ script: String, _ arguments: [String]) async -> (status: Int32, stdout: String, stderr: String) {
    let output = await TestProcess.runPython(["-c", script] + arguments)
    return (output.status, output.stdoutText, output.stderrText)
}

/// Whether pyarrow (the Arrow oracle) can run. When it cannot: under `make test`
/// (SWIFTLAKE_TEST_FULL=1) the test fails; otherwise it says why it skips.
func pyArrowAvailable(sourceLocation: SourceLocation = #_sourceLocation) async -> Bool {
    if await runPython("import pyarrow", []).status == 0 { return true }
    if ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1" {
        Issue.record("SWIFTLAKE_TEST_FULL=1 but pyarrow is not installed (scripts/setup-python.sh installs it)",
                     sourceLocation: sourceLocation)
    } else {
        print("SKIPPED \(sourceLocation.fileID):\(sourceLocation.line): pyarrow (the Arrow oracle) is not installed; "
            + "scripts/setup-python.sh installs it, and SWIFTLAKE_TEST_FULL=1 makes this a failure")
    }
    return false
}
