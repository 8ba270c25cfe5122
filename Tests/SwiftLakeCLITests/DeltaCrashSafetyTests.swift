import Foundation
import TestProcess
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Acceptance test of "Delta writing": a `swiftlake` writer process killed with SIGKILL after
/// writing data files and before its commit, and one killed while checkpointing, leave the
/// table readable, by SwiftLake and by delta-rs, at the previous version (for the checkpoint:
/// at the version committed before the checkpoint started); VACUUM later removes the orphans.
///
/// The kills need no hook in production code: a watcher thread polls the file system in a
/// tight loop and sends SIGKILL the moment a marker of the wanted phase appears:
/// - a data file moved into the table (`part-*.parquet` in the table directory) while
///   `_delta_log/<next>.json` does not exist yet: after the data files, before the commit;
/// - a file inside DuckDB's private `_swiftlake-write-*` directory: while writing them;
/// - the checkpoint's staging Parquet (in the engine's staging directory under `$TMPDIR`) or
///   the log's `.<v>.checkpoint.parquet.tmp-*` file, after `<v>.json` exists: while checkpointing.
/// A kill that lands too late (the commit or checkpoint completed) is a miss and is retried;
/// each scenario must land at least once. Expected rows come from arithmetic over the
/// generated ids, not from an earlier read.
@Suite("Delta crash safety (SIGKILL)", .serialized)
struct DeltaCrashSafetyTests {
    static let baseRows = 1_000
    static let bigRows = 3_000_000
    static let maxAttempts = 8

    // MARK: - Killed before the commit

    @Test("A writer killed after writing data files and before its commit leaves the previous version; VACUUM removes the orphans")
    func killedBeforeCommit() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = directory.appendingPathComponent("w").path
        // v0: ids 0..<1000.
        try await Self.ok(["delta", "write", table, "--rows", #"[{"id": 0}]"#, "--sql",
                           "SELECT CAST(i AS BIGINT) AS id, 'base' AS s FROM range(0, \(Self.baseRows)) r(i)", "--no-progress"], in: directory)
        var expected = Expectation(count: Self.baseRows, sum: (0..<Self.baseRows).reduce(0, +), version: 0)

        var landed: [String: Int] = [:]
        for scenario in ["moved", "staging"] {
            for attempt in 1...Self.maxAttempts {
                let next = expected.version + 1
                let commit = table + "/_delta_log/" + Self.padded(next) + ".json"
                let before = Set(Self.dataFiles(table))
                let stagingBefore = Set(Self.stagingDirectories(table))
                let start = 1_000_000 * (next + 1)
                let arguments = ["delta", "write", table, "--rows", #"[{"id": 0}]"#, "--sql",
                                 "SELECT CAST(i AS BIGINT) AS id, repeat('x', 40) || CAST(i AS VARCHAR) AS s FROM range(\(start), \(start + Self.bigRows)) r(i)",
                                 "--target-file-size", "1000000", "--no-progress", "--threads", "2"]
                let run = try await Self.runAndKill(arguments, in: directory) {
                    if FileManager.default.fileExists(atPath: commit) { return nil }
                    switch scenario {
                    case "moved":
                        let names = (try? FileManager.default.contentsOfDirectory(atPath: table)) ?? []
                        return names.contains { $0.hasPrefix("part-") && $0.hasSuffix(".parquet") && !before.contains($0) } ? "moved" : nil
                    default:
                        let names = (try? FileManager.default.contentsOfDirectory(atPath: table)) ?? []
                        for name in names where name.hasPrefix("_swiftlake-write-") && !stagingBefore.contains(name) {
                            if let inside = try? FileManager.default.contentsOfDirectory(atPath: table + "/" + name), !inside.isEmpty { return "staging" }
                        }
                        return nil
                    }
                }
                let committed = FileManager.default.fileExists(atPath: commit)
                if committed {
                    // Too late: the write went through (or was killed after committing).
                    expected = Expectation(count: expected.count + Self.bigRows,
                                           sum: expected.sum + (start..<(start + Self.bigRows)).reduce(0, +), version: next)
                    print("crash (\(scenario)) attempt \(attempt): missed the window (killed: \(run.killed ?? "no"), status \(run.status))")
                    expected.version = try await Self.vacuum(table, in: directory)
                    continue
                }
                try #require(run.killed != nil, "the writer exited (status \(run.status)) without committing or being killed: \(run.stderr)")
                landed[scenario, default: 0] += 1
                print("crash (\(scenario)) attempt \(attempt): killed before the commit of version \(next)")

                // Orphans are there, the log is not.
                let orphans = Set(Self.dataFiles(table)).subtracting(before)
                let staging = Set(Self.stagingDirectories(table)).subtracting(stagingBefore)
                if scenario == "staging" { #expect(!staging.isEmpty, "no private directory of the killed writer") }
                if scenario == "moved" { #expect(!orphans.isEmpty, "no orphan data file after a kill between the moves and the commit") }
                #expect(Self.commits(table) == Array(0...expected.version), "log after the kill: \(Self.commits(table))")

                // Both readers see the previous version.
                try await Self.expectReads(table, expected, in: directory, "after the kill (\(scenario))")

                // VACUUM removes the orphan data files; the table still reads.
                expected.version = try await Self.vacuum(table, in: directory)
                let left = Set(Self.dataFiles(table))
                #expect(left.isDisjoint(with: orphans), "VACUUM left orphan data files: \(left.intersection(orphans).sorted())")
                // The killed writer's private staging directory is SwiftLake's own: VACUUM removes it too.
                let after = Set(Self.stagingDirectories(table)).intersection(staging).sorted()
                #expect(after.isEmpty, "VACUUM left the killed writer's staging directories: \(after) (\(Self.size(table, after)) bytes)")
                if let referenced = try await Self.deltaRsFiles(table) {
                    #expect(left == Set(referenced), "after VACUUM the data files are not exactly those delta-rs's snapshot uses: extra \(left.subtracting(referenced).sorted()), missing \(Set(referenced).subtracting(left).sorted())")
                }
                try await Self.expectReads(table, expected, in: directory, "after VACUUM (\(scenario))")

                // And the next write commits the next version.
                let small = expected.version + 1
                try await Self.ok(["delta", "write", table, "--rows", #"[{"id": \#(small * 10_000_000), "s": "after"}]"#, "--no-progress"], in: directory)
                expected = Expectation(count: expected.count + 1, sum: expected.sum + small * 10_000_000, version: small)
                try await Self.expectReads(table, expected, in: directory, "after the next write (\(scenario))")
                break
            }
        }
        #expect(landed["moved", default: 0] >= 1, "no kill landed between the data files' moves and the commit in \(Self.maxAttempts) attempts")
        #expect(landed["staging", default: 0] >= 1, "no kill landed while DuckDB wrote the data files in \(Self.maxAttempts) attempts")
    }

    // MARK: - Killed while checkpointing

    @Test("A writer killed while checkpointing leaves the committed version readable and a valid _last_checkpoint")
    func killedWhileCheckpointing() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = directory.appendingPathComponent("c").path
        let tmp = directory.appendingPathComponent("tmp").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let interval = 3
        try await Self.ok(["delta", "create", table, "--column", "id:long", "--column", "part:string", "--partition-by", "part",
                           "--property", "delta.checkpointInterval=\(interval)", "--no-progress"], in: directory)
        // v1: 2,000 files (one per partition), so the checkpoint takes a while.
        let partitions = 2_000
        try await Self.ok(["delta", "write", table, "--rows", #"[{"id": 0}]"#, "--sql",
                           "SELECT CAST(i AS BIGINT) AS id, 'p' || CAST(i % \(partitions) AS VARCHAR) AS part FROM range(0, \(partitions * 2)) r(i)",
                           "--no-progress"], in: directory)
        var expected = Expectation(count: partitions * 2, sum: (0..<(partitions * 2)).reduce(0, +), version: 1)
        var landed = 0
        for attempt in 1...Self.maxAttempts {
            // Small writes up to the version before the next checkpoint.
            while (expected.version + 1) % interval != 0 {
                let id = 1_000_000 + expected.version
                try await Self.ok(["delta", "write", table, "--rows", #"[{"id": \#(id), "part": "p0"}]"#, "--no-progress"], in: directory)
                expected = Expectation(count: expected.count + 1, sum: expected.sum + id, version: expected.version + 1)
            }
            let due = expected.version + 1
            let log = table + "/_delta_log/"
            let commit = log + Self.padded(due) + ".json"
            let checkpoint = log + Self.padded(due) + ".checkpoint.parquet"
            let id = 1_000_000 + due
            let run = try await Self.runAndKill(["delta", "write", table, "--rows", #"[{"id": \#(id), "part": "p1"}]"#, "--no-progress"],
                                                in: directory, environment: ["TMPDIR": tmp]) {
                guard FileManager.default.fileExists(atPath: commit), !FileManager.default.fileExists(atPath: checkpoint) else { return nil }
                let logNames = (try? FileManager.default.contentsOfDirectory(atPath: log)) ?? []
                if logNames.contains(where: { $0.hasPrefix("." + Self.padded(due) + ".checkpoint.parquet.tmp-") }) { return "log temporary" }
                for engine in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] where engine.hasPrefix("swiftlake-") {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: tmp + "/" + engine)) ?? []
                    if names.contains(where: { $0.hasSuffix(".parquet") }) { return "staging parquet" }
                }
                return nil
            }
            let committed = FileManager.default.fileExists(atPath: commit)
            if committed {
                expected = Expectation(count: expected.count + 1, sum: expected.sum + id, version: due)
            }
            guard let killed = run.killed, committed, !FileManager.default.fileExists(atPath: checkpoint) else {
                print("checkpoint crash attempt \(attempt): missed (killed: \(run.killed ?? "no"), committed: \(committed), checkpoint: \(FileManager.default.fileExists(atPath: checkpoint)))")
                continue
            }
            landed += 1
            print("checkpoint crash attempt \(attempt): killed at \(killed) of version \(due)")

            // The commit is there, the checkpoint is not; `_last_checkpoint`, if any, names an
            // earlier checkpoint that exists.
            #expect(Self.commits(table) == Array(0...due))
            if let data = FileManager.default.contents(atPath: log + "_last_checkpoint") {
                let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "_last_checkpoint is not a JSON object")
                let version = try #require(json["version"] as? Int, "_last_checkpoint has no version: \(json)")
                #expect(version < due && FileManager.default.fileExists(atPath: log + Self.padded(version) + ".checkpoint.parquet"),
                        "_last_checkpoint names version \(version)")
            }
            try await Self.expectReads(table, expected, in: directory, "after the checkpoint kill")

            // A checkpoint on demand then succeeds, and both readers still agree.
            try await Self.ok(["delta", "checkpoint", table, "--no-progress"], in: directory, environment: ["TMPDIR": tmp])
            let hint = try #require(FileManager.default.contents(atPath: log + "_last_checkpoint"))
            #expect((try JSONSerialization.jsonObject(with: hint) as? [String: Any])?["version"] as? Int == due)
            try await Self.expectReads(table, expected, in: directory, "after checkpointing again")
            let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: log)) ?? []).filter { $0.hasPrefix(".") }
            if !leftovers.isEmpty { print("checkpoint crash: the killed writer's temporary files stay in _delta_log: \(leftovers)") }
            expected.version = try await Self.vacuum(table, in: directory)
            try await Self.expectReads(table, expected, in: directory, "after VACUUM")
            break
        }
        #expect(landed >= 1, "no kill landed while checkpointing in \(Self.maxAttempts) attempts")
    }

    // MARK: - Helpers

    struct Expectation { var count: Int; var sum: Int; var version: Int }

    struct Run: Sendable { var killed: String?; var status: Int32; var stderr: String }

    /// Runs `swiftlake arguments…` and SIGKILLs it as soon as `trigger` names a reason; polls
    /// on a thread of its own.
    static func runAndKill(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                           trigger: @escaping @Sendable () -> String?) async throws -> Run {
        let executable = try #require(CLI.executable, "The swiftlake executable was not found")
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments
                process.currentDirectoryURL = directory
                var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWIFTLAKE_") }
                env.merge(environment) { _, new in new }
                process.environment = env
                let errPath = directory.appendingPathComponent("stderr-\(UUID().uuidString)").path
                _ = FileManager.default.createFile(atPath: errPath, contents: nil)
                defer { try? FileManager.default.removeItem(atPath: errPath) }
                let err = FileHandle(forWritingAtPath: errPath)
                process.standardOutput = FileHandle.nullDevice
                process.standardError = err
                process.standardInput = FileHandle.nullDevice
                do { try process.run() } catch { continuation.resume(throwing: error); return }
                var killed: String?
                while process.isRunning {
                    if let reason = trigger() {
                        kill(process.processIdentifier, SIGKILL)
                        killed = reason
                        break
                    }
                    usleep(200)
                }
                process.waitUntilExit()
                try? err?.close()
                let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
                // A kill sent as the process exited on its own does not count.
                if killed != nil && process.terminationReason != .uncaughtSignal { killed = nil }
                continuation.resume(returning: Run(killed: killed, status: process.terminationStatus, stderr: stderr))
            }.start()
        }
    }

    @discardableResult
    static func ok(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                   sourceLocation: SourceLocation = #_sourceLocation) async throws -> CLI.Output {
        let output = try await CLI.run(arguments, in: directory, environment: environment, sourceLocation: sourceLocation)
        try #require(output.status == 0, "swiftlake \(arguments.prefix(3).joined(separator: " ")): status \(output.status): \(output.stderr)",
                     sourceLocation: sourceLocation)
        return output
    }

    /// VACUUM with no retention; returns the latest version after it (it commits VACUUM START/END, no data change).
    static func vacuum(_ table: String, in directory: URL) async throws -> Int {
        let before = commits(table).last ?? -1
        try await ok(["delta", "vacuum", table, "--retention-hours", "0", "--no-enforce-retention", "--no-progress"], in: directory)
        let after = commits(table).last ?? -1
        #expect(after >= before, "VACUUM lost commits: \(before) -> \(after)")
        return after
    }

    /// SwiftLake (CLI `delta read`) and delta-rs both read `expected`: its version is the latest,
    /// with its row count and sum of ids.
    static func expectReads(_ table: String, _ expected: Expectation, in directory: URL, _ when: String,
                            sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let read = try await ok(["delta", "read", table, "--sql", "SELECT count(*) AS n, CAST(sum(id) AS VARCHAR) AS s FROM t",
                                 "--format", "csv", "--no-progress"], in: directory, sourceLocation: sourceLocation)
        let line = read.stdout.split(whereSeparator: \.isNewline).dropFirst().first.map(String.init) ?? ""
        #expect(line == "\(expected.count),\(expected.sum)", "SwiftLake \(when): \(line), expected \(expected.count),\(expected.sum)",
                sourceLocation: sourceLocation)
        let versions = try await ok(["delta", "history", table, "--format", "json", "--no-progress"], in: directory, sourceLocation: sourceLocation)
        let history = (try? versions.json())?["history"] as? [[String: Any]] ?? []
        #expect(history.first?["version"] as? Int == expected.version, "SwiftLake \(when): latest version \(history.first?["version"] ?? "-")",
                sourceLocation: sourceLocation)
        guard let answer = try await deltaRs(table) else { return }
        #expect(answer["version"] as? Int == expected.version && answer["count"] as? Int == expected.count && answer["sum"] as? Int == expected.sum
                && (answer["missing"] as? [Any])?.isEmpty == true,
                "delta-rs \(when): \(answer.filter { $0.key != "files" }), expected version \(expected.version), \(expected.count) rows, sum \(expected.sum)",
                sourceLocation: sourceLocation)
    }

    static func deltaRsFiles(_ table: String) async throws -> [String]? {
        try await deltaRs(table)?["files"] as? [String]
    }

    /// delta-rs's view of the latest version: version, count, sum of ids, the data files (relative
    /// paths) and those of them that are missing.
    static func deltaRs(_ table: String) async throws -> [String: Any]? {
        let script = #"""
            import json, os, sys
            import deltalake, pyarrow as pa
            from deltalake import DeltaTable, QueryBuilder
            assert deltalake.__version__ == "1.6.6", deltalake.__version__
            path = sys.argv[1]
            dt = DeltaTable(path)
            got = pa.table(QueryBuilder().register("t", dt).execute("SELECT count(*) AS n, sum(id) AS s FROM t").read_all()).to_pylist()[0]
            uris = [u.replace("file://", "") for u in dt.file_uris()]
            root = os.path.realpath(path)
            files = [os.path.relpath(os.path.realpath(u), root) for u in uris]
            print(json.dumps({"version": dt.version(), "count": got["n"], "sum": got["s"] or 0, "files": files,
                              "missing": [f for f in uris if not os.path.exists(f)]}))
            """#
        let full = ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1"
        let probe = await python(["-c", "import deltalake, sys; sys.exit(0 if deltalake.__version__ == '1.6.6' else 1)"])
        if probe.status != 0 {
            if full { Issue.record("python3 with deltalake==1.6.6 is required (scripts/setup-python.sh installs it)") }
            return nil
        }
        let exit = "\nimport os as _os, sys as _sys\n_sys.stdout.flush()\n_sys.stderr.flush()\n_os._exit(0)\n"
        let run = await python(["-c", script + exit, table])
        guard run.status == 0 else {
            Issue.record("delta-rs failed to read \(table): \(run.stderr.suffix(1500))")
            return nil
        }
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "delta-rs printed \(run.stdout)")
    }

    static func python(_ arguments: [String]) async -> (status: Int32, stdout: String, stderr: String) {
        let run = await runPython(arguments)
        return (run.status, run.stdoutText, run.stderrText)
    }

    static func padded(_ version: Int) -> String { String(format: "%020d", version) }

    /// The commit versions in `_delta_log`.
    static func commits(_ table: String) -> [Int] {
        ((try? FileManager.default.contentsOfDirectory(atPath: table + "/_delta_log")) ?? [])
            .filter { $0.hasSuffix(".json") && $0.count == 25 }.compactMap { Int($0.prefix(20)) }.sorted()
    }

    /// The Parquet data files of the table (relative paths), outside `_delta_log` and hidden directories.
    static func dataFiles(_ table: String) -> [String] {
        let all = (try? FileManager.default.subpathsOfDirectory(atPath: table)) ?? []
        return all.filter { path in
            path.hasSuffix(".parquet") && !path.split(separator: "/").contains { $0.hasPrefix("_") || $0.hasPrefix(".") }
        }
    }

    static func stagingDirectories(_ table: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: table)) ?? []).filter { $0.hasPrefix("_swiftlake-write-") }.sorted()
    }

    static func size(_ table: String, _ directories: [String]) -> Int {
        directories.reduce(0) { total, directory in
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: table + "/" + directory)) ?? []
            return total + files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: table + "/" + directory + "/" + $1)[.size] as? Int) ?? 0) }
        }
    }
}
