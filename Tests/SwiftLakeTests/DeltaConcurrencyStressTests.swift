import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

/// The operations a stress writer runs, and what a successful one did to the table.
enum StressOperation: String, Sendable, CaseIterable {
    case append, update, delete, merge

    /// The operation its commit records.
    var commitOperation: String {
        switch self {
        case .append: "WRITE"
        case .update: "UPDATE"
        case .delete: "DELETE"
        case .merge: "MERGE"
        }
    }
}

/// One successful operation: its commit version and its effect on the writer's rows.
struct StressSuccess: Sendable {
    var writer: Int
    var operation: StressOperation
    var version: Int64
    var added: [Int64] = []
    var deleted: [Int64] = []
    var counterIncrement: Int64 = 0
}

/// Successes, reported conflicts and anything else that went wrong, from every writer.
actor StressLedger {
    var successes: [StressSuccess] = []
    var conflicts = 0
    var unexpected: [String] = []
    var gaveUp = 0

    func succeeded(_ success: StressSuccess) { successes.append(success) }
    func conflicted() { conflicts += 1 }
    func failed(_ message: String) { unexpected.append(message) }
    func abandoned() { gaveUp += 1 }
}

/// Eight writers, each with its own ``Lakehouse`` (no shared caches, as separate servers),
/// append, update, delete and merge on one table at once. Each owns a key range
/// (`writer × 1000 + …`): a counter row (`id = writer × 1000`) that its updates and merges
/// increment together with a counter row all writers share (lost updates show there), a
/// seed row, rows it appends and merges in, and rows it deletes. A conflict (409) is
/// retried after a random pause; anything else is a failure.
///
/// Afterwards: versions 0…N are contiguous with one commit file each, and N is the number
/// of successful operations (plus the creating write); each success's version is distinct
/// and its history entry names its operation; the table holds exactly the rows the
/// successes imply (each once: nothing lost, duplicated, or left behind by a failed
/// attempt); delta-rs reads the same rows.
@Suite("Delta concurrency stress", .serialized)
struct DeltaConcurrencyStressTests {
    static let writers = 8
    static let operationsPerWriter = 6
    static let maxAttempts = 30

    static func counter(_ writer: Int) -> Int64 { Int64(writer * 1000) }
    /// The row every update and merge increments: a lost update shows as a count too low.
    static let shared: Int64 = -1

    @Test("8 concurrent writers (tasks, separate Lakehouses): contiguous versions, every success exactly once, every failure a reported conflict")
    func eightTaskWriters() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("stress")
        func lake() throws -> Lakehouse {
            var configuration = LakehouseConfiguration(roots: [directory.path], queryTimeout: .seconds(120))
            configuration.threads = 1
            return try Lakehouse(configuration: configuration)
        }
        // Version 0: each writer's counter (0) and seed row; checkpoints every 10 commits, during the run.
        let seed = [["id": .int(Self.shared), "writer": .int(-1), "val": .int(0)]] + (0..<Self.writers).flatMap { w -> [[String: DeltaRowValue]] in
            [["id": .int(Self.counter(w)), "writer": .int(Int64(w)), "val": .int(0)],
             ["id": .int(Self.counter(w) + 1), "writer": .int(Int64(w)), "val": .int(0)]]
        }
        _ = try await lake().deltaWrite(DeltaWriteRequest(path: path, rows: seed, properties: ["delta.checkpointInterval": "10"]))

        let ledger = StressLedger()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<Self.writers {
                let lakehouse = try lake()
                group.addTask { await Self.runWriter(writer, lake: lakehouse, path: path, ledger: ledger) }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        let successes = await ledger.successes, conflicts = await ledger.conflicts
        let unexpected = await ledger.unexpected, gaveUp = await ledger.gaveUp
        print("stress (tasks): \(successes.count) commits, \(conflicts) conflicts retried, \(gaveUp) given up, in \(elapsed)")
        #expect(unexpected.isEmpty, "failures that were not conflicts: \(unexpected)")
        #expect(conflicts > 0, "no writer ever conflicted: the test did not exercise the conflict rules")
        try await Self.verify(path: path, successes: successes, lake: try lake())
    }

    /// One writer's operations, rotated by writer so different operations overlap.
    static func runWriter(_ writer: Int, lake: Lakehouse, path: String, ledger: StressLedger) async {
        var alive: [Int64] = [counter(writer) + 1]
        for step in 0..<operationsPerWriter {
            let operation = StressOperation.allCases[(writer + step) % StressOperation.allCases.count]
            var attempt = 0
            while true {
                attempt += 1
                do {
                    if let success = try await perform(operation, writer: writer, step: step, alive: alive, lake: lake, path: path) {
                        alive += success.added
                        alive.removeAll { success.deleted.contains($0) }
                        await ledger.succeeded(success)
                    }
                    break
                } catch let error as SwiftLakeError where error.kind == .conflict {
                    await ledger.conflicted()
                    if attempt >= maxAttempts {
                        await ledger.abandoned()
                        break
                    }
                    try? await Task.sleep(for: .milliseconds(Int.random(in: 5...60)))
                } catch {
                    await ledger.failed("writer \(writer) \(operation): \(error)")
                    break
                }
            }
        }
    }

    /// Runs one operation; its effect when it committed.
    static func perform(_ operation: StressOperation, writer: Int, step: Int, alive: [Int64], lake: Lakehouse,
                        path: String) async throws -> StressSuccess? {
        let base = counter(writer)
        var success = StressSuccess(writer: writer, operation: operation, version: -1)
        switch operation {
        case .append:
            let ids = [base + 100 + Int64(step) * 2, base + 101 + Int64(step) * 2]
            let result = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: ids.map {
                ["id": .int($0), "writer": .int(Int64(writer)), "val": .int(0)]
            }))
            success.version = result.version
            success.added = ids
        case .update:
            let result = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, predicate: "id IN (\(base), \(shared))", updates: ["val": "val + 1"]))
            guard result.committed, result.rowsUpdated == 2 else { throw StressError.wrongEffect("update changed \(result.rowsUpdated) rows") }
            success.version = result.version
            success.counterIncrement = 1
        case .delete:
            guard let victim = alive.first else { return nil }
            let result = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id = \(victim)"))
            guard result.committed, result.rowsDeleted == 1 else { throw StressError.wrongEffect("delete of \(victim) removed \(result.rowsDeleted) rows") }
            success.version = result.version
            success.deleted = [victim]
        case .merge:
            let inserted = base + 500 + Int64(step)
            let result = try await lake.deltaMerge(DeltaMergeRequest(
                path: path,
                source: DeltaMergeSource(rows: [["id": .int(base), "writer": .int(Int64(writer)), "val": .int(1)],
                                                ["id": .int(shared), "writer": .int(-1), "val": .int(1)],
                                                ["id": .int(inserted), "writer": .int(Int64(writer)), "val": .int(0)]]),
                on: "t.id = s.id",
                clauses: [DeltaMergeClause(when: .matched, action: .update, set: ["val": "t.val + s.val"]),
                          DeltaMergeClause(when: .notMatched, action: .insertAll)]))
            guard result.committed, result[metric: "numTargetRowsUpdated"] == 2, result[metric: "numTargetRowsInserted"] == 1 else {
                throw StressError.wrongEffect("merge: \(result.metrics)")
            }
            success.version = result.version
            success.counterIncrement = 1
            success.added = [inserted]
        }
        return success
    }

    enum StressError: Error { case wrongEffect(String) }

    /// The checks after the run (shared with the process variant's expectations).
    static func verify(path: String, successes: [StressSuccess], lake: Lakehouse) async throws {
        // Versions 0…N, one commit file each, N = number of successes.
        let log = try FileManager.default.contentsOfDirectory(atPath: path + "/_delta_log")
        let commits = log.filter { $0.hasSuffix(".json") && $0.count == 25 }.compactMap { Int64($0.prefix(20)) }.sorted()
        let n = Int64(successes.count)
        #expect(commits == Array(0...n), "commit files: \(commits)")
        #expect(!log.contains { $0.hasSuffix(".tmp") || $0.contains("_commit_") }, "leftovers in the log: \(log)")
        let versions = successes.map(\.version).sorted()
        #expect(versions == (n > 0 ? Array(1...n) : []), "the successes' versions: \(versions)")

        // History: each success's commit, with its operation.
        let history = try await lake.deltaHistory(path: path)
        var operations: [Int64: String] = [:]
        for case .object(let entry) in history.history {
            if case .number(let v)? = entry["version"], case .string(let op)? = entry["operation"] { operations[Int64(v)] = op }
            if case .exactNumber(let v)? = entry["version"], case .string(let op)? = entry["operation"], let v = Int64(v) { operations[v] = op }
        }
        #expect(operations.count == Int(n) + 1)
        for success in successes {
            #expect(operations[success.version] == success.operation.commitOperation,
                    "version \(success.version) is \(operations[success.version] ?? "missing"), writer \(success.writer) committed \(success.operation)")
        }

        // The rows: exactly what the successes imply.
        var expected: [String] = []
        for writer in 0..<writers {
            let mine = successes.filter { $0.writer == writer }
            let increments = mine.reduce(0) { $0 + $1.counterIncrement }
            var ids = Set([counter(writer) + 1])
            for success in mine.sorted(by: { $0.version < $1.version }) {
                ids.formUnion(success.added)
                ids.subtract(success.deleted)
            }
            expected.append("id=\(counter(writer))|val=\(increments)|writer=\(writer)")
            expected += ids.map { "id=\($0)|val=0|writer=\(writer)" }
        }
        let increments = successes.reduce(0) { $0 + $1.counterIncrement }
        expected.append("id=\(shared)|val=\(increments)|writer=-1")
        expected.sort()
        let actual = try await ourRows(lake, path, columns: ["id", "writer", "val"])
        #expect(actual == expected)
        guard let view = try await deltaRsView(path) else { return }
        #expect(view.rows == expected && view.version == Int(n))
    }
}
