import Foundation
import Testing

/// Eight writers as separate `swiftlake` processes (no shared memory at all) append, update,
/// merge and delete on one Delta table at once; each writer owns a key range, and every
/// update and merge also increments one counter row all writers share (a lost update shows
/// there). A conflict is exit status 5 and is retried; any other failure fails the test.
///
/// Afterwards: versions 0…N are contiguous with one commit file each, N is the number of
/// successful operations plus the creating write, their versions are distinct, `delta
/// history` names each one's operation, and the rows are exactly what the successes imply.
@Suite("Delta concurrency across processes", .serialized)
struct DeltaConcurrencyProcessTests {
    static let writers = 8
    static let operations = ["append", "update", "merge", "delete"]
    static let maxAttempts = 25
    static let shared = -1

    struct Success: Sendable {
        var writer: Int
        var operation: String
        var version: Int
        var added: [Int] = []
        var deleted: [Int] = []
        var increments = 0
    }

    actor Ledger {
        var successes: [Success] = []
        var conflicts = 0
        var unexpected: [String] = []
        func add(_ s: Success) { successes.append(s) }
        func conflicted() { conflicts += 1 }
        func failed(_ m: String) { unexpected.append(m) }
    }

    @Test("8 writer processes: contiguous versions, every success exactly once, every failure a reported conflict (exit 5)")
    func eightProcesses() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var seed = [#"{"id": -1, "writer": -1, "val": 0}"#]
        for w in 0..<Self.writers { seed.append(#"{"id": \#(w * 1000), "writer": \#(w), "val": 0}, {"id": \#(w * 1000 + 1), "writer": \#(w), "val": 0}"#) }
        let created = try await CLI.run(["delta", "write", "stress", "--rows", "[" + seed.joined(separator: ", ") + "]", "--threads", "1", "--no-progress"],
                                        in: directory)
        try #require(created.status == 0, "\(created.stderr)")

        let ledger = Ledger()
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<Self.writers {
                group.addTask { await Self.runWriter(writer, directory: directory, ledger: ledger) }
            }
        }
        let successes = await ledger.successes, conflicts = await ledger.conflicts, unexpected = await ledger.unexpected
        print("stress (processes): \(successes.count) commits, \(conflicts) conflicts retried, in \(ContinuousClock.now - started)")
        #expect(unexpected.isEmpty, "failures that were not conflicts: \(unexpected)")

        let log = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/stress/_delta_log")
        let commits = log.filter { $0.hasSuffix(".json") && $0.count == 25 }.compactMap { Int($0.prefix(20)) }.sorted()
        let n = successes.count
        #expect(commits == Array(0...n))
        #expect(successes.map(\.version).sorted() == (n > 0 ? Array(1...n) : []))

        let history = try await CLI.run(["delta", "history", "stress", "--format", "json", "--threads", "1"], in: directory)
        let entries = (try? JSONSerialization.jsonObject(with: Data(history.stdout.utf8))) as? [String: Any]
        let list = (entries?["history"] as? [[String: Any]]) ?? []
        var byVersion: [Int: String] = [:]
        for entry in list { if let v = entry["version"] as? Int, let op = entry["operation"] as? String { byVersion[v] = op } }
        let names = ["append": "WRITE", "update": "UPDATE", "merge": "MERGE", "delete": "DELETE"]
        for success in successes {
            #expect(byVersion[success.version] == names[success.operation], "version \(success.version): \(byVersion[success.version] ?? "missing") vs \(success.operation)")
        }

        var expected: [String] = []
        for writer in 0..<Self.writers {
            let mine = successes.filter { $0.writer == writer }.sorted { $0.version < $1.version }
            var ids = Set([writer * 1000 + 1])
            for s in mine { ids.formUnion(s.added); ids.subtract(s.deleted) }
            expected.append("\(writer * 1000),\(writer),\(mine.reduce(0) { $0 + $1.increments })")
            expected += ids.map { "\($0),\(writer),0" }
        }
        expected.append("-1,-1,\(successes.reduce(0) { $0 + $1.increments })")
        let read = try await CLI.run(["delta", "read", "stress", "--sql", "SELECT id, writer, val FROM t", "--format", "csv", "--threads", "1"], in: directory)
        #expect(read.status == 0, "delta read failed: \(read.stderr)")
        let rows = read.stdout.split(whereSeparator: \.isNewline).dropFirst().map(String.init).sorted()
        #expect(rows == expected.sorted())
    }

    /// One writer: each operation in turn (rotated by writer), retried on conflict.
    static func runWriter(_ writer: Int, directory: URL, ledger: Ledger) async {
        var alive = [writer * 1000 + 1]
        let base = writer * 1000
        for step in 0..<operations.count {
            let operation = operations[(writer + step) % operations.count]
            var success = Success(writer: writer, operation: operation, version: -1)
            var arguments: [String]
            switch operation {
            case "append":
                success.added = [base + 100 + step]
                arguments = ["delta", "write", "stress", "--rows", #"[{"id": \#(base + 100 + step), "writer": \#(writer), "val": 0}]"#]
            case "update":
                success.increments = 1
                arguments = ["delta", "update", "stress", "--set", "val=val + 1", "--where", "id IN (\(base), \(shared))"]
            case "merge":
                success.increments = 1
                success.added = [base + 500 + step]
                let rows = #"[{"id": \#(base), "writer": \#(writer), "val": 1}, {"id": -1, "writer": -1, "val": 1}, {"id": \#(base + 500 + step), "writer": \#(writer), "val": 0}]"#
                arguments = ["delta", "merge", "stress", "--rows", rows, "--on", "t.id = s.id",
                             "--when-matched-update", "val=t.val + s.val", "--when-not-matched-insert-all"]
            default:
                guard let victim = alive.first else { continue }
                success.deleted = [victim]
                arguments = ["delta", "delete", "stress", "--where", "id = \(victim)"]
            }
            arguments += ["--format", "json", "--threads", "1", "--no-progress"]
            for attempt in 1...maxAttempts {
                do {
                    let output = try await CLI.run(arguments, in: directory)
                    if output.status == 5 {
                        await ledger.conflicted()
                        if attempt == maxAttempts { break }
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 10...100)))
                        continue
                    }
                    guard output.status == 0, let json = try? output.json(), let version = json["version"] as? Int,
                          json["committed"] as? Bool == true else {
                        await ledger.failed("writer \(writer) \(operation): status \(output.status) \(output.stderr) \(output.stdout)")
                        break
                    }
                    success.version = version
                    alive += success.added
                    alive.removeAll { success.deleted.contains($0) }
                    await ledger.add(success)
                    break
                } catch {
                    await ledger.failed("writer \(writer) \(operation): \(error)")
                    break
                }
            }
        }
    }
}
