import DeltaLake
import Foundation
import ObjectStore
import Testing

/// Facts reasoned from the logs themselves, for what delta-rs cannot tell us: deletion
/// vectors, unsupported features, damaged logs, time travel.
@Suite("log replay") struct LogReplayTests {
    @Test func deletionVectorsOfTableWithDvSmall() async throws {
        let t = table("table-with-dv-small")
        let v0 = try await t.snapshot(version: 0)
        #expect(v0.activeFiles.count == 1)
        #expect(v0.activeFiles[0].deletionVector == nil)
        #expect(v0.activeFiles[0].numRecords == 10)  // ids 0–9

        let v1 = try await t.snapshot(version: 1)
        #expect(v1.activeFiles.count == 1)
        let file = try #require(v1.activeFiles.first)
        #expect(file.path == v0.activeFiles[0].path)  // same file, now with a deletion vector
        let dv = try #require(file.deletionVector)
        #expect(dv.storageType == .uuidRelative)
        #expect(dv.cardinality == 2)                  // ids 0 and 9 deleted: 8 rows remain
        #expect(dv.offset == 1)
        #expect(dv.uniqueId == "uvBn[lx{q8@P<9BNH/isA@1")
        #expect(try dv.uuid().uuidString.lowercased() == "61d16c75-6994-46b7-a15b-8b538852e50e")
        let path = try #require(try dv.absolutePath(tableRoot: v1.location))
        #expect(path.hasSuffix("/table-with-dv-small/deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin"))
        #expect(FileManager.default.fileExists(atPath: path))
        // The bitmap itself: rows 0 and 9 (ids 0 and 9) are deleted.
        let vector = try await DeletionVector.load(dv, store: t.store, tableLocation: v1.location)
        #expect(vector.deletedRows == [0, 9])
        // The old (path, no DV) entry was removed, and is a tombstone now.
        #expect(v1.tombstones.map(\.path) == [file.path])
        #expect(v1.tombstones[0].deletionVector == nil)
    }

    /// Every deletion vector in the corpus whose file is there loads, with the cardinality
    /// its descriptor states (decoding the RoaringBitmapArray and checking the CRC).
    @Test func everyDeletionVectorInTheCorpusLoads() async throws {
        var loaded = 0
        for name in ["table-with-dv-small", "table_with_deletion_logs", "cdf-table-with-cdc-and-dvs",
                     "table_with_liquid_clustering", "table_with_partitioning_mapping"] {
            let t = table(name)
            let snapshot = try await t.snapshot()
            for file in snapshot.activeFiles {
                guard let dv = file.deletionVector else { continue }
                if dv.storageType != .inline, let path = try dv.absolutePath(tableRoot: snapshot.location),
                   !FileManager.default.fileExists(atPath: path) { continue }  // fixture without the file
                let vector = try await DeletionVector.load(dv, store: t.store, tableLocation: snapshot.location)
                #expect(Int64(vector.deletedRows.count) == dv.cardinality, "\(name) \(file.path)")
                if let max = dv.maxRowIndex { #expect(vector.deletedRows.last == UInt64(max)) }
                loaded += 1
            }
        }
        print("loaded \(loaded) deletion vectors from the corpus")
        #expect(loaded >= 1)
    }

    @Test func unsupportedReaderFeatureIsRefusedByName() async throws {
        // minReaderVersion 5 and the reader feature "blahabl".
        do {
            _ = try await table("simple_table_features").snapshot()
            Issue.record("expected an unsupportedFeature error")
        } catch let error as DeltaError {
            #expect(error.kind == .unsupportedFeature)
            #expect(error.feature == "blahabl")
            #expect(error.message.contains("blahabl"))
        }
        // Reader version 3 with an unknown feature.
        let proto = DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors", "catalogManaged"])
        #expect(throws: DeltaError.self) { try TableFeatures.checkReadable(proto) }
        do { try TableFeatures.checkReadable(proto) } catch let error as DeltaError {
            #expect(error.feature == "catalogManaged" && error.message.contains("catalogManaged"))
        }
        try TableFeatures.checkReadable(DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7,
            readerFeatures: ["columnMapping", "deletionVectors", "timestampNtz", "v2Checkpoint", "typeWidening", "vacuumProtocolCheck", "variantType"]))
    }

    @Test func gapInTheLogIsRefusedNamingTheMissingVersion() async throws {
        let copy = try temporaryCopy(of: "simple_table")
        defer { try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent) }
        try FileManager.default.removeItem(atPath: copy + "/_delta_log/00000000000000000002.json")
        let t = DeltaTable(path: copy, checkpointReader: checkpointReader)
        do {
            _ = try await t.snapshot()
            Issue.record("expected a gap error")
        } catch let error as DeltaError {
            #expect(error.kind == .corruptLog)
            #expect(error.missingVersions == [2])
            #expect(error.message.contains("version(s) 2 are missing"))
        }
        // Versions before the gap are still readable.
        #expect(try await t.snapshot(version: 1).version == 1)
    }

    @Test func corruptStaleOrMissingLastCheckpointStillReads() async throws {
        let expected = try await table("simple_table_with_checkpoint").snapshot()
        #expect(expected.version == 10 && expected.logSegment.checkpointVersion == 10)
        #expect(expected.logSegment.usedCheckpointHint)
        for content in ["{not json", #"{"version":5,"size":3}"#, #"{"version":99,"size":3}"#, "", nil] as [String?] {
            let copy = try temporaryCopy(of: "simple_table_with_checkpoint")
            defer { try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent) }
            let hint = copy + "/_delta_log/_last_checkpoint"
            if let content { try content.write(toFile: hint, atomically: true, encoding: .utf8) }
            else { try FileManager.default.removeItem(atPath: hint) }
            let snapshot = try await DeltaTable(path: copy, checkpointReader: checkpointReader).snapshot()
            #expect(snapshot.version == 10, "with _last_checkpoint \(content ?? "missing")")
            #expect(snapshot.activeFiles.map(\.path) == expected.activeFiles.map(\.path))
            #expect(snapshot.logSegment.checkpointVersion == 10)
        }
        // A stale hint in the corpus: it names checkpoint 1, but 3 is the newest.
        let stale = try await table("table_failed_last_checkpoint_update").snapshot()
        #expect(stale.version == 3 && stale.logSegment.checkpointVersion == 3)
    }

    @Test func replayStartsAtTheNewestCheckpoint() async throws {
        let snapshot = try await table("delta-1.2.1-only-struct-stats").snapshot()
        #expect(snapshot.logSegment.checkpointVersion == 10)
        #expect(snapshot.logSegment.commits.map(\.version) == [11, 12])
        let old = try await table("delta-1.2.1-only-struct-stats").snapshot(version: 4)
        #expect(old.logSegment.checkpointVersion == nil)
        #expect(old.logSegment.commits.map(\.version) == [0, 1, 2, 3, 4])
    }

    @Test func v2CheckpointWithJsonManifestAndParquetSidecar() async throws {
        let snapshot = try await table("checkpoint-v2-table").snapshot(version: 8)
        #expect(snapshot.logSegment.checkpointVersion == 8)
        #expect(snapshot.logSegment.commits.isEmpty)
        #expect(snapshot.activeFiles.count == 7)  // numOfAddFiles in _last_checkpoint and the sidecar's tags
        #expect(snapshot.protocol.readerFeatures == ["v2Checkpoint"])
        let latest = try await table("checkpoint-v2-table").snapshot()
        #expect(latest.version == 9 && latest.logSegment.commits.map(\.version) == [9])
    }

    @Test func versionsThatDoNotExistAreNotFoundWithTheRange() async throws {
        do {
            _ = try await table("simple_table").snapshot(version: 99)
            Issue.record("expected notFound")
        } catch let error as DeltaError {
            #expect(error.kind == .notFound)
            #expect(error.availableVersions == 0...4)
            #expect(error.message.contains("99"))
        }
        // Commits 0–4 were cleaned up; checkpoints at 5 and 10 remain.
        do {
            _ = try await table("checkpoints_vacuumed").snapshot(version: 2)
            Issue.record("expected notFound")
        } catch let error as DeltaError {
            #expect(error.kind == .notFound)
            #expect(error.availableVersions == 5...12)
        }
        #expect(try await table("checkpoints_vacuumed").snapshot(version: 5).version == 5)
        // Only a checkpoint at 108 is left of table-with-domain-metadata.
        let dm = try await table("table-with-domain-metadata").snapshot()
        #expect(dm.version == 108)
        #expect(!dm.domainMetadata.isEmpty)
        do {
            _ = try await table("no-such-table").snapshot()
            Issue.record("expected notFound")
        } catch let error as DeltaError {
            #expect(error.kind == .notFound)
        }
    }

    @Test func timeTravelByFileModificationTime() async throws {
        let copy = try temporaryCopy(of: "simple_table")
        defer { try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent) }
        for v in 0...4 {  // commit v at (v + 1) * 1000 seconds
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: Double(v + 1) * 1000)],
                ofItemAtPath: copy + "/_delta_log/0000000000000000000\(v).json")
        }
        let t = DeltaTable(path: copy, checkpointReader: checkpointReader)
        #expect(try await t.version(atTimestamp: 2_500_000) == 1)
        #expect(try await t.version(atTimestamp: 3_000_000) == 2)
        #expect(try await t.version(atTimestamp: 99_000_000) == 4)
        let snapshot = try await t.snapshot(timestamp: 1_000_000)
        #expect(snapshot.version == 0 && snapshot.timestamp == 1_000_000)
        do {
            _ = try await t.snapshot(timestamp: 999_999)
            Issue.record("expected notFound")
        } catch let error as DeltaError {
            #expect(error.kind == .notFound && error.availableVersions == 0...4)
        }
    }

    @Test func timeTravelByInCommitTimestamp() async throws {
        let t = table("cdc_ict_table")
        let latest = try await t.snapshot()
        #expect(latest.metadata.inCommitTimestampsEnabled)
        #expect(latest.timestamp == 1783874213881)  // the ICT of version 3, not the file's mtime
        #expect(try await t.version(atTimestamp: 1783874212175) == 2)
        #expect(try await t.version(atTimestamp: 1783874213880) == 2)
        #expect(try await t.version(atTimestamp: 1783874213881) == 3)
        #expect(try await t.version(atTimestamp: 1883874213881) == 3)
    }

    @Test func historyIsNewestFirstWithLimitAndKeepsUnknownFields() async throws {
        let history = try await table("simple_table").history(limit: 2)
        #expect(history.map(\.version) == [4, 3])
        let all = try await table("simple_table").history()
        #expect(all.map(\.version) == [4, 3, 2, 1, 0])
        let first = try #require(all.last)
        #expect(first.operation != nil)
        #expect(first.commitInfo?.fields.isEmpty == false)
        #expect(first.json["version"] == .int(0))
    }

    @Test func columnMappingPhysicalNames() async throws {
        let snapshot = try await table("table_with_column_mapping").snapshot()
        #expect(snapshot.metadata.columnMappingMode == "name")
        let field = try #require(snapshot.schema.field(named: "Company Very Short"))
        #expect(field.physicalName == "col-173b4db9-b5ad-427f-9e75-516aae37fbbb")
        #expect(field.columnMappingId == 1)
        // Partition values are keyed by physical name in the log, by logical name for users.
        let mapped = try await table("table_with_partitioning_mapping").snapshot()
        let values = try mapped.partitionValues()
        #expect(Set(values.compactMap { $0["newid"] }) == [.integer(1), .integer(2)])
    }
}
