import DeltaLake
import Foundation
import SparkConnect

extension Lakehouse {
    /// OPTIMIZE on Spark: the same bins as on DuckDB (``prepareOptimize(_:)``), each read by
    /// Spark from exactly its files and written back as one file (a `COALESCE(1)` hint: a bin
    /// is at most the target size), whose statistics SwiftLake reads from the footer before
    /// committing the same `OPTIMIZE` (`dataChange: false`) with the same metrics. Progress
    /// is the share of bins written.
    ///
    /// Tables in S3: Spark reads the bins' files from local copies (fetched through the S3
    /// cache) and writes into a local mirror that the commit uploads.
    ///
    /// Rows deleted by deletion vectors are left out of the new files, which have no vectors
    /// (as on DuckDB). Refused (422, before anything is written; `auto` compacts them on
    /// DuckDB): tables with column mapping.
    func deltaOptimizeOnSpark(_ job: OptimizeJob, spark: SparkEngine, progress: ProgressHandler?,
                              beforeCommit: (@Sendable () async throws -> Void)?) async throws -> DeltaOptimizeResult {
        var job = job
        let snapshot = job.snapshot
        if let refusal = SparkDeltaScan.refusal(compacting: snapshot, bins: job.plan.bins.map(\.files)) { throw refusal }
        var leases: [S3FileCache.Lease] = []
        defer { leases.forEach { $0.release() } }
        var scans: [SparkDeltaScan] = []
        for bin in job.plan.bins {
            let (scan, lease) = try await sparkDeltaScan(snapshot, files: bin.files)
            scans.append(scan)
            if let lease { leases.append(lease) }
        }
        let writer = SparkDeltaFileWriter(table: job.table, staging: duckdb.stagingPath(extension: "delta"), schema: snapshot.schema,
                                          partitionColumns: snapshot.metadata.partitionColumns,
                                          configuration: snapshot.metadata.configuration)
        do {
            var written: [AddFile] = []
            for (index, scan) in scans.enumerated() {
                written += try await writer.write(rows: "SELECT /*+ COALESCE(1) */ * FROM t", sources: scan.sources,
                                                  table: scan.table, spark: spark, duckdb: duckdb).adds
                progress?(Double(index + 1) * 100 / Double(scans.count))
            }
            try job.record(written: written)
            if let beforeCommit { try await beforeCommit() }
            job.result.version = try await commitDelta(job.transaction, metrics: job.metrics(), writer: writer.dataFiles)
        } catch {
            writer.discard()
            throw error
        }
        job.result.engine = SparkEngine.name
        return job.finishedWithCommit()
    }
}
