import Foundation
import Testing

/// Runs `python3` (or `$SWIFTLAKE_PYTHON`) on `script` with `arguments`, its output going
/// through files (no pipe to fill up). Returns (exit status, stdout, stderr).
func runPython(_ script: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let python = ProcessInfo.processInfo.environment["SWIFTLAKE_PYTHON"] ?? "python3"
    let directory = FileManager.default.temporaryDirectory
    let outURL = directory.appendingPathComponent("swiftlake-sc-\(UUID().uuidString).out")
    let errURL = directory.appendingPathComponent("swiftlake-sc-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, "-c", script] + arguments
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)
    process.standardOutput = outHandle
    process.standardError = errHandle
    try process.run()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    return (process.terminationStatus,
            String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

/// Whether pyarrow (the Arrow oracle) can run. When it cannot: under `make test`
/// (SWIFTLAKE_TEST_FULL=1) the test fails; otherwise it says why it skips.
func pyArrowAvailable(sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    if (try? runPython("import pyarrow", []).status) == 0 { return true }
    if ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1" {
        Issue.record("SWIFTLAKE_TEST_FULL=1 but pyarrow is not installed (scripts/setup-python.sh installs it)",
                     sourceLocation: sourceLocation)
    } else {
        print("SKIPPED \(sourceLocation.fileID):\(sourceLocation.line): pyarrow (the Arrow oracle) is not installed; "
            + "scripts/setup-python.sh installs it, and SWIFTLAKE_TEST_FULL=1 makes this a failure")
    }
    return false
}
