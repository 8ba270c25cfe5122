import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

@Suite("Delta deletion vectors written by DELETE, UPDATE and MERGE")
struct DeltaDeletionVectorWriteTests {
    static let columns: [DeltaColumnSpec] = [DeltaColumnSpec(name: "id", type: .string("long")), DeltaColumnSpec(name: "name", type: .string("string"))]

    /// A DV-enabled table with ids 1–10 (one file, version 1) and 11–20 (another, version 2).
    static func dvTable(_ lake: Lakehouse, _ path: String, properties: [String: String] = ["delta.enableDeletionVectors": "true"]) async throws {
        _ = try await lake.deltaCreate(DeltaCreateRequest(path: path, schema: columns, properties: properties))
        for range in [1...10, 11...20] {
            let rows = range.map { ["id": DeltaRowValue.int(Int64($0)), "name": .string("n\($0)")] }
            _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: rows))
        }
    }

    static func rows(_ ids: [Int], names: [Int: String] = [:]) -> [String] {
        ids.map { "id=\($0)|name=\(names[$0] ?? "n\($0)")" }.sorted()
    }

    static func lastMetrics(_ lake: Lakehouse, _ path: String) async throws -> [String: SwiftLake.JSONValue] {
        try await DeltaWriteDMLTests.metrics(lake, path)
    }

    static func dvFiles(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasPrefix("deletion_vector_") }.sorted()
    }

    /// Checks our rows, the independent decoding and delta-rs against the expected rows, and
    /// that every file with a vector keeps its physical numRecords with loose bounds.
    static func expectRows(_ lake: Lakehouse, _ path: String, _ expected: [String], vectors: Int? = nil,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await ourRows(lake, path, columns: ["id", "name"]) == expected, sourceLocation: sourceLocation)
        guard let oracle = try await deletionVectorOracle(path) else { return }
        #expect(oracle.problems.isEmpty, "\(oracle.problems)", sourceLocation: sourceLocation)
        #expect(oracle.rows == expected, sourceLocation: sourceLocation)
        #expect(oracle.deltaRsRows == expected, sourceLocation: sourceLocation)
        for file in oracle.files where file.deleted != nil {
            #expect(file.numRecords == file.physicalRows && file.tightBounds == false, sourceLocation: sourceLocation)
        }
        if let vectors { #expect(oracle.files.filter { $0.deleted != nil }.count == vectors, sourceLocation: sourceLocation) }
    }

    @Test("create with delta.enableDeletionVectors=true gives protocol 3/7 with the deletionVectors reader and writer feature")
    func createProtocol() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        _ = try await lake.deltaCreate(DeltaCreateRequest(path: path, schema: Self.columns, properties: ["delta.enableDeletionVectors": "true"]))
        let detail = try await lake.deltaDetail(path: path)
        #expect(detail.protocol.minReaderVersion == 3 && detail.protocol.minWriterVersion == 7)
        #expect(detail.protocol.readerFeatures == ["deletionVectors"])
        #expect(Set(detail.protocol.writerFeatures ?? []) == ["appendOnly", "invariants", "deletionVectors"])
        // A write that creates the table with the property gets the same protocol.
        let other = dir.file("w")
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: other, rows: [["id": .int(1)]], properties: ["delta.enableDeletionVectors": "true"]))
        let written = try await lake.deltaDetail(path: other)
        #expect(written.protocol.readerFeatures == ["deletionVectors"])
    }

    @Test("DELETE, UPDATE and MERGE mark rows in deletion vectors; rows, vectors and delta-rs agree after each")
    func dmlMarksRows() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.dvTable(lake, path)
        let parquetBefore = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".parquet") }.count

        // 1. Two rows of the first file: a vector of cardinality 2, no file rewritten.
        let first = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id IN (2, 3)"))
        #expect(first.committed && first.rowsDeleted == 2 && first.rowsCopied == 0 && first.filesAdded == 0 && first.filesRemoved == 0)
        var metrics = try await Self.lastMetrics(lake, path)
        #expect(metrics["numDeletionVectorsAdded"] == .string("1") && metrics["numDeletionVectorsUpdated"] == .string("0"))
        #expect(metrics["numDeletedRows"] == .string("2"))
        var alive = Array(1...20).filter { ![2, 3].contains($0) }
        try await Self.expectRows(lake, path, Self.rows(alive), vectors: 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".parquet") }.count == parquetBefore)

        // 2. One more of the same file: its vector becomes the union {2, 3, 5}.
        let second = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id = 5 OR id = 3"))
        #expect(second.rowsDeleted == 1)
        metrics = try await Self.lastMetrics(lake, path)
        #expect(metrics["numDeletionVectorsUpdated"] == .string("1") && metrics["numDeletionVectorsRemoved"] == .string("1"))
        alive.removeAll { $0 == 5 }
        try await Self.expectRows(lake, path, Self.rows(alive), vectors: 1)
        if let oracle = try await deletionVectorOracle(path) {
            #expect(oracle.files.compactMap(\.cardinality) == [3])
        }

        // 3. UPDATE one row in each file: both get vectors, the updated rows go to a new file.
        let update = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, predicate: "id IN (6, 12)", updates: ["name": "'u' || id"]))
        #expect(update.rowsUpdated == 2 && update.rowsCopied == 0 && update.filesAdded == 1 && update.filesRemoved == 0)
        metrics = try await Self.lastMetrics(lake, path)
        #expect(metrics["numDeletionVectorsAdded"] == .string("2"))
        var names: [Int: String] = [6: "u6", 12: "u12"]
        try await Self.expectRows(lake, path, Self.rows(alive, names: names), vectors: 2)

        // 4. MERGE: update 7, delete 13, insert 100; 20 is not matched and stays.
        let source = DeltaMergeSource(rows: [
            ["id": .int(7), "name": .string("m7"), "op": .string("u")],
            ["id": .int(13), "name": .string("x"), "op": .string("d")],
            ["id": .int(100), "name": .string("n100"), "op": .string("i")],
        ])
        let merge = try await lake.deltaMerge(DeltaMergeRequest(path: path, source: source, on: "t.id = s.id", clauses: [
            DeltaMergeClause(when: .matched, condition: "s.op = 'd'", action: .delete),
            DeltaMergeClause(when: .matched, action: .update, set: ["name": "s.name"]),
            DeltaMergeClause(when: .notMatched, action: .insert, values: ["id": "s.id", "name": "s.name"]),
        ]))
        #expect(merge.committed)
        #expect(merge.metrics["numTargetRowsUpdated"] == 1 && merge.metrics["numTargetRowsDeleted"] == 1 && merge.metrics["numTargetRowsInserted"] == 1)
        #expect(merge.metrics["numTargetRowsCopied"] == 0 && merge.metrics["numTargetFilesRemoved"] == 0)
        #expect(merge.metrics["numTargetDeletionVectorsUpdated"] == 2)
        alive.removeAll { $0 == 13 }
        alive.append(100)
        names[7] = "m7"
        try await Self.expectRows(lake, path, Self.rows(alive, names: names), vectors: 2)

        // 5. Every remaining row of the first file: it is removed whole, not given a vector.
        let whole = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id <= 10 AND name LIKE 'n%'"))
        #expect(whole.filesRemoved == 1 && whole.rowsDeleted == 5)  // 1, 4, 8, 9, 10
        alive.removeAll { [1, 4, 8, 9, 10].contains($0) }
        try await Self.expectRows(lake, path, Self.rows(alive, names: names), vectors: 1)
    }

    @Test("a Spark-written table with a deletion vector: our DELETE and UPDATE extend it; delta-rs reads the result")
    func sparkTable() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("spark")
        try FileManager.default.copyItem(atPath: deltaCorpus + "/table-with-dv-small", toPath: path)
        // Spark deleted 0 and 9; values 0–9 in one file.
        func values(_ v: [Int]) -> [String] { v.map { "value=\($0)" }.sorted() }
        #expect(try await ourRows(lake, path, columns: ["value"]) == values(Array(1...8)))

        let delete = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "value IN (1, 2, 9)"))
        #expect(delete.rowsDeleted == 2)
        let update = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, predicate: "value = 3", updates: ["value": "value * 10"]))
        #expect(update.rowsUpdated == 1)
        #expect(try await ourRows(lake, path, columns: ["value"]) == values([4, 5, 6, 7, 8, 30]))
        guard let oracle = try await deletionVectorOracle(path) else { return }
        #expect(oracle.problems.isEmpty, "\(oracle.problems)")
        #expect(oracle.rows == values([4, 5, 6, 7, 8, 30]) && oracle.deltaRsRows == values([4, 5, 6, 7, 8, 30]))
        // Spark's rows 0 and 9 stay deleted, with ours: positions of 0, 1, 2, 3, 9.
        #expect(oracle.files.compactMap(\.deleted) == [[0, 1, 2, 3, 9]])
    }

    @Test("a table with change data feed and deletion vectors is still refused (422), unchanged")
    func cdfTableRefused() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("cdf")
        try FileManager.default.copyItem(atPath: deltaCorpus + "/cdf-table-with-cdc-and-dvs", toPath: path)
        let before = try FileManager.default.contentsOfDirectory(atPath: path + "/_delta_log").sorted()
        let error = await expectError(.unprocessable) {
            _ = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id = 1"))
        }
        #expect(error?.message.contains("changeDataFeed") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path + "/_delta_log").sorted() == before)
    }

    @Test("copy-on-write with deletion vectors disabled, OPTIMIZE, checkpoint and RESTORE never resurrect deleted rows")
    func otherOperationsApplyVectors() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.dvTable(lake, path)
        _ = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id IN (1, 11, 12)"))
        var alive = Array(1...20).filter { ![1, 11, 12].contains($0) }
        try await Self.expectRows(lake, path, Self.rows(alive), vectors: 2)

        // OPTIMIZE compacts the two files into one without the deleted rows, purging both vectors.
        let optimized = try await lake.deltaOptimize(DeltaOptimizeRequest(path: path))
        #expect(optimized.committed && optimized.numFilesRemoved == 2 && optimized.numFilesAdded == 1 && optimized.rowsRewritten == 17)
        try await Self.expectRows(lake, path, Self.rows(alive), vectors: 0)

        // RESTORE to version 3 (the delete) brings back the files with their vectors.
        let restore = try await lake.deltaRestore(path: path, version: 3)
        #expect(restore.version == 5)
        try await Self.expectRows(lake, path, Self.rows(alive), vectors: 2)

        // Checkpoint, then a fresh lakehouse reads the vectors from it.
        _ = try await lake.deltaCheckpoint(path: path)
        var configuration = LakehouseConfiguration(roots: [dir.path], queryTimeout: .seconds(120))
        configuration.threads = 1
        let fresh = try Lakehouse(configuration: configuration)
        #expect(try await ourRows(fresh, path, columns: ["id", "name"]) == Self.rows(alive))
        try await Self.expectRows(fresh, path, Self.rows(alive), vectors: 2)  // delta-rs starts from the checkpoint
        #expect(FileManager.default.fileExists(atPath: path + "/_delta_log/_last_checkpoint"))

        // Replace where over a file with a vector copies only its live rows.
        let replaced = try await lake.deltaWrite(DeltaWriteRequest(path: path, mode: .overwrite, rows: [["id": .int(2), "name": .string("r2")]],
                                                                   replaceWhere: "id = 2"))
        #expect(replaced.committed)
        #expect(try await ourRows(lake, path, columns: ["id", "name"]) == Self.rows(alive, names: [2: "r2"]))

        // With the property off, DML rewrites files (copy-on-write) and still drops deleted rows.
        let off = dir.file("off")
        try await Self.dvTable(lake, off)
        _ = try await lake.deltaDelete(DeltaDeleteRequest(path: off, predicate: "id = 4"))
        let offTable = DeltaTable(path: off)
        let snapshot = try await offTable.snapshot()
        var txn = try offTable.startTransaction(from: snapshot, operation: "SET TBLPROPERTIES", parameters: [:])
        var metadata = snapshot.metadata
        metadata.configuration["delta.enableDeletionVectors"] = "false"
        try txn.updateMetadata(metadata)
        _ = try await txn.commit(metrics: [:], engineInfo: "test")
        let cow = try await lake.deltaDelete(DeltaDeleteRequest(path: off, predicate: "id = 5"))
        #expect(cow.filesRemoved == 1 && cow.filesAdded == 1 && cow.rowsCopied == 8)  // 10 - {4 (vector), 5}
        alive = Array(1...20).filter { ![4, 5].contains($0) }
        try await Self.expectRows(lake, off, Self.rows(alive))
    }

    @Test("VACUUM keeps the vectors a version inside retention needs and deletes unreferenced ones")
    func vacuum() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.dvTable(lake, path)
        _ = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id = 1"))
        let firstVector = try Self.dvFiles(path)
        _ = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id = 2"))
        #expect(try Self.dvFiles(path).count == 2)
        // An orphan vector file no version references.
        let orphan = "deletion_vector_00000000-0000-0000-0000-000000000000.bin"
        try Data([1]).write(to: URL(fileURLWithPath: path + "/" + orphan))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -30 * 86_400)], ofItemAtPath: path + "/" + orphan)

        // Default retention: the replaced vector is still needed by version 3; only the old orphan goes.
        let kept = try await lake.deltaVacuum(DeltaVacuumRequest(path: path))
        #expect(kept.files == [orphan])
        #expect(try Self.dvFiles(path).count == 2)
        // Zero retention (forced): the replaced vector goes, the current one stays.
        _ = try await lake.deltaVacuum(DeltaVacuumRequest(path: path, retentionHours: 0, enforceRetention: false))
        let left = try Self.dvFiles(path)
        #expect(left.count == 1 && !firstVector.contains(left[0]))
        try await Self.expectRows(lake, path, Self.rows(Array(3...20)), vectors: 1)
    }

    @Test("a DV write that fails leaves the table exactly as it was")
    func failedWriteLeavesTable() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.dvTable(lake, path, properties: ["delta.enableDeletionVectors": "true", "delta.constraints.positive": "id > 0"])
        let before = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        let logBefore = try FileManager.default.contentsOfDirectory(atPath: path + "/_delta_log").sorted()
        _ = await expectError(.unprocessable) {
            _ = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, predicate: "id IN (3, 13)", updates: ["id": "-id"]))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: path).sorted() == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path + "/_delta_log").sorted() == logBefore)
        try await Self.expectRows(lake, path, Self.rows(Array(1...20)), vectors: 0)
    }

    @Test("two deletes marking the same file concurrently: the second conflicts (409) and its vector file is removed")
    func concurrentMarkingConflicts() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.dvTable(lake, path)
        let table = DeltaTable(path: path)
        let snapshot = try await table.snapshot()
        let file = try #require(snapshot.activeFiles.first { ($0.numRecords ?? 0) == 10 && (FileSkipping.statistics($0)?["minValues"]?["id"]?.int64Value == 1) })
        func marking(_ rows: [UInt64]) async throws -> Transaction {
            var vectors = DeletionVectorFile()
            vectors.append(rows: rows)
            let written = try await vectors.write(to: table.store)
            var txn = try table.startTransaction(from: snapshot, operation: "DELETE", parameters: [:])
            txn.remove([file])
            txn.add([file.withDeletionVector(written.descriptors[0])])
            return txn
        }
        let a = try await marking([0]), b = try await marking([1])
        _ = try await a.commit(metrics: [:], engineInfo: "test")
        do {
            _ = try await b.commit(metrics: [:], engineInfo: "test")
            Issue.record("the second marking of the same file committed")
        } catch let error as DeltaError {
            #expect(error.kind == .conflict)
        }
        // Through the library: a delete from a stale snapshot is retried against the winner and still
        // sees row 1 deleted (the union), never resurrecting it.
        _ = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id = 3"))
        try await Self.expectRows(lake, path, Self.rows(Array(1...20).filter { ![1, 3].contains($0) }), vectors: 1)
    }

    @Test("concurrent deletes on one file: each commits or is refused (409), and no vector file is left that the log does not name")
    func concurrentDeletesLeaveNoOrphans() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.dvTable(lake, path)
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for id in [1, 2, 3, 4] {
                group.addTask {
                    do {
                        _ = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id = \(id)"))
                        return (id, true)
                    } catch let error as SwiftLakeError {
                        #expect(error.kind == .conflict, "\(error)")
                        return (id, false)
                    } catch {
                        Issue.record("\(error)")
                        return (id, false)
                    }
                }
            }
            var all: [(Int, Bool)] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let deleted = Set(outcomes.filter(\.1).map(\.0))
        #expect(!deleted.isEmpty)
        try await Self.expectRows(lake, path, Self.rows(Array(1...20).filter { !deleted.contains($0) }))
        // Every vector file on disk is named by some commit.
        let log = try FileManager.default.contentsOfDirectory(atPath: path + "/_delta_log").filter { $0.hasSuffix(".json") }
            .map { try String(contentsOfFile: path + "/_delta_log/" + $0, encoding: .utf8) }.joined()
        for file in try Self.dvFiles(path) {
            let uuid = try #require(UUID(uuidString: String(file.dropFirst("deletion_vector_".count).dropLast(".bin".count))))
            let named = DeletionVectorDescriptor.onDisk(uuid: uuid, offset: 1, sizeInBytes: 0, cardinality: 0).pathOrInlineDv
            #expect(log.contains(named), "\(file) is not in the log")
        }
    }

    @Test("a partitioned table whose vectors hold more rows than are inlined: later DML keeps every earlier deletion")
    func largeVectorsOnPartitions() async throws {
        let (lake, dir) = try makeWriteLake()
        let path = dir.file("p")
        let columns = Self.columns + [DeltaColumnSpec(name: "grp", type: .string("string"))]
        _ = try await lake.deltaCreate(DeltaCreateRequest(path: path, schema: columns, partitionColumns: ["grp"],
                                                          properties: ["delta.enableDeletionVectors": "true"]))
        func grp(_ id: Int) -> String { id % 3 == 0 ? "a" : "b" }
        let rows = (1...6000).map { ["id": DeltaRowValue.int(Int64($0)), "name": .string("n\($0)"), "grp": .string(grp($0))] }
        _ = try await lake.deltaWrite(DeltaWriteRequest(path: path, rows: rows))
        func expected(_ ids: [Int], names: [Int: String] = [:]) -> [String] {
            ids.map { "grp=\(grp($0))|id=\($0)|name=\(names[$0] ?? "n\($0)")" }.sorted()
        }
        func check(_ ids: [Int], names: [Int: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws {
            #expect(try await ourRows(lake, path, columns: ["grp", "id", "name"]) == expected(ids, names: names), sourceLocation: sourceLocation)
            guard let oracle = try await deletionVectorOracle(path) else { return }
            #expect(oracle.problems.isEmpty, "\(oracle.problems)", sourceLocation: sourceLocation)
            #expect(oracle.rows == expected(ids, names: names), sourceLocation: sourceLocation)
            #expect(oracle.deltaRsRows == expected(ids, names: names), sourceLocation: sourceLocation)
        }

        // 3,000 even ids: well over the 1,000 deleted rows a scan inlines.
        let even = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id % 2 = 0"))
        #expect(even.rowsDeleted == 3000 && even.filesRemoved == 0)
        var alive = (1...6000).filter { $0 % 2 == 1 }
        try await check(alive)
        let low = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id < 200"))
        #expect(low.rowsDeleted == 100)
        alive.removeAll { $0 < 200 }
        let update = try await lake.deltaUpdate(DeltaUpdateRequest(path: path, predicate: "id % 1000 = 1", updates: ["name": "'u'"]))
        #expect(update.rowsUpdated == 5 && update.rowsCopied == 0)  // 1001, 2001, …, 5001 (1 is gone)
        let names = Dictionary(uniqueKeysWithValues: [1001, 2001, 3001, 4001, 5001].map { ($0, "u") })
        try await check(alive, names: names)
        if let oracle = try await deletionVectorOracle(path) {
            let marked: Int = oracle.files.compactMap(\.cardinality).reduce(0, +)
            #expect(marked == 3105)  // 3,000 even ids, 100 odd ids below 200, 5 updated rows
        }
        // replace_where copies the live rows of partition a's file (over 1,000 of its rows are deleted).
        let replaced = try await lake.deltaWrite(DeltaWriteRequest(path: path, mode: .overwrite,
            rows: [["id": .int(3), "name": .string("r3"), "grp": .string("a")]], replaceWhere: "grp = 'a' AND id < 300"))
        #expect(replaced.committed)
        alive.removeAll { $0 < 300 && grp($0) == "a" }
        alive.append(3)
        try await check(alive, names: names.merging([3: "r3"]) { a, _ in a })
    }

    @Test("a file without statistics gets numRecords from its Parquet footer when it gets a vector")
    func fileWithoutStatistics() async throws {
        let (writer, dir) = try makeWriteLake()
        let path = dir.file("t")
        try await Self.dvTable(writer, path)
        // Strip the statistics of version 1's file (ids 1–10), as some writers leave them out.
        let commit = path + "/_delta_log/00000000000000000001.json"
        let lines = try String(contentsOfFile: commit, encoding: .utf8).split(separator: "\n").map { line -> String in
            guard var action = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  var add = action["add"] as? [String: Any] else { return String(line) }
            add.removeValue(forKey: "stats")
            action["add"] = add
            return String(decoding: try JSONSerialization.data(withJSONObject: action), as: UTF8.self)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: commit, atomically: true, encoding: .utf8)
        var configuration = LakehouseConfiguration(roots: [dir.path], queryTimeout: .seconds(120))
        configuration.threads = 1
        let lake = try Lakehouse(configuration: configuration)

        let delete = try await lake.deltaDelete(DeltaDeleteRequest(path: path, predicate: "id IN (4, 14)"))
        #expect(delete.rowsDeleted == 2 && delete.filesRemoved == 0)
        try await Self.expectRows(lake, path, Self.rows(Array(1...20).filter { ![4, 14].contains($0) }), vectors: 2)
        if let oracle = try await deletionVectorOracle(path) {
            #expect(oracle.files.map(\.numRecords).sorted() == [10, 10])
        }
    }
}
