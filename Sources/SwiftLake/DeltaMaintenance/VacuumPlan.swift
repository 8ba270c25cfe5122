import DeltaLake
import Foundation
import ObjectStore

/// Which files VACUUM deletes from a table's directory (Delta's `VacuumCommand`).
///
/// A file is kept when it is
/// - in `_delta_log/`, or below any hidden directory or named hidden (a path component that
///   starts with `_` or `.`, except partition directories `<column>=…` of a partition column
///   that itself starts with `_`);
/// - an active file of the latest snapshot, or its deletion vector file;
/// - a tombstone (a removed file still in the log) deleted after the cutoff, or its deletion
///   vector file: a version inside the retention may still read it;
/// - modified after the cutoff (it may belong to a write still in progress).
/// Everything else is deleted: files removed before the cutoff, and files the log never
/// knew (failed writes) older than the cutoff. SwiftLake's own staging directories at the
/// table root (`_swiftlake-write-…`, left by a writer that was killed) are not hidden from
/// VACUUM: their files are such unknown files.
struct VacuumPlan: Sendable {
    /// The files to delete, relative to the table root, sorted.
    let deletions: [ObjectMeta]

    /// Plans a vacuum of `listing` (every object below the table root) for the table at
    /// `snapshot` (its latest version), deleting what was removed or written before `cutoff`.
    init(snapshot: Snapshot, listing: [ObjectMeta], cutoff: Int64) {
        let partitionColumns = Self.partitionDirectoryNames(snapshot)
        var valid = Set<String>()
        func keep(_ path: String, _ vector: DeletionVectorDescriptor?) {
            if let relative = Self.relativePath(path, tableRoot: snapshot.location) { valid.insert(relative) }
            if let vector, let file = try? vector.filePath(),
               let relative = Self.relativePath(file, tableRoot: snapshot.location, encoded: false) {
                valid.insert(relative)
            }
        }
        for file in snapshot.activeFiles { keep(file.path, file.deletionVector) }
        for tombstone in snapshot.tombstones where (tombstone.deletionTimestamp ?? 0) > cutoff {
            keep(tombstone.path, tombstone.deletionVector)
        }
        deletions = listing.filter { object in
            !Self.isHidden(object.path, partitionColumns: partitionColumns)
                && !valid.contains(object.path)
                && object.lastModifiedMillis < cutoff
        }.sorted { $0.path < $1.path }
    }

    /// Whether `path` is in the log or hidden (see the type's documentation).
    static func isHidden(_ path: String, partitionColumns: [String]) -> Bool {
        let components = path.split(separator: "/")
        for (index, component) in components.enumerated() where component.hasPrefix("_") || component.hasPrefix(".") {
            let isDirectory = index < components.count - 1
            if isDirectory, index == 0, component.hasPrefix(DataFileWriter.stagingPrefix) { continue }
            if isDirectory, component.hasPrefix("_"), partitionColumns.contains(where: { component.hasPrefix($0 + "=") }) {
                continue
            }
            return true
        }
        return false
    }

    /// SwiftLake staging directories (relative to the table root) that `deletions` empties,
    /// to be removed after them.
    var emptiedStagingDirectories: [String] {
        Set(deletions.compactMap { object -> String? in
            guard let first = object.path.split(separator: "/").first, first.hasPrefix(DataFileWriter.stagingPrefix) else { return nil }
            return String(first)
        }).sorted()
    }

    /// The names partition directories start with (physical column names), for `isHidden`.
    static func partitionDirectoryNames(_ snapshot: Snapshot) -> [String] {
        snapshot.metadata.partitionColumns.flatMap { column -> [String] in
            let physical = snapshot.schema.field(named: column)?.physicalName
            return [column] + (physical.map { [$0] } ?? [])
        }
    }

    /// A log path as a path relative to the table root, as listings name files: relative
    /// paths percent-decoded (when `encoded`), absolute ones inside the table made relative;
    /// `nil` for files outside the table (VACUUM never touches them).
    static func relativePath(_ path: String, tableRoot: String, encoded: Bool = true) -> String? {
        var path = path
        if path.hasPrefix("file://") {
            path = URL(string: path)?.path ?? String(path.dropFirst(7))
        } else if path.contains("://") {
            return nil
        } else if encoded {
            path = path.removingPercentEncoding ?? path
        }
        guard path.hasPrefix("/") else { return path }
        let root = tableRoot.hasPrefix("file://") ? (URL(string: tableRoot)?.path ?? tableRoot) : tableRoot
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }
}
