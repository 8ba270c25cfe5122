import DeltaLake
import Foundation
import ObjectStore

extension Lakehouse {
    /// Restores the table at `path` to its state at `version` or `timestamp` (give one) with
    /// a new RESTORE commit: the files active now but not then are removed, the files active
    /// then but not now are added back (`dataChange: true`, so readers of changes see them),
    /// the metadata becomes the target's and the protocol is kept or upgraded, never
    /// downgraded. Older versions stay readable by time travel.
    ///
    /// The commit records Spark's RESTORE metrics (`numRestoredFiles`, `numRemovedFiles`,
    /// `restoredFilesSize`, `removedFilesSize`, `numOfFilesAfterRestore`,
    /// `tableSizeAfterRestore`) and is followed by a checkpoint when one is due.
    ///
    /// - Throws: ``SwiftLakeError``: `invalidRequest` without a version or timestamp;
    ///   `notFound` (no table, version or time); `unprocessable` when a file to re-add no
    ///   longer exists (VACUUM deleted it), naming the files, or the table has writer
    ///   features SwiftLake cannot write; `conflict` when a concurrent commit conflicts.
    public func deltaRestore(path: String, version: Int64? = nil, timestamp: String? = nil) async throws -> DeltaRestoreResult {
        guard version != nil || timestamp != nil else {
            throw SwiftLakeError.invalid("missing_version",
                "Say what to restore: give 'version' (a number from the table's history) or 'timestamp'.")
        }
        let table = try deltaTable(path)
        let target = try await deltaSnapshot(table, version: version, timestamp: timestamp)
        let latest = try await deltaSnapshot(table, version: nil, timestamp: nil)
        let plan = RestorePlan(latest: latest, target: target)
        try await Self.refuseMissingFiles(plan.toAdd, of: target, store: table.store)

        let commit = try await SwiftLakeError.mappingDelta {
            var txn = try table.startTransaction(from: latest, operation: "RESTORE", parameters: [
                "version": version.map { .int($0) } ?? .null,
                "timestamp": timestamp.map { .string($0) } ?? .null,
            ])
            if let proto = plan.protocol { try txn.updateProtocol(proto) }
            if let metadata = plan.metadata { try txn.updateMetadata(metadata) }
            txn.remove(plan.toRemove, dataChange: true)
            txn.add(plan.toAdd)
            return try await txn.commit(metrics: [
                "numRestoredFiles": .int(Int64(plan.toAdd.count)),
                "numRemovedFiles": .int(Int64(plan.toRemove.count)),
                "restoredFilesSize": .int(plan.toAdd.reduce(0) { $0 + $1.size }),
                "removedFilesSize": .int(plan.toRemove.reduce(0) { $0 + $1.size }),
                "numOfFilesAfterRestore": .int(Int64(target.activeFiles.count)),
                "tableSizeAfterRestore": .int(target.totalBytes),
            ], engineInfo: "SwiftLake/\(Lakehouse.version)")
        }
        await deltaCheckpointIfDue(path: path, version: commit.version)
        return DeltaRestoreResult(
            version: commit.version, restoredVersion: target.version,
            numRestoredFiles: plan.toAdd.count, numRemovedFiles: plan.toRemove.count,
            restoredFilesSize: plan.toAdd.reduce(0) { $0 + $1.size }, removedFilesSize: plan.toRemove.reduce(0) { $0 + $1.size },
            numOfFilesAfterRestore: target.activeFiles.count, tableSizeAfterRestore: target.totalBytes)
    }

    /// Refuses a restore that would re-add files (or deletion vectors) that are gone.
    static func refuseMissingFiles(_ files: [AddFile], of target: Snapshot, store: any ObjectStore) async throws {
        var missing: [String] = []
        for file in files {
            var needed = [target.absolutePath(of: file.path)]
            if let vector = try? file.deletionVector?.absolutePath(tableRoot: target.location) { needed.append(vector) }
            for path in needed {
                if path.hasPrefix(target.location + "/"), !(store is LocalStore) {
                    // An object store: the object below the table (names are not percent-encoded there).
                    let key = String(path.dropFirst(target.location.count + 1))
                    let exists = try await SwiftLakeError.mappingStore("checking \(path)") { try await store.head(key.removingPercentEncoding ?? key) != nil }
                    if !exists { missing.append(file.path) }
                    continue
                }
                let local = path.hasPrefix("file://") ? (URL(string: path)?.path ?? String(path.dropFirst(7))) : path
                if !FileManager.default.fileExists(atPath: local) { missing.append(file.path) }
            }
        }
        guard !missing.isEmpty else { return }
        let shown = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", … (\(missing.count) in all)" : "")
        throw SwiftLakeError(.unprocessable, code: "restore_files_missing",
            "Cannot restore version \(target.version): \(missing.count) of the files it needs no longer exist (VACUUM deleted them): \(shown). Restore a later version whose files are still there (see 'delta history'), or put the files back.")
    }
}
