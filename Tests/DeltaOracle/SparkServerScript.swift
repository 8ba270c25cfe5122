import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Shared by the test targets that start Spark Connect servers of their own.

/// scripts/spark-server.sh of this checkout.
public let sparkServerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts/spark-server.sh").path

/// Runs scripts/spark-server.sh `command` with `environment` added; returns (status, stdout).
/// On a thread of its own: waiting for a process on a Swift concurrency thread can starve
/// the pool (and the wait).
public func runSparkServerScript(_ command: String, environment: [String: String]) async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try runSparkServerScriptBlocking(command, environment: environment) })
        }.start()
    }
}

/// posix_spawn and waitpid rather than Foundation's Process: the script leaves a server running
/// in the background, and Process does not see the script end while that server lives.
private func runSparkServerScriptBlocking(_ command: String, environment: [String: String]) throws -> (status: Int32, output: String) {
    let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-spark-\(UUID().uuidString).out").path
    defer { try? FileManager.default.removeItem(atPath: outFile) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argumentTexts: [String] = [sparkServerScript, command]
    let arguments: [UnsafeMutablePointer<CChar>?] = argumentTexts.map { strdup($0) } + [nil]
    let variables: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { strdup("\($0)=\($1)") } + [nil]
    defer {
        arguments.forEach { free($0) }
        variables.forEach { free($0) }
    }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, sparkServerScript, &actions, nil, arguments, variables)
    guard spawned == 0 else {
        throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "posix_spawn \(sparkServerScript): \(spawned)"])
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let exitCode = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let output = (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
    return (exitCode, output.trimmingCharacters(in: .whitespacesAndNewlines))
}
