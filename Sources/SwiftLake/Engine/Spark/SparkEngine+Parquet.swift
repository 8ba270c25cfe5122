import Foundation
import SparkConnect

extension SparkEngine {
    /// Writes the rows of `query` (a Spark SQL query over `sources`) as Parquet files with
    /// `compression` (a Spark codec name: `snappy`, `zstd`, `gzip`, `lz4_raw`, `uncompressed`)
    /// into `directory`, which must not exist yet, and waits for the write to finish.
    ///
    /// How many files Spark writes is the query's business: one file needs a query that ends
    /// in a single partition (the `/*+ COALESCE(1) */` hint). Spark's `_SUCCESS` and `.crc`
    /// files land beside the data files.
    func writeParquet(_ query: String, sources: [SparkFileSource], to directory: String, compression: String) async throws {
        do {
            try await prepareSession()
            try await client.write(query, sources: sources, to: directory, format: "parquet", partitionBy: [],
                                   mode: .errorIfExists, options: ["compression": compression], tags: ["swiftlake"])
        } catch {
            let mapped = (error as? SwiftLakeError) ?? SwiftLakeError(spark: error, remote: remote)
            noteFailure(mapped)
            throw mapped
        }
    }
}
