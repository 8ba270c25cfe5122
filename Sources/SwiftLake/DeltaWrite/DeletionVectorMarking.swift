import DeltaLake
import DuckDB
import Foundation
import ObjectStore

/// What DELETE, UPDATE and MERGE do instead of rewriting a file when the table has deletion
/// vectors enabled (merge-on-read): the rows they delete or rewrite are marked in a new
/// deletion vector for the file, the union of its old vector and the new rows. All the
/// commit's vectors go into one deletion vector file; each file is removed with its old
/// descriptor and re-added (same path, same stats with `tightBounds: false`) with the new one.
struct DeletionVectorMarking: Sendable {
    /// The files re-added with new vectors: the old entry (removed) and the new one (added).
    var replaced: [(old: AddFile, new: AddFile)] = []
    /// The deletion vector file written, relative to the table root (nil when none was).
    var file: String?
    /// Spark's metrics: vectors written, old vectors that left the table (replaced, or their
    /// file removed), files whose existing vector was replaced by a larger one.
    var added: Int64 = 0
    var removed: Int64 = 0
    var updated: Int64 = 0

    /// Row indexes (positions in their files) of the rows of `files` (absolute paths) in
    /// `scan`'s view that match `filter`, by file. The scan must expose its row index.
    static func rowIndexes(in scan: DeltaTargetScan, files: [String], filter: String, on connection: Connection) throws -> [String: [UInt64]] {
        guard !files.isEmpty else { return [:] }
        let file = SQL.identifier(DeltaTargetScan.fileColumn), row = SQL.identifier(DeltaTargetScan.rowIndexColumn)
        return try collect(connection.query("""
            SELECT \(file), \(row) FROM \(scan.view)
            WHERE \(file) IN (SELECT unnest(\(SQL.list(files)))) AND (\(filter))
            """))
    }

    /// Physical row counts (from the Parquet footers) of those of `files` (absolute paths of
    /// `scan`'s files) whose log entry has no `numRecords`, which a file with a deletion
    /// vector must record.
    static func missingRowCounts(in scan: DeltaTargetScan, files: [String], on connection: Connection) throws -> [String: Int64] {
        let wanted = Set(files)
        let missing = scan.files.filter { wanted.contains($0.path) && $0.add.numRecords == nil }.map(\.path)
        guard !missing.isEmpty else { return [:] }
        var counts: [String: Int64] = [:]
        for row in try connection.query("SELECT file_name, sum(num_rows) FROM parquet_file_metadata(\(SQL.list(missing))) GROUP BY 1").rows() {
            if case .varchar(let path) = row[0] { counts[path] = Int64(row[1].intValue) }
        }
        return counts
    }

    /// (file, row index) pairs of a query's first two columns, grouped by file.
    static func collect(_ result: QueryResult) throws -> [String: [UInt64]] {
        var rows: [String: [UInt64]] = [:]
        while let chunk = try result.nextChunk() {
            for pair in chunk.rows {
                guard case .varchar(let path) = pair[0] else { continue }
                switch pair[1] {
                case .bigint(let i): rows[path, default: []].append(UInt64(i))
                case .ubigint(let u): rows[path, default: []].append(u)
                case .integer(let i): rows[path, default: []].append(UInt64(i))
                default: continue
                }
            }
        }
        return rows
    }

    /// Writes one deletion vector file for `marked` (absolute path → newly deleted row
    /// indexes, files of `scan`) into `store` (rooted at the table) and returns the re-added
    /// files. `removedWhole` are files the commit removes outright (counted in ``removed``
    /// when they had a vector). Nothing is written when `marked` is empty.
    static func write(_ marked: [String: [UInt64]], scan: DeltaTargetScan, removedWhole: [AddFile],
                      physicalRows: [String: Int64] = [:], store: any ObjectStore) async throws -> DeletionVectorMarking {
        var marking = DeletionVectorMarking()
        marking.removed = Int64(removedWhole.filter { $0.deletionVector != nil }.count)
        let byPath = Dictionary(scan.files.map { ($0.path, $0.add) }, uniquingKeysWith: { first, _ in first })
        var file = DeletionVectorFile()
        var olds: [AddFile] = [], counted: [AddFile] = []
        for path in marked.keys.sorted() {
            guard let old = byPath[path], let rows = marked[path], !rows.isEmpty else { continue }
            file.append(rows: (scan.deletedRows[path] ?? []) + rows)
            olds.append(old)
            var withCount = old
            if old.numRecords == nil, let count = physicalRows[path] { withCount.stats = "{\"numRecords\":\(count)}" }
            counted.append(withCount)
        }
        guard !olds.isEmpty else { return marking }
        let written = try await SwiftLakeError.mappingDelta { try await file.write(to: store) }
        marking.file = written.path
        for ((old, withCount), descriptor) in zip(zip(olds, counted), written.descriptors) {
            marking.replaced.append((old, withCount.withDeletionVector(descriptor)))
            marking.added += 1
            if old.deletionVector != nil {
                marking.removed += 1
                marking.updated += 1
            }
        }
        return marking
    }

    /// Deletes the deletion vector file (after a failed commit), leaving the table as it was.
    func discard(from store: any ObjectStore) async {
        if let file { try? await store.delete([file]) }
    }

    /// The metrics under Spark's names, with `prefix` (`""` for DELETE/UPDATE, `"Target"` for
    /// MERGE: `numTargetDeletionVectorsAdded`, …).
    func metrics(prefix: String = "") -> [(String, Int64)] {
        [("num\(prefix)DeletionVectorsAdded", added), ("num\(prefix)DeletionVectorsRemoved", removed),
         ("num\(prefix)DeletionVectorsUpdated", updated)]
    }
}
