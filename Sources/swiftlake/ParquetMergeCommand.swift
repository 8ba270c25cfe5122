import ArgumentParser
import SwiftLake

/// `swiftlake parquet merge PATH… --output OUT [--dedupe-on col]… [--order-by KEY]…
/// [--partition-by col]… [--compression C] [--row-group-size N] [--overwrite]`.
struct ParquetMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine Parquet files into one file (or one partitioned directory).",
        discussion: """
            Columns are matched by name; a column missing from a file is NULL there, and \
            differing types are widened (INTEGER and BIGINT become BIGINT). With --dedupe-on, \
            one row is kept per key: the first by --order-by when given; among ties, or \
            without it, the row from the file listed last. The output appears complete or not \
            at all.

            Examples:
              swiftlake parquet merge data/batches --output all.parquet --dedupe-on id
              swiftlake parquet merge 'logs/*.parquet' --output by_day \\
                --partition-by day --compression zstd
            """)

    @Argument(help: ArgumentHelp("Input files, directories or globs (in priority order for --dedupe-on).", valueName: "PATH"))
    var paths: [String] = []

    @Option(help: ArgumentHelp("The file (or, with --partition-by, directory) to write.", valueName: "OUT"))
    var output: String

    @Option(help: ArgumentHelp("Keep one row per value of this column (repeatable for a composite key).", valueName: "col"))
    var dedupeOn: [String] = []

    @Option(help: ArgumentHelp("Sort key for the output, e.g. \"ts DESC\" (repeatable).", valueName: "KEY"))
    var orderBy: [String] = []

    @Option(help: ArgumentHelp("Write a Hive-partitioned directory by this column (repeatable).", valueName: "col"))
    var partitionBy: [String] = []

    @OptionGroup(title: "Output options")
    var write: WriteOptions

    @Option(help: ArgumentHelp("How to print the result: table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one Parquet file, directory or glob to merge.") }
    }

    /// The core request these arguments describe.
    var request: ParquetMergeRequest {
        ParquetMergeRequest(
            paths: paths.map(LocalOptions.absolute), output: LocalOptions.absolute(output),
            dedupeOn: dedupeOn.isEmpty ? nil : dedupeOn, orderBy: orderBy.isEmpty ? nil : orderBy,
            partitionBy: partitionBy.isEmpty ? nil : partitionBy, compression: write.compression,
            rowGroupSize: write.rowGroupSize, overwrite: write.overwrite ? true : nil, engine: local.engine)
    }

    func run() async throws {
        let lake = try local.makeLakehouse()
        let result = try await ProgressBar.around("merging", enabled: !local.noProgress) { progress in
            try await lake.merge(request, progress: progress)
        }
        switch format {
        case .json: try Report.printJSON(result)
        case .table: try Report.print(result.table)
        }
    }
}

extension ParquetMergeResult {
    /// The metrics as a two-column table.
    var table: String {
        Report.facts([
            ("output", output),
            ("files merged", String(filesMerged)),
            ("rows read", Report.grouped(rowsRead)),
            ("duplicates removed", Report.grouped(duplicatesRemoved)),
            ("rows written", Report.grouped(rowsWritten)),
            ("columns", Report.columnList(columns)),
            ("bytes written", Report.bytes(bytesWritten)),
            ("engine", engine),
            ("elapsed", Report.duration(milliseconds: elapsedMs)),
        ])
    }
}
