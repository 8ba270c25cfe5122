import DeltaLake
import Foundation
import ObjectStore
import TestProcess

/// Where the shared test corpus is: `../shared/corpus` next to the repository
/// (found through this file's real path, so a mirror package of symlinks works too).
let corpusRoot: String = {
    if let env = ProcessInfo.processInfo.environment["SWIFTLAKE_CORPUS"] { return env }
    let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus").path
}()

let deltaTables = corpusRoot + "/delta-rs-tables"

let fullTestRun = ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1"

func table(_ name: String) -> DeltaTable {
    DeltaTable(path: deltaTables + "/" + name, checkpointReader: checkpointReader)
}

/// A fresh copy of a corpus table in a temporary directory (tests that change files use it).
func temporaryCopy(of name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deltalake-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let target = dir.appendingPathComponent(name.replacingOccurrences(of: "/", with: "_"))
    try FileManager.default.copyItem(atPath: deltaTables + "/" + name, toPath: target.path)
    // The corpus is read-only; make the copy writable.
    let enumerator = FileManager.default.enumerator(atPath: target.path)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target.path)
    while let item = enumerator?.nextObject() as? String {
        let path = target.path + "/" + item
        var isDir: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        try FileManager.default.setAttributes([.posixPermissions: isDir.boolValue ? 0o755 : 0o644], ofItemAtPath: path)
    }
    return target.path
}

/// Runs `python3 script args…` and returns its stdout, or `nil` with the reason.
///
/// A `-c` script that runs to its end leaves without interpreter teardown: deltalake's native
/// threads sometimes abort the process while Python shuts down ("terminate called without an
/// active exception"), which failed tests whose work was done.
func runPython(_ arguments: [String]) async -> (output: Data?, problem: String?) {
    let python = ProcessInfo.processInfo.environment["SWIFTLAKE_PYTHON"] ?? "python3"
    var arguments = arguments
    if arguments.count >= 2, arguments[0] == "-c" {
        arguments[1] += "\nimport os as _os, sys as _sys\n_sys.stdout.flush()\n_sys.stderr.flush()\n_os._exit(0)\n"
    }
    let run = await runProcess([python] + arguments)
    if run.status != 0 {
        return (nil, "\(python) \(arguments.first ?? "") failed: " + run.stderrText.suffix(500))
    }
    return (run.stdout, nil)
}

/// delta-rs's answers for every corpus table and version, computed once per test run by
/// one python process (`delta_rs_oracle.py`). Awaited, never blocked on: the first caller
/// starts it and later ones wait for the same answer.
func deltaRsOracle() async -> (oracle: JSONValue?, problem: String?) {
    await deltaRsOracleAnswer.value
}

private let deltaRsOracleAnswer = Task { () -> (oracle: JSONValue?, problem: String?) in
    let check = await runPython(["-c", "import deltalake, pyarrow; assert deltalake.__version__ == '1.6.6', deltalake.__version__"])
    if let problem = check.problem {
        return (nil, "deltalake==1.6.6 and pyarrow are not importable (run scripts/setup-python.sh): \(problem)")
    }
    let script = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("delta_rs_oracle.py").path
    let run = await runPython([script, deltaTables])
    guard let data = run.output else { return (nil, run.problem) }
    do { return (try JSONValue.parse(utf8: [UInt8](data)), nil) } catch { return (nil, "oracle output is not JSON: \(error)") }
}

/// Python-compatible text of a typed partition value (see `canonical` in delta_rs_oracle.py).
func canonical(_ value: PartitionValue) -> JSONValue {
    switch value {
    case .null: return .null
    case .timestamp(let micros), .timestampNtz(let micros): return .string(PartitionValues.formatTimestamp(micros: micros))
    default: return .string(value.description)
    }
}
