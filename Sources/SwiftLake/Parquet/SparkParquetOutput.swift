import DuckDB
import Foundation
import SparkConnect

/// The one Parquet file of a modify or merge that Spark writes, on its way to an
/// ``OutputDestination``.
///
/// Spark writes a directory (its part files, `_SUCCESS`, checksum files), so the query is
/// written into a private `.swiftlake-spark-<uuid>` directory beside the destination's
/// staging file (beside the output, or in the staging area for an `s3://` output); the
/// single part file is checked (its columns, read back by DuckDB, must be the ones DuckDB
/// would have written) and renamed to the staging file, and the directory is deleted,
/// whether the write worked or not. The destination then commits (renames into place, or
/// uploads) exactly as it does DuckDB's file; on failure the caller discards it, so nothing
/// is left behind.
///
/// Spark must see the directory: a Spark Connect server on this machine, or one sharing the
/// file system (as it must to read the inputs).
struct SparkParquetOutput {
    /// Where Spark writes.
    let directory: String
    /// Where the file goes when it is complete and checked.
    let stagingPath: String

    /// An output for `target`.
    init(for target: OutputDestination) {
        self.init(stagingPath: target.stagingPath)
    }

    /// An output that ends up at `stagingPath` (a new file).
    init(stagingPath: String) {
        self.stagingPath = stagingPath
        let parent = (stagingPath as NSString).deletingLastPathComponent
        directory = parent + "/.swiftlake-spark-" + UUID().uuidString.lowercased()
    }

    /// The Spark codec for `options`, or a refusal of what Spark's writer cannot do as DuckDB
    /// does: a row group size in rows (Spark sizes row groups in bytes, `parquet.block.size`)
    /// and Brotli (not among the codecs Spark ships). DuckDB's `lz4` is LZ4_RAW, as is Spark's
    /// `lz4_raw` (Spark's `lz4` is Hadoop's framing, which DuckDB does not write).
    static func codec(_ options: ParquetWriteOptions) throws -> String {
        if let rows = options.rowGroupSize {
            throw SparkTypeAgreement.unsupported("Spark cannot cut row groups after a number of rows (\"row_group_size\": \(rows)): it sizes them in bytes. Leave out 'row_group_size' to run on Spark.")
        }
        switch options.compression {
        case "brotli":
            throw SparkTypeAgreement.unsupported("Spark has no Brotli codec built in (\"compression\": \"brotli\"); choose snappy, zstd, gzip, lz4_raw or uncompressed to run on Spark.")
        case "lz4", "lz4_raw": return "lz4_raw"
        default: return options.compression
        }
    }

    /// Has Spark write the rows of `query` (over `sources`; it must end in one partition, see
    /// ``SparkEngine/writeParquet(_:sources:to:partitionBy:compression:)``) with `compression`, checks the
    /// file's columns against `expected` (when given) and moves it to the staging path.
    /// Returns its columns and row count (from its footer).
    ///
    /// With `refusingSparkErrors`, a query Spark rejects or fails is 422 `engine_unsupported`
    /// (see ``Lakehouse/sparkCannot(_:_:)``); without, Spark's own error (a 400 for bad SQL).
    func write(_ query: String, sources: [SparkFileSource], compression: String, expected: [ResultColumn]?,
               spark: SparkEngine, duckdb: DuckDBEngine, refusingSparkErrors: Bool = true) async throws -> (columns: [ResultColumn], rows: Int) {
        let directory = directory
        defer { try? FileManager.default.removeItem(atPath: directory) }
        if refusingSparkErrors {
            try await Lakehouse.sparkCannot("write the output") {
                try await spark.writeParquet(query, sources: sources, to: directory, compression: compression)
            }
        } else {
            try await spark.writeParquet(query, sources: sources, to: directory, compression: compression)
        }
        let files = Self.dataFiles(below: directory)
        guard files.count == 1, let file = files.first else {
            throw SwiftLakeError(.internal, code: "spark_output_files",
                                 "Spark wrote \(files.count) Parquet files where it should have written one; nothing was written.")
        }
        let (columns, rows) = try await duckdb.withConnection(parquetFiles: [file]) { connection in
            let columns = try Lakehouse.describe("SELECT * FROM read_parquet(\(SQL.literal(file)))", on: connection)
            let rows = try connection.query("SELECT coalesce(sum(num_rows), 0)::BIGINT FROM parquet_file_metadata(\(SQL.literal(file)))")
                .rows()[0][0].intValue
            return (columns, rows)
        }
        let got = columns.map { "\($0.name) \($0.type)" }
        if let wanted = expected?.map({ "\($0.name) \($0.type)" }), wanted != got {
            throw SparkTypeAgreement.unsupported("Spark's Parquet file has the columns [\(got.joined(separator: ", "))], DuckDB's would have [\(wanted.joined(separator: ", "))]; nothing was written.")
        }
        if rename(file, stagingPath) != 0 {
            let reason = String(cString: strerror(errno))
            throw SwiftLakeError(.internal, code: "rename_failed", "Could not move Spark's file to '\(stagingPath)': \(reason).")
        }
        return (columns, rows)
    }

    /// The Parquet files below `directory` (not `_SUCCESS`, not the hidden `.crc` files).
    static func dataFiles(below directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasSuffix(".parquet"), !name.hasPrefix("."), !name.hasPrefix("_") { files.append(directory + "/" + relative) }
        }
        return files.sorted()
    }
}
