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
        if request.engine == .spark && spark == nil { throw Self.sparkNotConfigured }
        guard var job = try await prepareOptimize(request) else {
            throw SwiftLakeError.notFound("delta_not_found", "No Delta table at '\(request.path)' (no _delta_log). Check the path.")
        }
        var selected = try selectEngine(request.engine, bytesToScan: job.plan.bins.reduce(0) { $0 + $1.bytes })
        if case .spark = selected, let refusal = SparkDeltaScan.refusal(compacting: job.snapshot, bins: job.plan.bins.map(\.files)) {
            if request.engine == .spark { throw refusal }
            selected = .duckdb
        }
        if case .spark = selected { job.result.engine = SparkEngine.name }
        guard !job.plan.bins.isEmpty else { return job.finishedWithoutCommit() }
        if case .spark(let spark) = selected {
            return try await deltaOptimizeOnSpark(job, spark: spark, progress: progress, beforeCommit: beforeCommit)
        }
        // One scan per bin: each reads exactly its files, rather than one view over every
        // candidate filtered by file name (hashing each row's file name cost a third of a bin).
        var scans: [DeltaTargetScan] = []
        for bin in job.plan.bins { scans.append(try await deltaTargetScan(job.snapshot, files: bin.files)) }
        let snapshot = job.snapshot
        let writer = DataFileWriter(table: job.table, staging: self.duckdb.stagingPath(extension: "delta"), schema: snapshot.schema,
                                    partitionColumns: snapshot.metadata.partitionColumns, configuration: snapshot.metadata.configuration,
                                    targetFileSize: job.targetSize)
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
        do {
            try job.record(written: written)
            if let beforeCommit { try await beforeCommit() }
        } catch {
            writer.discard()
            throw error
        }
        job.result.version = try await commitDelta(job.transaction, metrics: job.metrics(), writer: writer)
        return job.finishedWithCommit()
    }

    /// What both engines do before any file is read: the table (nil when there is none),
    /// checks of the request, the transaction (refusing tables we cannot write), the files
    /// the predicate leaves, and their bins.
    func prepareOptimize(_ request: DeltaOptimizeRequest) async throws -> OptimizeJob? {
        let started = ContinuousClock.now
        if let size = request.targetSize, size <= 0 {
            throw SwiftLakeError.invalid("invalid_target_size", "'target_size' must be a positive number of bytes (e.g. 134217728 for 128 MiB); got \(size).")
        }
        let table = try deltaWriteTable(request.path, create: false)
        guard let snapshot = try await latestSnapshotIfExists(table) else { return nil }
        let targetSize = request.targetSize ?? Int64(snapshot.metadata.configuration["delta.targetFileSize"] ?? "").flatMap { $0 > 0 ? $0 : nil }
            ?? DataFileWriter.defaultTargetFileSize
        let predicate = request.predicate.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let parameters: [String: DeltaLake.JSONValue] = [
            "predicate": .array(predicate.map { [.string($0)] } ?? []), "targetSize": .string(String(targetSize)), "zOrderBy": .array([]),
        ]
        // Refuse tables we cannot write before anything is read or written.
        let transaction = try startDeltaTransaction(table, from: snapshot, operation: "OPTIMIZE", parameters: parameters)
        var considered = snapshot.activeFiles
        if let predicate {
            let filter = PartitionFilter(snapshot: snapshot, predicate: predicate, field: "where")
            let files = considered
            considered = try await duckdb.withConnection { connection in try filter.matching(files, on: connection) }
        }
        return OptimizeJob(table: table, snapshot: snapshot, targetSize: targetSize, transaction: transaction,
                           considered: considered, plan: CompactionPlan(files: considered, targetSize: targetSize), started: started)
    }
}
