import DeltaLake
import Foundation
import ObjectStore
import Testing

/// Single-writer behaviour of transactions: what a commit writes, what the snapshot then
/// holds, and what is refused before anything is written.
@Suite("Transactions") struct TransactionTests {
    @Test func creatingATableWritesProtocolMetadataFilesAndCommitInfo() async throws {
        let before = CommitInfoBuilder.now()
        let files = [WriteFixtures.file("a.parquet", part: "x", partitioned: true),
                     WriteFixtures.file("b.parquet", part: nil, partitioned: true)]
        let table = try await WriteFixtures.createTable(partitioned: true, files: files)

        let snapshot = try await table.snapshot()
        #expect(snapshot.version == 0)
        #expect(snapshot.protocol == DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2))
        #expect(snapshot.metadata.partitionColumns == ["part"])
        #expect(UUID(uuidString: snapshot.metadata.id) != nil)
        #expect(snapshot.schema == WriteFixtures.schema)
        #expect(snapshot.activeFiles == files.sorted { $0.path < $1.path })

        let actions = try await WriteFixtures.commit(table, 0)
        guard case .commitInfo(let info) = actions.first else { Issue.record("commitInfo is not first: \(actions)"); return }
        #expect(info.operation == "CREATE TABLE")
        #expect(info.readVersion == nil)
        #expect(info.isBlindAppend == true)
        #expect(info.fields["isolationLevel"] == .string("WriteSerializable"))
        #expect(info.engineInfo == "SwiftLake")
        #expect(info.fields["txnId"]?.stringValue.flatMap(UUID.init(uuidString:)) != nil)
        #expect(info.operationParameters?["partitionBy"] == .string(#"["part"]"#))
        #expect(info.timestamp.map { $0 >= before && $0 <= CommitInfoBuilder.now() } == true)
        #expect(actions.count == 5)  // commitInfo, protocol, metaData, 2 adds
    }

    @Test func appendsAndRemovesAdvanceTheTableOneVersionEach() async throws {
        let a = WriteFixtures.file("a.parquet"), b = WriteFixtures.file("b.parquet"), c = WriteFixtures.file("c.parquet")
        let table = try await WriteFixtures.createTable(files: [a])

        var append = try await table.startTransaction(operation: "WRITE", parameters: ["mode": .string("Append")])
        append.add([b, c])
        let appended = try await append.commit(metrics: ["numFiles": .int(2), "numOutputRows": .int(20)], engineInfo: "SwiftLake/test")
        #expect(appended == CommitResult(version: 1, attempts: 1))
        let info1 = try #require(try await WriteFixtures.commitInfo(table, 1))
        #expect(info1.readVersion == 0 && info1.isBlindAppend == true && info1.engineInfo == "SwiftLake/test")
        #expect(info1.operationMetrics == ["numFiles": .string("2"), "numOutputRows": .string("20")])
        #expect(info1.operationParameters == ["mode": .string("Append")])

        let v1 = try await table.snapshot()
        var delete = try table.startTransaction(from: v1, operation: "DELETE", parameters: ["predicate": .array([.string("id < 5")])])
        delete.remove([a])
        #expect(try await delete.commit().version == 2)
        let info2 = try #require(try await WriteFixtures.commitInfo(table, 2))
        #expect(info2.readVersion == 1 && info2.isBlindAppend == false && info2.operation == "DELETE")
        #expect(info2.operationParameters?["predicate"] == .string(#"["id < 5"]"#))

        let v2 = try await table.snapshot()
        #expect(v2.activeFiles.map(\.path) == ["b.parquet", "c.parquet"])
        #expect(v2.tombstones.map(\.path) == ["a.parquet"])
        #expect(v2.tombstones.first?.size == a.size && v2.tombstones.first?.extendedFileMetadata == true)
        let history = try await table.history()
        #expect(history.map(\.version) == [2, 1, 0])
        #expect(history.map(\.operation) == ["DELETE", "WRITE", "CREATE TABLE"])
    }

    @Test func aTableIsCreatedOnlyOnce() async throws {
        let table = try await WriteFixtures.createTable(files: [WriteFixtures.file("a.parquet")])
        let log = try await WriteFixtures.logEntries(table)
        let again = try table.createTransaction(metadata: .newTable(schema: WriteFixtures.schema))
        let error = try await #require(throws: DeltaError.self) { try await again.commit() }
        #expect(error.kind == .conflict)
        #expect(error.conflict?.kind == .tableAlreadyExists)
        #expect(error.conflict?.winningVersion == 0 && error.conflict?.winningOperation == "CREATE TABLE")
        #expect(error.message.contains("already holds a Delta table"))
        #expect(try await WriteFixtures.logEntries(table) == log)
    }

    @Test func ofConcurrentCreatorsExactlyOneWins() async throws {
        let directory = try WriteFixtures.emptyDirectory()
        let outcomes = await withTaskGroup(of: Result<CommitResult, DeltaError>.self) { group in
            for i in 0..<6 {
                group.addTask {
                    do {
                        let table = DeltaTable(path: directory)
                        var txn = try table.createTransaction(metadata: .newTable(schema: WriteFixtures.schema))
                        txn.add([WriteFixtures.file("creator-\(i).parquet")])
                        return .success(try await txn.commit())
                    } catch let error as DeltaError { return .failure(error) } catch { fatalError("\(error)") }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let wins = outcomes.compactMap { try? $0.get() }
        #expect(wins.map(\.version) == [0])
        for case .failure(let error) in outcomes {
            #expect(error.kind == .conflict && error.conflict?.kind == .tableAlreadyExists)
            #expect(error.conflict?.winningVersion == 0)
        }
        #expect(try await DeltaTable(path: directory).snapshot().activeFiles.count == 1)
    }

    @Test func anAppTransactionAlreadyCommittedIsSkipped() async throws {
        let table = try await WriteFixtures.createTable()
        func load(_ n: Int, version: Int64) async throws -> CommitResult {
            var txn = try await table.startTransaction()
            txn.add([WriteFixtures.file("load-\(n).parquet")])
            txn.setAppTransaction(appId: "nightly", version: version)
            return try await txn.commit()
        }
        #expect(try await load(1, version: 1) == CommitResult(version: 1, attempts: 1))
        // The same load again (a retry after a crash): nothing is written.
        #expect(try await load(2, version: 1) == CommitResult(version: 1, attempts: 0, skipped: true))
        #expect(try await load(3, version: 0) == CommitResult(version: 1, attempts: 0, skipped: true))
        #expect(try await load(4, version: 2) == CommitResult(version: 2, attempts: 1))
        let snapshot = try await table.snapshot()
        #expect(snapshot.version == 2)
        #expect(snapshot.transactionVersion(appId: "nightly") == 2)
        #expect(snapshot.activeFiles.map(\.path) == ["load-1.parquet", "load-4.parquet"])
        #expect(snapshot.appTransactions["nightly"]?.lastUpdated != nil)
    }

    @Test func newTablesMayAskForTableFeatures() async throws {
        let proto = DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"],
                                  writerFeatures: ["timestampNtz", "appendOnly", "domainMetadata"])
        let table = try await WriteFixtures.createTable(protocol: proto)
        #expect(try await table.snapshot().protocol == proto)
        var txn = try await table.startTransaction(operation: "SET DOMAIN")
        txn.setDomainMetadata(DomainMetadata(domain: "app.settings", configuration: "{\"k\":1}"))
        _ = try await txn.commit()
        #expect(try await table.snapshot().domainMetadata["app.settings"]?.configuration == "{\"k\":1}")
    }

    // MARK: - Refusals (nothing written)

    /// A table whose version 0 is hand-written with `protocol` and `configuration`.
    func handWrittenTable(_ proto: DeltaProtocol, configuration: [String: String] = [:],
                          schema: String = WriteFixtures.schema.description) async throws -> DeltaTable {
        let table = DeltaTable(path: try WriteFixtures.emptyDirectory())
        let actions: [Action] = [
            .protocol(proto),
            .metadata(Metadata(id: UUID().uuidString, schemaString: schema, configuration: configuration)),
            .add(WriteFixtures.file("a.parquet")),
        ]
        _ = try await table.store.putIfAbsent(LogFile.commitPath(0), Action.encodeLines(actions))
        return table
    }

    @Test(arguments: [
        ("rowTracking", DeltaProtocol(minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["appendOnly", "rowTracking"]), [String: String]()),
        ("inCommitTimestamp", DeltaProtocol(minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["inCommitTimestamp"]), [:]),
        ("changeDataFeed", DeltaProtocol(minReaderVersion: 1, minWriterVersion: 4), ["delta.enableChangeDataFeed": "true"]),
        ("columnMapping", DeltaProtocol(minReaderVersion: 2, minWriterVersion: 5), ["delta.columnMapping.mode": "name"]),
        ("writerVersion8", DeltaProtocol(minReaderVersion: 1, minWriterVersion: 8), [:]),
    ])
    func unsupportedWriterFeaturesAreRefusedAndTheLogIsUntouched(feature: String, proto: DeltaProtocol,
                                                                 configuration: [String: String]) async throws {
        let table = try await handWrittenTable(proto, configuration: configuration)
        let log = try await WriteFixtures.logEntries(table)
        let snapshot = try await table.snapshot()
        let error = try #require(throws: DeltaError.self) { try table.startTransaction(from: snapshot) }
        #expect(error.kind == .unsupportedFeature)
        #expect(error.feature == feature)
        #expect(error.message.contains(feature.hasPrefix("writerVersion") ? "writer protocol version" : "'\(feature)'"))
        #expect(try await WriteFixtures.logEntries(table) == log)
    }

    @Test func inactiveConditionalFeaturesDoNotStopWrites() async throws {
        // Writer version 6 implies invariants … identityColumns, none of them in use here.
        let table = try await handWrittenTable(DeltaProtocol(minReaderVersion: 1, minWriterVersion: 6),
                                               configuration: ["delta.enableChangeDataFeed": "false"])
        var txn = try await table.startTransaction()
        txn.add([WriteFixtures.file("b.parquet")])
        #expect(try await txn.commit().version == 1)
    }

    @Test func aTableWithCheckConstraintsCanBeCommittedToAndListsThem() async throws {
        // The engine checks rows against the constraints (SwiftLake: ConstraintCheck); this layer commits.
        for proto in [DeltaProtocol(minReaderVersion: 1, minWriterVersion: 3),
                      DeltaProtocol(minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["checkConstraints"])] {
            let table = try await handWrittenTable(proto, configuration: ["delta.constraints.positive": "id > 0"])
            let snapshot = try await table.snapshot()
            #expect(WriterFeatures.constraints(of: snapshot.metadata) == ["positive": "id > 0"])
            var txn = try table.startTransaction(from: snapshot)
            txn.add([WriteFixtures.file("b.parquet")])
            #expect(try await txn.commit().version == 1)
        }
    }

    @Test func aColumnWithAnInvariantStopsWrites() async throws {
        let schema = DeltaSchema(fields: [StructField(name: "id", type: .primitive(.long), metadata: [
            "delta.invariants": .string(#"{"expression":{"expression":"id > 0"}}"#)])])
        let table = try await handWrittenTable(DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2), schema: schema.description)
        let error = try await #require(throws: DeltaError.self) { try await table.startTransaction() }
        #expect(error.kind == .unsupportedFeature && error.feature == "invariants" && error.message.contains("'id'"))
    }

    @Test func theCorpusDeletionVectorTableCanBeWrittenWithVectorsThatKeepNumRecords() async throws {
        let path = try temporaryCopy(of: "table-with-dv-small")
        let table = DeltaTable(path: path)
        let snapshot = try await table.snapshot()
        #expect(WriterFeatures.deletionVectorsEnabled(snapshot.protocol, metadata: snapshot.metadata))
        let file = try #require(snapshot.activeFiles.first)
        // Spark's vector deletes rows 0 and 9; ours adds row 1 (PROTOCOL.md: numRecords stays the physical count).
        var vectors = DeletionVectorFile()
        vectors.append(rows: [0, 1, 9])
        let written = try await vectors.write(to: table.store)
        var txn = try table.startTransaction(from: snapshot, operation: "DELETE")
        txn.remove([file])
        txn.add([file.withDeletionVector(written.descriptors[0])])
        #expect(try await txn.commit().version == 2)
        let after = try await table.snapshot()
        let readded = try #require(after.activeFiles.first)
        #expect(after.activeFiles.count == 1 && readded.path == file.path && readded.numRecords == 10)
        #expect(readded.stats?.contains("\"tightBounds\":false") == true)
        let vector = try await DeletionVector.load(try #require(readded.deletionVector), store: table.store, tableLocation: path)
        #expect(vector.deletedRows == [0, 1, 9])

        // A vector without numRecords, or deleting no rows, is refused before anything is written.
        var statless = file
        statless.stats = nil
        var bad = try table.startTransaction(from: after, operation: "DELETE")
        bad.add([statless.withDeletionVector(written.descriptors[0])])
        let error = try await #require(throws: DeltaError.self) { try await bad.commit() }
        #expect(error.kind == .invalidArgument && error.message.contains("numRecords"))
    }

    @Test func deletionVectorsNeedTheFeatureAndCreatingWithThePropertyAddsIt() async throws {
        let plain = try await WriteFixtures.createTable(files: [WriteFixtures.file("a.parquet")])
        var txn = try await plain.startTransaction(operation: "DELETE")
        let vector = DeletionVectorDescriptor.inline(rows: [1])
        txn.add([WriteFixtures.file("a.parquet").withDeletionVector(vector)])
        let error = try await #require(throws: DeltaError.self) { try await txn.commit() }
        #expect(error.kind == .invalidArgument && error.message.contains("delta.enableDeletionVectors"))

        let enabled = try await WriteFixtures.createTable(configuration: ["delta.enableDeletionVectors": "true"])
        let proto = try await enabled.snapshot().protocol
        #expect(proto.minReaderVersion == 3 && proto.minWriterVersion == 7)
        #expect(proto.readerFeatures == ["deletionVectors"])
        #expect(proto.writerFeatures == ["appendOnly", "invariants", "deletionVectors"])
    }

    @Test func creatingATableWithUnwritableFeaturesIsRefused() async throws {
        let table = DeltaTable(path: try WriteFixtures.emptyDirectory())
        let mapped = Metadata.newTable(schema: WriteFixtures.schema, configuration: ["delta.columnMapping.mode": "name"])
        let error = try #require(throws: DeltaError.self) {
            try table.createTransaction(metadata: mapped, protocol: DeltaProtocol(minReaderVersion: 2, minWriterVersion: 5))
        }
        #expect(error.kind == .unsupportedFeature && error.feature == "columnMapping")
        #expect(try await WriteFixtures.logEntries(table).isEmpty)
    }

    @Test func appendOnlyTablesRefuseDeletesButAllowRearrangements() async throws {
        let a = WriteFixtures.file("a.parquet")
        let table = try await WriteFixtures.createTable(configuration: ["delta.appendOnly": "true"], files: [a])
        var delete = try await table.startTransaction(operation: "DELETE")
        delete.remove([a])
        let error = try await #require(throws: DeltaError.self) { try await delete.commit() }
        #expect(error.kind == .invalidArgument && error.message.contains("append-only"))
        #expect(try await table.snapshot().version == 0)

        var compact = try await table.startTransaction(operation: "OPTIMIZE")
        compact.remove([a], dataChange: false)
        var rewritten = WriteFixtures.file("compacted.parquet")
        rewritten.dataChange = false
        compact.add([rewritten])
        #expect(try await compact.commit().version == 1)
        let info = try #require(try await WriteFixtures.commitInfo(table, 1))
        #expect(info.fields["isolationLevel"] == .string("SnapshotIsolation"))
    }

    @Test func filesMustCarryExactlyThePartitionColumns() async throws {
        let table = try await WriteFixtures.createTable(partitioned: true)
        var txn = try await table.startTransaction()
        txn.add([WriteFixtures.file("a.parquet")])  // no partition value
        let error = try await #require(throws: DeltaError.self) { try await txn.commit() }
        #expect(error.kind == .invalidArgument && error.message.contains("partitioned by [part]"))

        var twice = try await table.startTransaction()
        twice.add([WriteFixtures.file("a.parquet", part: "x", partitioned: true), WriteFixtures.file("a.parquet", part: "x", partitioned: true)])
        let duplicate = try await #require(throws: DeltaError.self) { try await twice.commit() }
        #expect(duplicate.kind == .invalidArgument && duplicate.message.contains("added twice"))
        #expect(try await table.snapshot().version == 0)
    }
}
