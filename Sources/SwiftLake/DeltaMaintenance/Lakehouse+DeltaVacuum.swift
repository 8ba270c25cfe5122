import DeltaLake
import Foundation
import ObjectStore

extension Lakehouse {
    /// The default VACUUM retention, in hours (one week, as Spark and delta-rs).
    public static let defaultVacuumRetentionHours: Double = 168

    /// Deletes the data files of a table that its latest version does not use and that were
    /// removed (or, for files the log never knew, written) longer ago than the retention
    /// (see ``VacuumPlan`` for exactly which). With `dryRun` it only lists them.
    ///
    /// As Spark and delta-rs do, a real run is recorded in the table's history with two
    /// commits that carry only `commitInfo`: `VACUUM START` (with `numFilesToDelete`,
    /// `sizeOfDataToDelete`) and `VACUUM END` (with `numDeletedFiles`, status `COMPLETED`).
    /// On tables with writer features SwiftLake cannot commit to (deletion vectors, …) the
    /// files are still vacuumed, without the two history entries.
    ///
    /// - Throws: ``SwiftLakeError``: `unprocessable` when the retention is shorter than the
    ///   table's `delta.deletedFileRetentionDuration` and `enforceRetention` is not false (the
    ///   message says how to force it), `invalidRequest` for a negative retention, `notFound`
    ///   without a table.
    public func deltaVacuum(_ request: DeltaVacuumRequest) async throws -> DeltaVacuumResult {
        let retentionHours = request.retentionHours ?? Self.defaultVacuumRetentionHours
        guard retentionHours >= 0, retentionHours.isFinite else {
            throw SwiftLakeError.invalid("invalid_retention", "'retention_hours' must be 0 or more; got \(retentionHours).")
        }
        let table = try deltaTable(request.path)
        let snapshot = try await deltaSnapshot(table, version: nil, timestamp: nil)
        let settings = DeltaMaintenanceSettings(snapshot.metadata)
        let retentionMillis = Int64((retentionHours * 3_600_000).rounded(.down))
        if request.enforceRetention ?? true, retentionMillis < settings.deletedFileRetentionMillis {
            let tableHours = Double(settings.deletedFileRetentionMillis) / 3_600_000
            throw SwiftLakeError(.unprocessable, code: "retention_too_short",
                "A retention of \(Self.hours(retentionHours)) hours is shorter than the table's delta.deletedFileRetentionDuration (\(Self.hours(tableHours)) hours): files that readers of recent versions, or writers still running, need could be deleted. Use a retention of at least \(Self.hours(tableHours)) hours, or, if no one reads old versions and nothing writes now, pass \"enforce_retention\": false (CLI: --no-enforce-retention).")
        }
        let cutoff = Self.nowMillis() - retentionMillis
        let listing = try await SwiftLakeError.mappingStore("listing \(snapshot.location)") { try await table.store.list(prefix: "") }
        let plan = VacuumPlan(snapshot: snapshot, listing: listing, cutoff: cutoff)
        let bytes = plan.deletions.reduce(Int64(0)) { $0 + $1.size }
        var result = DeltaVacuumResult(dryRun: request.dryRun ?? false, version: snapshot.version, retentionHours: retentionHours,
                                       cutoff: cutoff, files: plan.deletions.map(\.path),
                                       numFilesDeleted: plan.deletions.count, sizeOfDataDeleted: bytes)
        if result.dryRun { return result }

        let parameters: [String: DeltaLake.JSONValue] = [
            "retentionCheckEnabled": .bool(request.enforceRetention ?? true),
            "defaultRetentionMillis": .int(settings.deletedFileRetentionMillis),
            "specifiedRetentionMillis": .int(retentionMillis),
        ]
        try await commitVacuumMarker(table, operation: "VACUUM START", parameters: parameters,
                                     metrics: ["numFilesToDelete": .int(Int64(plan.deletions.count)), "sizeOfDataToDelete": .int(bytes)],
                                     path: request.path)
        var deleted: [ObjectMeta] = []
        for batch in stride(from: 0, to: plan.deletions.count, by: 1000) {
            let chunk = Array(plan.deletions[batch..<min(batch + 1000, plan.deletions.count)])
            try await SwiftLakeError.mappingStore("deleting files of \(snapshot.location)") { try await table.store.delete(chunk.map(\.path)) }
            deleted += chunk
        }
        // Abandoned staging directories of killed writers, now empty (local tables only:
        // object stores have no directories). rmdir(2) leaves any that are not empty.
        if !snapshot.location.contains("://") {
            for directory in plan.emptiedStagingDirectories {
                let full = snapshot.location + "/" + directory
                // Partition folders inside it, deepest first, then the directory itself.
                let inside = (try? FileManager.default.subpathsOfDirectory(atPath: full)) ?? []
                for sub in inside.sorted(by: { $0.count > $1.count }) { rmdir(full + "/" + sub) }
                rmdir(full)
            }
        }
        try await commitVacuumMarker(table, operation: "VACUUM END", parameters: ["status": .string("COMPLETED")],
                                     metrics: ["numDeletedFiles": .int(Int64(deleted.count)), "numVacuumedDirectories": .int(0)],
                                     path: request.path)
        result.files = deleted.map(\.path)
        result.numFilesDeleted = deleted.count
        result.sizeOfDataDeleted = deleted.reduce(0) { $0 + $1.size }
        return result
    }

    /// Commits a `commitInfo`-only VACUUM START/END marker on the latest version.
    private func commitVacuumMarker(_ table: DeltaTable, operation: String, parameters: [String: DeltaLake.JSONValue],
                                    metrics: [String: DeltaLake.JSONValue], path: String) async throws {
        let commit = try await SwiftLakeError.mappingDelta { () -> CommitResult? in
            var txn: Transaction
            do {
                txn = try await table.startTransaction(operation: operation, parameters: parameters)
            } catch let error as DeltaError where error.kind == .unsupportedFeature {
                return nil  // SwiftLake cannot commit to this table; the vacuum itself changes no table state
            }
            txn.recordRead(.nothing)
            return try await txn.commit(metrics: metrics, engineInfo: "SwiftLake/\(Lakehouse.version)")
        }
        if let commit { await deltaCheckpointIfDue(path: path, version: commit.version) }
    }

    /// Hours as short text (`168`, `0.5`).
    static func hours(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(value)
    }
}
