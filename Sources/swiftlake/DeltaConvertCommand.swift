import ArgumentParser
import SwiftLake

/// `swiftlake delta convert PATH [--partition-by COLUMN:TYPE …] [--format table|json]`.
struct DeltaConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "convert",
        abstract: "Make a directory of Parquet files a Delta table in place (CONVERT TO DELTA).",
        discussion: """
            Version 0 names every *.parquet file (hidden _x and .x names skipped) with its statistics; no \
            data is rewritten. Hive partition directories (k=v/) need --partition-by with the column's \
            Delta type, e.g. --partition-by event_date:date. Files with differing schemas are refused.
            """)

    @Argument(help: ArgumentHelp("The directory of Parquet files.", valueName: "PATH"))
    var path: String

    @Option(help: ArgumentHelp("A Hive partition column and its Delta type (repeat for more).", valueName: "COLUMN:TYPE"))
    var partitionBy: [String] = []

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    /// `--partition-by` as column → type.
    func partitions() throws -> [String: String] {
        var out: [String: String] = [:]
        for item in partitionBy {
            guard let colon = item.firstIndex(of: ":"), colon != item.startIndex, item.index(after: colon) != item.endIndex else {
                throw ValidationError("--partition-by takes COLUMN:TYPE, e.g. event_date:date; got '\(item)'.")
            }
            out[String(item[..<colon])] = String(item[item.index(after: colon)...])
        }
        return out
    }

    func validate() throws { _ = try partitions() }

    func run() async throws {
        let partitions = try partitions()
        let result = try await local.makeLakehouse().deltaConvert(
            DeltaConvertRequest(path: LocalOptions.absolute(path), partitionBy: partitions.isEmpty ? nil : partitions))
        switch format {
        case .json: try Report.printJSON(result)
        case .table:
            try Report.print("converted \(Report.grouped(result.numFiles)) files (\(Report.grouped(Int(result.numRows))) rows, "
                + "\(Report.bytes(Int(result.sizeInBytes)))) into version \(result.version); columns \(result.columns.joined(separator: ", "))"
                + (result.partitionColumns.isEmpty ? "" : "; partitioned by \(result.partitionColumns.joined(separator: ", "))") + "\n")
        }
    }
}
