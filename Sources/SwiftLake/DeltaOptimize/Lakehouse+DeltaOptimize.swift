import DeltaLake
import DuckDB
import Foundation

extension Lakehouse {
    /// Compacts small files (OPTIMIZE, bin-packing): in each partition, files smaller than the
    /// target size are packed into bins of up to that size (``CompactionPlan``), and each bin
    /// of two or more files is rewritten as new files with statistics. Rows do not change.
    ///
    /// - `predicate` (request `where`) limits it to partitions whose values match; it may only
    ///   use partition columns (a data column is a 400 saying so).
    /// - The commit is an `OPTIMIZE` whose adds and removes have `dataChange: false`, with
    ///   Spark's parameters (`predicate`, `targetSize`, `zOrderBy`) and metrics
    ///   (`numAddedFiles`, `numRemovedFiles`, `numAddedBytes`, `numRemovedBytes`,
    ///   `minFileSize`, `p25FileSize`, `p50FileSize`, `p75FileSize`, `maxFileSize`,
    ///   `numBatches`, …). It records that it read exactly the compacted files: appends
    ///   committed meanwhile do not conflict, a concurrent removal of a compacted file is a
    ///   409 (`commit_conflict`) and the written files are deleted.
    /// - With nothing to compact nothing is committed (`committed` false).
    /// - Rows deleted by deletion vectors are dropped as files are compacted: the new files
    ///   have no vectors (`numDeletionVectorsRemoved` counts the vectors purged).
    /// - Tables SwiftLake cannot write (column mapping, …) are a 422.
    public func deltaOptimize(_ request: DeltaOptimizeRequest, progress: ProgressHandler? = nil) async throws -> DeltaOptimizeResult {
        try await deltaOptimize(request, progress: progress, beforeCommit: nil)
    }

    /// ``deltaOptimize(_:progress:)`` with `beforeCommit` run after the files are written and
    /// before the commit (tests use it to commit concurrently).
    func deltaOptimize(_ request: DeltaOptimizeRequest, progress: ProgressHandler?,
                       beforeCommit: (@Sendable () async throws -> Void)?) async throws -> DeltaOptimizeResult {
        if let result = try await deltaOptimizeOnSpark(request, progress: progress) { return result }
        let started = ContinuousClock.now
        if let size = request.targetSize, size <= 0 {
            throw SwiftLakeError.invalid("invalid_target_size", "'target_size' must be a positive number of bytes (e.g. 134217728 for 128 MiB); got \(size).")
        }
        let table = try deltaWriteTable(request.path, create: false)
        guard let snapshot = try await latestSnapshotIfExists(table) else {
            throw SwiftLakeError.notFound("delta_not_found", "No Delta table at '\(request.path)' (no _delta_log). Check the path.")
        }
        let targetSize = request.targetSize ?? Int64(snapshot.metadata.configuration["delta.targetFileSize"] ?? "").flatMap { $0 > 0 ? $0 : nil }
            ?? DataFileWriter.defaultTargetFileSize
        let predicate = request.predicate.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let parameters: [String: DeltaLake.JSONValue] = [
            "predicate": .array(predicate.map { [.string($0)] } ?? []), "targetSize": .string(String(targetSize)), "zOrderBy": .array([]),
        ]
        // Refuse tables we cannot write before anything is read or written.
        var transaction = try startDeltaTransaction(table, from: snapshot, operation: "OPTIMIZE", parameters: parameters)
        var result = DeltaOptimizeResult(version: snapshot.version, committed: false, targetSize: targetSize)

        var considered = snapshot.activeFiles
        if let predicate {
            let filter = PartitionFilter(snapshot: snapshot, predicate: predicate, field: "where")
            let files = considered
            considered = try await duckdb.withConnection { connection in try filter.matching(files, on: connection) }
        }
        let plan = CompactionPlan(files: considered, targetSize: targetSize)
        guard !plan.bins.isEmpty else {
            result.elapsedMs = (ContinuousClock.now - started).milliseconds
            return result
        }
        // One scan per bin: each reads exactly its files, rather than one view over every
        // candidate filtered by file name (hashing each row's file name cost a third of a bin).
        var scans: [DeltaTargetScan] = []
        for bin in plan.bins { scans.append(try await deltaTargetScan(snapshot, files: bin.files)) }
        let writer = DataFileWriter(table: table, staging: self.duckdb.stagingPath(extension: "delta"), schema: snapshot.schema,
                                    partitionColumns: snapshot.metadata.partitionColumns, configuration: snapshot.metadata.configuration,
                                    targetFileSize: targetSize)
        let bins = plan.bins
        let binScans = scans
        let written = try await withDeltaWriter(writer, progress: progress) { connection -> [AddFile] in
            let file = SQL.identifier(DeltaTargetScan.fileColumn)
            var adds: [AddFile] = []
            for scan in binScans {
                defer { try? connection.execute(scan.teardown()) }
                try scan.setup(on: connection)
                adds += try writer.write(relation: "(SELECT * EXCLUDE (\(file)) FROM \(scan.view))", on: connection)
            }
            return adds
        }
        let adds = written.map { add -> AddFile in
            var add = add
            add.dataChange = false
            return add
        }
        let removed = plan.files
        // Rows deleted by a file's deletion vector are not read, so not written: the vector is purged.
        let rowsRead = removed.compactMap { file in file.numRecords.map { $0 - (file.deletionVector?.cardinality ?? 0) } }.reduce(0, +)
        let vectorsPurged = Int64(removed.filter { $0.deletionVector != nil }.count)
        let rowsWritten = adds.compactMap(\.numRecords).reduce(0, +)
        if removed.allSatisfy({ $0.numRecords != nil }) && rowsRead != rowsWritten {
            writer.discard()
            throw SwiftLakeError(.internal, code: "optimize_row_mismatch",
                "OPTIMIZE read \(rowsRead) rows from \(removed.count) files but wrote \(rowsWritten); nothing was committed. Check the files' statistics (numRecords) against their rows.")
        }
        transaction.recordRead(.files(removed.map(\.path)))
        transaction.remove(removed, dataChange: false)
        transaction.add(adds)

        let sizes = adds.map(\.size).sorted()
        func percentile(_ p: Double) -> Int64 { sizes.isEmpty ? 0 : sizes[min(sizes.count - 1, Int(Double(sizes.count - 1) * p))] }
        result.numBatches = bins.count
        result.partitionsOptimized = Set(bins.map { CompactionPartitionKey($0.partitionValues) }).count
        result.numFilesAdded = adds.count
        result.numFilesRemoved = removed.count
        result.numBytesAdded = sizes.reduce(0, +)
        result.numBytesRemoved = removed.reduce(0) { $0 + $1.size }
        result.rowsRewritten = rowsWritten
        result.minFileSize = sizes.first ?? 0
        result.maxFileSize = sizes.last ?? 0
        let metrics = Self.sparkMetrics([
            ("numAddedFiles", Int64(adds.count)), ("numRemovedFiles", Int64(removed.count)),
            ("numAddedBytes", result.numBytesAdded), ("numRemovedBytes", result.numBytesRemoved),
            ("minFileSize", result.minFileSize), ("p25FileSize", percentile(0.25)), ("p50FileSize", percentile(0.5)),
            ("p75FileSize", percentile(0.75)), ("maxFileSize", result.maxFileSize), ("numDeletionVectorsRemoved", vectorsPurged),
            ("numBatches", Int64(bins.count)), ("partitionsOptimized", Int64(result.partitionsOptimized)),
            ("totalConsideredFiles", Int64(considered.count)), ("totalFilesSkipped", Int64(considered.count - removed.count)),
        ], elapsedMs: (ContinuousClock.now - started).milliseconds)
        if let beforeCommit {
            do { try await beforeCommit() } catch {
                writer.discard()
                throw error
            }
        }
        result.version = try await commitDelta(transaction, metrics: metrics, writer: writer)
        result.committed = true
        result.elapsedMs = (ContinuousClock.now - started).milliseconds
        return result
    }
}

/// A partition's values as a hashable key.
private struct CompactionPartitionKey: Hashable {
    let values: [String: String?]
    init(_ values: [String: String?]) { self.values = values }
}
