import DeltaLake
import Foundation
import ObjectStore
import Testing

/// Concurrent writers: who wins, who retries, who is told about which conflict.
///
/// Races are made deterministic where the rule matters: two transactions start from the
/// same snapshot, one commits, then the other commits and loses the race for the version.
@Suite("Commit conflicts") struct ConflictTests {
    /// Commits `first`, then `second` (both started from the same snapshot); returns
    /// `second`'s outcome.
    func race(_ first: Transaction, _ second: Transaction) async throws -> Result<CommitResult, DeltaError> {
        _ = try await first.commit()
        do { return .success(try await second.commit()) } catch let error as DeltaError { return .failure(error) }
    }

    func conflict(_ outcome: Result<CommitResult, DeltaError>) -> CommitConflict? {
        if case .failure(let error) = outcome, error.kind == .conflict { return error.conflict }
        return nil
    }

    @Test func eightConcurrentBlindAppendsAllCommitAtContiguousVersions() async throws {
        let table = try await WriteFixtures.createTable()
        let snapshot = try await table.snapshot()
        let results = try await withThrowingTaskGroup(of: CommitResult.self) { group in
            for i in 0..<8 {
                group.addTask {
                    var txn = try table.startTransaction(from: snapshot, operation: "WRITE")
                    txn.add([WriteFixtures.file("writer-\(i).parquet")])
                    return try await txn.commit()
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.map(\.version).sorted() == Array(1...8))
        // Each writer checked every version committed before its own, and retried at most
        // once per lost race.
        for result in results {
            #expect(result.concurrentVersions == Array(1..<result.version) && !result.skipped)
            #expect(result.attempts >= 1 && result.attempts <= result.concurrentVersions.count + 1)
        }
        let latest = try await table.snapshot()
        #expect(latest.version == 8)
        #expect(latest.activeFiles.count == 8)
        for version in Int64(1)...8 {
            let info = try #require(try await WriteFixtures.commitInfo(table, version))
            #expect(info.readVersion == 0, "every writer read version 0; readVersion records that, not the retry's version")
        }
    }

    @Test func ofTwoConcurrentRemovesOfOneFileExactlyOneWins() async throws {
        let a = WriteFixtures.file("a.parquet"), b = WriteFixtures.file("b.parquet")
        let table = try await WriteFixtures.createTable(files: [a, b])
        let snapshot = try await table.snapshot()
        let outcomes = await withTaskGroup(of: Result<CommitResult, DeltaError>.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    do {
                        var txn = try table.startTransaction(from: snapshot, operation: "DELETE")
                        txn.remove([a])
                        return .success(try await txn.commit())
                    } catch let error as DeltaError { return .failure(error) } catch { fatalError("\(error)") }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let wins = outcomes.compactMap { try? $0.get() }
        #expect(wins.map(\.version) == [1])
        let conflicts = outcomes.compactMap(conflict)
        #expect(conflicts.count == 1)
        let lost = try #require(conflicts.first)
        // Each read the whole table (the default for a remove), so the first rule that fires
        // is Delta's ConcurrentDeleteRead.
        #expect(lost.kind == .concurrentDeleteRead)
        #expect(lost.winningVersion == 1 && lost.winningOperation == "DELETE")
        if case .failure(let error) = outcomes.first(where: { (try? $0.get()) == nil }) {
            #expect(error.message.contains("version 1") && error.message.contains("'DELETE'") && error.message.contains("Retry"))
        }
        #expect(try await table.snapshot().version == 1)
    }

    @Test func removingAFileSomeoneElseRemovedIsADeleteDeleteConflict() async throws {
        let a = WriteFixtures.file("a.parquet")
        let table = try await WriteFixtures.createTable(files: [a])
        let snapshot = try await table.snapshot()
        var first = try table.startTransaction(from: snapshot, operation: "REMOVE FILES")
        first.remove([a])
        first.recordRead(.nothing)
        var second = first
        second.operation = "VACUUM-LIKE"
        let c = try #require(conflict(try await race(first, second)))
        #expect(c.kind == .concurrentDeleteDelete && c.winningVersion == 1 && c.winningOperation == "REMOVE FILES")
        #expect(c.detail?.contains("a.parquet") == true)
    }

    @Test func aMetadataChangeConflictsWithAnAppendWhicheverCommitsFirst() async throws {
        let table = try await WriteFixtures.createTable()
        let snapshot = try await table.snapshot()
        var append = try table.startTransaction(from: snapshot, operation: "WRITE")
        append.add([WriteFixtures.file("new.parquet")])
        var alter = try table.startTransaction(from: snapshot, operation: "SET TBLPROPERTIES")
        var metadata = snapshot.metadata
        metadata.configuration["owner"] = "finance"
        try alter.updateMetadata(metadata)

        // The append wins: the ALTER read the whole table, and changes metadata, so even a
        // blind append counts.
        let alterLost = try #require(conflict(try await race(append, alter)))
        #expect(alterLost.kind == .concurrentAppend && alterLost.winningVersion == 1 && alterLost.winningOperation == "WRITE")

        // The ALTER wins: the append (now at version 2) must not be written under old metadata.
        let later = try await table.snapshot()
        var append2 = try table.startTransaction(from: later, operation: "WRITE")
        append2.add([WriteFixtures.file("new2.parquet")])
        var alter2 = try table.startTransaction(from: later, operation: "SET TBLPROPERTIES")
        var metadata2 = later.metadata
        metadata2.configuration["owner"] = "sales"
        try alter2.updateMetadata(metadata2)
        let appendLost = try #require(conflict(try await race(alter2, append2)))
        #expect(appendLost.kind == .metadataChanged && appendLost.winningVersion == 2 && appendLost.winningOperation == "SET TBLPROPERTIES")
        #expect(try await table.snapshot().metadata.configuration["owner"] == "sales")
    }

    @Test func aProtocolChangeConflicts() async throws {
        let table = try await WriteFixtures.createTable()
        let snapshot = try await table.snapshot()
        var upgrade = try table.startTransaction(from: snapshot, operation: "UPGRADE PROTOCOL")
        try upgrade.updateProtocol(DeltaProtocol(minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["appendOnly"]))
        var append = try table.startTransaction(from: snapshot)
        append.add([WriteFixtures.file("x.parquet")])
        let c = try #require(conflict(try await race(upgrade, append)))
        #expect(c.kind == .protocolChanged && c.winningVersion == 1)
    }

    /// WriteSerializable lets a concurrent blind append into the partition we read through;
    /// Serializable does not; a non-blind write into our partition never gets through.
    @Test func partitionReadsConflictOnlyWithAddsTheyCouldHaveSeen() async throws {
        func setUp(_ configuration: [String: String]) async throws -> (DeltaTable, Snapshot, Transaction) {
            let inA = WriteFixtures.file("a1.parquet", part: "a", partitioned: true)
            let inB = WriteFixtures.file("b1.parquet", part: "b", partitioned: true)
            let table = try await WriteFixtures.createTable(partitioned: true, configuration: configuration, files: [inA, inB])
            let snapshot = try await table.snapshot()
            // An UPDATE of partition a: rewrites a1.
            var update = try table.startTransaction(from: snapshot, operation: "UPDATE")
            update.recordRead(.partitions([["part": "a"]]))
            update.remove([inA])
            update.add([WriteFixtures.file("a1-rewritten.parquet", part: "a", partitioned: true)])
            return (table, snapshot, update)
        }
        func blindAppend(_ table: DeltaTable, _ snapshot: Snapshot, part: String) throws -> Transaction {
            var txn = try table.startTransaction(from: snapshot, operation: "WRITE")
            txn.add([WriteFixtures.file("\(part)-\(UUID().uuidString).parquet", part: part, partitioned: true)])
            return txn
        }

        // WriteSerializable (the default): a blind append into partition a does not conflict.
        let (t1, s1, update1) = try await setUp([:])
        let passed = try await race(try blindAppend(t1, s1, part: "a"), update1).get()
        #expect(passed == CommitResult(version: 2, attempts: 2, concurrentVersions: [1]))
        let info = try #require(try await WriteFixtures.commitInfo(t1, 2))
        #expect(info.readVersion == 0 && info.fields["isolationLevel"] == .string("WriteSerializable"))

        // Serializable: the same blind append conflicts.
        let (t2, s2, update2) = try await setUp(["delta.isolationLevel": "Serializable"])
        let serial = try #require(conflict(try await race(try blindAppend(t2, s2, part: "a"), update2)))
        #expect(serial.kind == .concurrentAppend && serial.detail?.contains("part=a") == true)

        // Serializable, but the append went to partition b, which the update did not read.
        let (t3, s3, update3) = try await setUp(["delta.isolationLevel": "Serializable"])
        #expect(try await race(try blindAppend(t3, s3, part: "b"), update3).get().version == 2)

        // WriteSerializable, but the winner is not a blind append (it read the table) and added into a.
        let (t4, s4, update4) = try await setUp([:])
        var merge = try t4.startTransaction(from: s4, operation: "MERGE")
        merge.recordRead(.wholeTable)
        merge.add([WriteFixtures.file("merged.parquet", part: "a", partitioned: true)])
        let c = try #require(conflict(try await race(merge, update4)))
        #expect(c.kind == .concurrentAppend && c.winningOperation == "MERGE")
    }

    @Test func removingAFileWeReadConflictsButRemovingAnotherPartitionsDoesNot() async throws {
        let a1 = WriteFixtures.file("a1.parquet", part: "a", partitioned: true)
        let b1 = WriteFixtures.file("b1.parquet", part: "b", partitioned: true)
        let table = try await WriteFixtures.createTable(partitioned: true, files: [a1, b1])
        let snapshot = try await table.snapshot()
        func update(_ part: String) throws -> Transaction {
            var txn = try table.startTransaction(from: snapshot, operation: "UPDATE")
            txn.recordRead(.partitions([["part": part]]))
            txn.add([WriteFixtures.file("\(part)-new.parquet", part: part, partitioned: true)])
            return txn
        }
        var deleteB = try table.startTransaction(from: snapshot, operation: "DELETE")
        deleteB.recordRead(.partitions([["part": "b"]]))
        deleteB.remove([b1])
        #expect(try await race(deleteB, try update("a")).get().version == 2)

        let later = try await table.snapshot()
        var deleteA = try table.startTransaction(from: later, operation: "DELETE")
        deleteA.recordRead(.partitions([["part": "a"]]))
        deleteA.remove([a1])
        var updateA = try table.startTransaction(from: later, operation: "UPDATE")
        updateA.recordRead(.partitions([["part": "a"]]))
        updateA.add([WriteFixtures.file("a-newer.parquet", part: "a", partitioned: true)])
        let c = try #require(conflict(try await race(deleteA, updateA)))
        #expect(c.kind == .concurrentDeleteRead && c.detail?.contains("a1.parquet") == true && c.winningVersion == 3)
    }

    /// A compaction (no data change, read only the files it rewrites) is checked at
    /// SnapshotIsolation: new data elsewhere does not stop it; losing a file it rewrote does.
    @Test func aCompactionConflictsOnlyWithRemovalsOfItsFiles() async throws {
        let a = WriteFixtures.file("a.parquet"), b = WriteFixtures.file("b.parquet")
        let table = try await WriteFixtures.createTable(files: [a, b])
        func compaction(_ snapshot: Snapshot) throws -> Transaction {
            var txn = try table.startTransaction(from: snapshot, operation: "OPTIMIZE")
            txn.recordRead(.files([a.path, b.path]))
            txn.remove([a, b], dataChange: false)
            var merged = WriteFixtures.file("ab-\(UUID().uuidString).parquet", rows: 20)
            merged.dataChange = false
            txn.add([merged])
            return txn
        }
        let v0 = try await table.snapshot()
        var merge = try table.startTransaction(from: v0, operation: "MERGE")
        merge.recordRead(.wholeTable)
        merge.add([WriteFixtures.file("c.parquet")])
        #expect(try await race(merge, try compaction(v0)).get().version == 2)
        let info = try #require(try await WriteFixtures.commitInfo(table, 2))
        #expect(info.fields["isolationLevel"] == .string("SnapshotIsolation") && info.isBlindAppend == false)

        // Re-create the files and compact again, while a DELETE removes one of them.
        var restore = try await table.startTransaction(operation: "WRITE")
        restore.add([a, b])
        _ = try await restore.commit()
        let v3 = try await table.snapshot()
        var delete = try table.startTransaction(from: v3, operation: "DELETE")
        delete.remove([a])
        let c = try #require(conflict(try await race(delete, try compaction(v3))))
        #expect(c.kind == .concurrentDeleteRead && c.winningOperation == "DELETE" && c.detail?.contains("a.parquet") == true)
    }

    @Test func twoWritersOfOneAppTransactionConflictAndTheRetryIsSkipped() async throws {
        let table = try await WriteFixtures.createTable()
        let snapshot = try await table.snapshot()
        func load(_ name: String) throws -> Transaction {
            var txn = try table.startTransaction(from: snapshot, operation: "WRITE")
            txn.add([WriteFixtures.file(name)])
            txn.setAppTransaction(appId: "stream-1", version: 7)
            return txn
        }
        let c = try #require(conflict(try await race(try load("first.parquet"), try load("second.parquet"))))
        #expect(c.kind == .concurrentTransaction && c.winningVersion == 1 && c.detail?.contains("stream-1") == true)
        // The user retries: the new snapshot already has stream-1 at 7.
        var retry = try await table.startTransaction()
        retry.add([WriteFixtures.file("second.parquet")])
        retry.setAppTransaction(appId: "stream-1", version: 7)
        #expect(try await retry.commit() == CommitResult(version: 1, attempts: 0, skipped: true))
    }

    @Test func concurrentChangesOfOneDomainConflict() async throws {
        let proto = DeltaProtocol(minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["domainMetadata"])
        let table = try await WriteFixtures.createTable(protocol: proto)
        let snapshot = try await table.snapshot()
        func set(_ value: String) throws -> Transaction {
            var txn = try table.startTransaction(from: snapshot, operation: "SET DOMAIN")
            txn.recordRead(.nothing)
            txn.setDomainMetadata(DomainMetadata(domain: "app", configuration: value))
            return txn
        }
        let c = try #require(conflict(try await race(try set("1"), try set("2"))))
        #expect(c.kind == .concurrentDomainMetadata && c.detail?.contains("'app'") == true)
    }

    @Test func retriesAreBoundedAndTheErrorNamesTheLastWinner() async throws {
        let created = try await WriteFixtures.createTable()
        let store = AlwaysLosingStore(inner: LocalStore(root: created.builder.location))
        let table = DeltaTable(store: store, location: created.builder.location)
        var txn = try await table.startTransaction(operation: "WRITE")
        txn.add([WriteFixtures.file("mine.parquet")])
        txn.retryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        let error = try await #require(throws: DeltaError.self) { try await txn.commit() }
        #expect(error.kind == .conflict)
        #expect(error.conflict == CommitConflict(kind: .retriesExhausted, winningVersion: 3, winningOperation: "STREAMING UPDATE",
                                                 detail: error.conflict?.detail))
        #expect(error.message.contains("3 attempts") && error.message.contains("version 3") && error.message.contains("'STREAMING UPDATE'"))
        // Three competitors' commits, none of ours.
        let latest = try await created.snapshot()
        #expect(latest.version == 3)
        #expect(!latest.activeFiles.contains { $0.path == "mine.parquet" })
    }

    /// Log cleanup removed the commits up to and past the version a transaction read: a put
    /// of "the next version" would land below the table's latest and be lost, so it is refused.
    @Test func aSnapshotWhoseCommitsWereCleanedUpCannotCommit() async throws {
        let table = try await WriteFixtures.createTable()
        var first = try await table.startTransaction()
        first.add([WriteFixtures.file("1.parquet")])
        _ = try await first.commit()
        let stale = try await table.snapshot()  // version 1
        for n in 2...3 {
            var txn = try await table.startTransaction()
            txn.add([WriteFixtures.file("\(n).parquet")])
            _ = try await txn.commit()
        }
        try await table.store.delete((0...2).map { LogFile.commitPath(Int64($0)) })
        var late = try table.startTransaction(from: stale)
        late.add([WriteFixtures.file("late.parquet")])
        let error = try await #require(throws: DeltaError.self) { try await late.commit() }
        #expect(error.kind == .conflict && error.conflict?.kind == .readVersionCleanedUp && error.conflict?.winningVersion == 1)
        #expect(try await WriteFixtures.logEntries(table) == ["00000000000000000003.json"])
    }

    @Test func theBackoffIsJitteredAndCapped() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(10), maxDelay: .milliseconds(100))
        for attempt in 1...10 {
            let bound = min(Duration.milliseconds(100), .milliseconds(10) * (1 << (attempt - 1)))
            for _ in 0..<50 { #expect(policy.delay(afterAttempt: attempt) <= bound) }
        }
        let waits = Set((0..<50).map { _ in policy.delay(afterAttempt: 5) })
        #expect(waits.count > 1, "waits are random")
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }
}
