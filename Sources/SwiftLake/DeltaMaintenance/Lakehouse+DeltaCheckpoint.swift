import DeltaLake
import Foundation
import ObjectStore

extension Lakehouse {
    /// Writes a classic checkpoint (`_delta_log/<v>.checkpoint.parquet`) of the table at
    /// `path` at `version` (the latest when `nil`), points `_last_checkpoint` at it, and then,
    /// as Spark does, cleans up log entries older than `delta.logRetentionDuration`.
    ///
    /// The file is written in the engine's staging directory and put in place only if no
    /// checkpoint of that version exists (an existing one is left alone and reported with
    /// ``DeltaCheckpointResult/created`` `false`). `_last_checkpoint` is never moved back to
    /// an older version.
    ///
    /// - Parameter cleanUpLogs: run log cleanup afterwards; `nil` follows the table's
    ///   `delta.enableExpiredLogCleanup` (true unless set to false).
    /// - Throws: ``SwiftLakeError``: `notFound` (no table or version), `unprocessable` (a table
    ///   feature a classic checkpoint cannot serve: `v2Checkpoint`).
    public func deltaCheckpoint(path: String, version: Int64? = nil, cleanUpLogs: Bool? = nil) async throws -> DeltaCheckpointResult {
        let table = try deltaTable(path)
        let snapshot = try await deltaSnapshot(table, version: version, timestamp: nil)
        try Self.refuseClassicCheckpoint(snapshot)
        let content = CheckpointContent(snapshot: snapshot, now: Self.nowMillis())
        let checkpointPath = LogSegment.logDirectory + LogFile.paddedVersion(snapshot.version) + ".checkpoint.parquet"

        let staging = duckdb.stagingPath(extension: "parquet")
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let size = try await DuckDBCheckpointWriter(engine: duckdb).write(content.actions, to: staging)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: staging)))
        let created = try await SwiftLakeError.mappingStore("writing \(checkpointPath)") {
            try await table.store.putIfAbsent(checkpointPath, bytes) == .created
        }
        try await updateLastCheckpoint(table, version: snapshot.version, rows: content.actions.count, bytes: size,
                                       addFiles: content.addCount)

        var result = DeltaCheckpointResult(version: snapshot.version, checkpoint: checkpointPath, created: created,
                                           actions: content.actions.count, numOfAddFiles: content.addCount,
                                           numOfRemoveFiles: content.removeCount, sizeInBytes: size)
        let settings = DeltaMaintenanceSettings(snapshot.metadata)
        if cleanUpLogs ?? settings.expiredLogCleanup {
            result.logCleanup = try await deltaCleanUpLog(table, snapshot: snapshot)
        }
        return result
    }

    /// Checkpoints the table at `path` when `version` (just committed) is a multiple of its
    /// `delta.checkpointInterval` (100 unless set), as Spark and delta-rs do after a commit.
    /// Returns what was done, or `nil` when no checkpoint was due.
    ///
    /// Write paths call this after every successful commit:
    /// `await lakehouse.deltaCheckpointIfDue(path: path, version: result.version)`.
    /// It never throws: the commit already succeeded, and a checkpoint that fails (say, the
    /// disk is full) only means reads replay a few more commits until the next one; the
    /// failure is reported as ``DeltaCheckpointOutcome/failed(_:)``.
    @discardableResult
    public func deltaCheckpointIfDue(path: String, version: Int64) async -> DeltaCheckpointOutcome {
        do {
            let table = try deltaTable(path)
            let snapshot = try await deltaSnapshot(table, version: version, timestamp: nil)
            let interval = DeltaMaintenanceSettings(snapshot.metadata).checkpointInterval
            guard version > 0, version % interval == 0 else { return .notDue }
            return .written(try await deltaCheckpoint(path: path, version: version))
        } catch let error as SwiftLakeError {
            return .failed(error)
        } catch {
            return .failed(SwiftLakeError(.internal, code: "checkpoint_failed", "Checkpointing \(path) at version \(version) failed: \(error)"))
        }
    }

    /// Deletes the log entries of `table` older than its `delta.logRetentionDuration` that no
    /// version inside it needs (see ``LogCleanupPlan``).
    func deltaCleanUpLog(_ table: DeltaTable, snapshot: Snapshot, now: Int64 = Lakehouse.nowMillis()) async throws -> DeltaLogCleanupResult {
        let settings = DeltaMaintenanceSettings(snapshot.metadata)
        let cutoff = now - settings.logRetentionMillis
        if (snapshot.protocol.writerFeatures ?? []).contains("checkpointProtection") {
            return DeltaLogCleanupResult(cutoff: cutoff, deletedFiles: [],
                skipped: "the table has the checkpointProtection feature, whose cleanup rules SwiftLake does not implement; clean up with Spark")
        }
        let files = try await SwiftLakeError.mappingDelta { try await LogSegment.listLog(store: table.store) }
        let plan = LogCleanupPlan(files: files, cutoff: cutoff)
        let paths = plan.deletions.map(\.meta.path)
        if !paths.isEmpty {
            try await SwiftLakeError.mappingStore("deleting expired log entries") { try await table.store.delete(paths) }
            await deltaSnapshots.invalidate(location: table.builder.location)
        }
        let remaining = files.filter { !Set(paths).contains($0.meta.path) }
        return DeltaLogCleanupResult(cutoff: cutoff, deletedFiles: paths,
                                     earliestReadableVersion: LogSegment.availableVersions(remaining)?.lowerBound)
    }

    /// Points `_last_checkpoint` at `version` unless it already names that version or a later one.
    func updateLastCheckpoint(_ table: DeltaTable, version: Int64, rows: Int, bytes: Int64, addFiles: Int) async throws {
        let path = LogSegment.lastCheckpointPath
        if let existing = try? await table.store.get(path), let json = try? DeltaLake.JSONValue.parse(utf8: existing),
           let current = json["version"]?.int64Value, current >= version {
            return
        }
        let hint = DeltaLake.JSONValue.object([
            "version": .int(version), "size": .int(Int64(rows)), "sizeInBytes": .int(bytes), "numOfAddFiles": .int(Int64(addFiles)),
        ])
        try await SwiftLakeError.mappingStore("writing \(path)") { try await table.store.put(path, Array(hint.description.utf8)) }
    }

    /// Refuses tables whose protocol does not allow a classic (v1) checkpoint.
    static func refuseClassicCheckpoint(_ snapshot: Snapshot) throws {
        if (snapshot.protocol.writerFeatures ?? []).contains("v2Checkpoint") {
            throw SwiftLakeError(.unprocessable, code: "unsupported_feature",
                "The table at \(snapshot.location) has the v2Checkpoint feature, so its checkpoints must be v2 checkpoints, which SwiftLake does not write yet. Checkpoint it with Spark or delta-rs.")
        }
    }

    /// Now, in milliseconds since the epoch.
    static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// What ``Lakehouse/deltaCheckpointIfDue(path:version:)`` did.
public enum DeltaCheckpointOutcome: Sendable {
    /// The version is not a multiple of the table's checkpoint interval.
    case notDue
    /// A checkpoint was written (or one was already there).
    case written(DeltaCheckpointResult)
    /// A checkpoint was due but failed; the commit it followed stands.
    case failed(SwiftLakeError)
}

extension SwiftLakeError {
    /// Runs `body`, turning object-store errors into SwiftLake errors that name `what` failed.
    static func mappingStore<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as ObjectStoreError {
            if error.code == .notFound { throw SwiftLakeError(.notFound, code: "file_not_found", "\(what) failed: \(error.message)") }
            if error.code == .permissionDenied {
                throw SwiftLakeError(.forbidden, code: "permission_denied", "\(what) failed: \(error.message)")
            }
            throw SwiftLakeError(.unprocessable, code: "delta_storage", "\(what) failed: \(error.message)")
        }
    }
}
