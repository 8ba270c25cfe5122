import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `swiftlake` executable as a user would, and captures what it prints.
enum CLI {
    /// What one run printed and how it exited.
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout parsed as a JSON object.
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            return try #require(object as? [String: Any], "stdout is not a JSON object: \(stdout.prefix(300))")
        }
    }

    /// The executable: `$SWIFTLAKE_BIN`, else the `swiftlake` beside the running test binary
    /// (`.build/<triple>/<config>/`), else `.build/debug/swiftlake` under the package root.
    static let executable: URL? = {
        let fileManager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["SWIFTLAKE_BIN"], fileManager.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        var candidates: [URL] = []
        let selfExe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        candidates.append(selfExe.deletingLastPathComponent().appendingPathComponent("swiftlake"))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("swiftlake"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("swiftlake"))
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/swiftlake"))
        candidates.append(packageRoot.appendingPathComponent(".build/release/swiftlake"))
        return candidates.first { fileManager.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `swiftlake arguments…` in `directory` with `environment` added, and waits for it.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                    sourceLocation: SourceLocation = #_sourceLocation) async throws -> Output {
        let executable = try #require(executable, "The swiftlake executable was not found; build it first (scripts/swift.sh build) or set SWIFTLAKE_BIN.",
                                      sourceLocation: sourceLocation)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWIFTLAKE_") || $0.key == "SWIFTLAKE_BIN" }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try out.close()
        try err.close()
        return Output(status: status,
                      stdout: try String(contentsOf: outURL, encoding: .utf8),
                      stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// A new empty directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The sample dataset, written once (by `swiftlake sample-data`) and shared by the tests
/// that only read it.
actor SampleDataset {
    static let shared = SampleDataset()
    private var task: Task<URL, any Error>?

    /// The directory holding the sample data.
    func directory() async throws -> URL {
        if let task { return try await task.value }
        let task = Task<URL, any Error> {
            Self.removeStale()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(Self.prefix)\(getpid())")
            try? FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let output = try await CLI.run(["sample-data", directory.path])
            guard output.status == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "sample-data failed: \(output.stderr)"])
            }
            return directory
        }
        self.task = task
        return try await task.value
    }

    private static let prefix = "swiftlake-cli-sample-"

    /// Test processes cannot clean up after their last test, so each run removes the sample
    /// directories of earlier runs whose process is gone.
    private static func removeStale() {
        let temporary = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), kill(pid, 0) != 0 else { continue }
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
    }
}
