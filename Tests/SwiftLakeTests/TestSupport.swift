import Foundation
import TestProcess
import Testing
@testable import SwiftLake

/// A temporary directory for one test. All of them live under one directory per test
/// process, removed when the process exits (not when the value is dropped: a test that
/// only keeps the `Lakehouse` still needs its files).
final class TemporaryDirectory: Sendable {
    let path: String

    private static let parent: String = {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-tests-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TemporaryDirectory.parentPath) }
        return DataRoots.realPath(parent) ?? parent
    }()
    private static var parentPath: String { FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-tests-\(getpid())").path }

    init() throws {
        let directory = Self.parent + "/" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory
    }

    func file(_ name: String) -> String { path + "/" + name }
}

/// A lakehouse over a fresh temporary root holding the sample dataset.
func makeSampleLake(timeout: Duration? = .seconds(60)) async throws -> (Lakehouse, TemporaryDirectory) {
    let directory = try TemporaryDirectory()
    try await SampleData.write(into: directory.path)
    let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [directory.path], queryTimeout: timeout))
    return (lake, directory)
}

/// Runs a query and returns its rows.
func rows(_ lake: Lakehouse, _ paths: [String], _ sql: String, limit: Int? = nil) async throws -> [[DuckDBValue]] {
    try await lake.query(ParquetQueryRequest(paths: paths, sql: sql, limit: limit)).collect().rows
}

import DuckDB
typealias DuckDBValue = DuckDB.Value

/// Expects `body` to throw a SwiftLakeError of `kind`, and returns it.
@discardableResult
func expectError(_ kind: SwiftLakeError.Kind, _ body: () async throws -> Void,
                 sourceLocation: SourceLocation = #_sourceLocation) async -> SwiftLakeError? {
    do {
        try await body()
        Issue.record("expected a \(kind) error, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as SwiftLakeError {
        #expect(error.kind == kind, "got \(error.kind) (\(error.code)): \(error.message)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected SwiftLakeError.\(kind), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Appended to oracle scripts that ran to the end: flush and leave without interpreter
/// teardown. deltalake's native threads sometimes abort the process while Python shuts down
/// ("terminate called without an active exception"), which failed tests whose work was done.
let pythonExitWithoutTeardown = "\nimport os as _os, sys as _sys\n_sys.stdout.flush()\n_sys.stderr.flush()\n_os._exit(0)\n"

/// Runs `python3` with a script and arguments (off Swift's cooperative threads, see
/// ``runProcess(_:executable:environment:input:directory:)``); returns stdout. Returns nil (and says why)
/// when Python or its `duckdb` package is missing and the full suite was not requested;
/// under `make test` (SWIFTLAKE_TEST_FULL=1) a missing oracle fails the test.
func runPythonOracle(_ script: String, _ arguments: [String] = []) async throws -> String? {
    let full = ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1"
    let python = ProcessInfo.processInfo.environment["SWIFTLAKE_PYTHON"] ?? "python3"
    func run(_ args: [String]) async -> (Int32, String, String) {
        let output = await runProcess([python] + args)
        return (output.status, output.stdoutText, output.stderrText)
    }
    let (probe, _, _) = await run(["-c", "import duckdb, sys; sys.exit(0 if duckdb.__version__ == '2.0.0' else 1)"])
    if probe != 0 {
        if full { Issue.record("python3 with duckdb==2.0.0 is required (scripts/setup-python.sh installs it)") }
        print("SKIPPED: python3 with duckdb==2.0.0 not found; run scripts/setup-python.sh (make test does)")
        return nil
    }
    let (status, stdout, stderr) = await run(["-c", script + pythonExitWithoutTeardown] + arguments)
    guard status == 0 else {
        Issue.record("python oracle failed: \(stderr)")
        return nil
    }
    return stdout
}
