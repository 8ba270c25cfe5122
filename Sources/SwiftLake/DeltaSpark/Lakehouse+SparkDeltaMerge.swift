import DeltaLake
import Foundation

extension Lakehouse {
    /// MERGE on Spark, when the request's engine choice picks Spark; `nil` when it picks
    /// DuckDB. Not built yet: an explicit `"engine": "spark"` is refused (422) rather than
    /// run elsewhere, and `auto` runs on DuckDB.
    func deltaMergeOnSpark(_ request: DeltaMergeRequest, progress: ProgressHandler?) async throws -> DeltaMergeResult? {
        try requireDuckDB(request.engine, operation: "MERGE")
        return nil
    }
}
