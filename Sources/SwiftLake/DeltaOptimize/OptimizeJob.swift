import DeltaLake
import Foundation

/// One OPTIMIZE between planning and commit, whichever engine rewrites the bins: the plan,
/// the transaction, and the result filled in as files are written.
struct OptimizeJob {
    let table: DeltaTable
    let snapshot: Snapshot
    let targetSize: Int64
    var transaction: Transaction
    /// The files the predicate left (all when there is none).
    let considered: [AddFile]
    let plan: CompactionPlan
    let started: ContinuousClock.Instant
    var result: DeltaOptimizeResult
    private var addedSizes: [Int64] = []
    private var vectorsPurged: Int64 = 0

    init(table: DeltaTable, snapshot: Snapshot, targetSize: Int64, transaction: Transaction, considered: [AddFile],
         plan: CompactionPlan, started: ContinuousClock.Instant) {
        self.table = table
        self.snapshot = snapshot
        self.targetSize = targetSize
        self.transaction = transaction
        self.considered = considered
        self.plan = plan
        self.started = started
        result = DeltaOptimizeResult(version: snapshot.version, committed: false, targetSize: targetSize)
    }

    /// Puts the files written for the bins in the transaction, as `dataChange: false` adds
    /// replacing the bins' files, after checking they hold exactly the rows read (the rows
    /// deletion vectors deleted are not read, so not written: the vectors are purged).
    mutating func record(written: [AddFile]) throws {
        let adds = written.map { add -> AddFile in
            var add = add
            add.dataChange = false
            return add
        }
        let removed = plan.files
        let rowsRead = removed.compactMap { file in file.numRecords.map { $0 - (file.deletionVector?.cardinality ?? 0) } }.reduce(0, +)
        let rowsWritten = adds.compactMap(\.numRecords).reduce(0, +)
        if removed.allSatisfy({ $0.numRecords != nil }) && rowsRead != rowsWritten {
            throw SwiftLakeError(.internal, code: "optimize_row_mismatch",
                "OPTIMIZE read \(rowsRead) rows from \(removed.count) files but wrote \(rowsWritten); nothing was committed. Check the files' statistics (numRecords) against their rows.")
        }
        vectorsPurged = Int64(removed.filter { $0.deletionVector != nil }.count)
        transaction.recordRead(.files(removed.map(\.path)))
        transaction.remove(removed, dataChange: false)
        transaction.add(adds)

        addedSizes = adds.map(\.size).sorted()
        result.numBatches = plan.bins.count
        result.partitionsOptimized = Set(plan.bins.map { CompactionPartitionKey($0.partitionValues) }).count
        result.numFilesAdded = adds.count
        result.numFilesRemoved = removed.count
        result.numBytesAdded = addedSizes.reduce(0, +)
        result.numBytesRemoved = removed.reduce(0) { $0 + $1.size }
        result.rowsRewritten = rowsWritten
        result.minFileSize = addedSizes.first ?? 0
        result.maxFileSize = addedSizes.last ?? 0
    }

    /// Spark's OPTIMIZE metrics for the commit.
    func metrics() -> [String: DeltaLake.JSONValue] {
        let sizes = addedSizes
        func percentile(_ p: Double) -> Int64 { sizes.isEmpty ? 0 : sizes[min(sizes.count - 1, Int(Double(sizes.count - 1) * p))] }
        return Lakehouse.sparkMetrics([
            ("numAddedFiles", Int64(result.numFilesAdded)), ("numRemovedFiles", Int64(result.numFilesRemoved)),
            ("numAddedBytes", result.numBytesAdded), ("numRemovedBytes", result.numBytesRemoved),
            ("minFileSize", result.minFileSize), ("p25FileSize", percentile(0.25)), ("p50FileSize", percentile(0.5)),
            ("p75FileSize", percentile(0.75)), ("maxFileSize", result.maxFileSize), ("numDeletionVectorsRemoved", vectorsPurged),
            ("numBatches", Int64(plan.bins.count)), ("partitionsOptimized", Int64(result.partitionsOptimized)),
            ("totalConsideredFiles", Int64(considered.count)), ("totalFilesSkipped", Int64(considered.count - plan.files.count)),
        ], elapsedMs: (ContinuousClock.now - started).milliseconds)
    }

    /// The result when nothing needed compacting.
    func finishedWithoutCommit() -> DeltaOptimizeResult {
        var result = result
        result.elapsedMs = (ContinuousClock.now - started).milliseconds
        return result
    }

    /// The result after the commit (its version set in ``result``).
    func finishedWithCommit() -> DeltaOptimizeResult {
        var result = result
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
