import DeltaLake
import Foundation

extension Lakehouse {
    /// OPTIMIZE on Spark, when the request's engine choice picks Spark; `nil` when it picks
    /// DuckDB. Not built yet: an explicit `"engine": "spark"` is refused (422) rather than
    /// run elsewhere, and `auto` runs on DuckDB.
    func deltaOptimizeOnSpark(_ request: DeltaOptimizeRequest, progress: ProgressHandler?) async throws -> DeltaOptimizeResult? {
        try requireDuckDB(request.engine, operation: "OPTIMIZE")
        return nil
    }
}
