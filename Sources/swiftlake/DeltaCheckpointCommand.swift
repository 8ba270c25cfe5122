import ArgumentParser
import SwiftLake

/// `swiftlake delta checkpoint PATH [--version N] [--no-cleanup-logs] [--format table|json]`.
struct DeltaCheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoint",
        abstract: "Write a Parquet checkpoint of a Delta table, then clean up expired log entries.",
        discussion: """
            Writes _delta_log/<version>.checkpoint.parquet (an existing one is left alone) and points \
            _delta_log/_last_checkpoint at it. Log entries older than delta.logRetentionDuration (30 days) \
            that no newer version needs are then deleted, unless the table sets \
            delta.enableExpiredLogCleanup=false or --no-cleanup-logs is given.
            """)

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @Option(help: ArgumentHelp("Checkpoint this version (default: the latest).", valueName: "N"))
    var version: Int64?

    @Flag(inversion: .prefixedNo, help: "Clean up expired log entries afterwards (default: the table's delta.enableExpiredLogCleanup).")
    var cleanupLogs: Bool?

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func run() async throws {
        let result = try await local.makeLakehouse().deltaCheckpoint(path: LocalOptions.absolute(path), version: version,
                                                                     cleanUpLogs: cleanupLogs)
        switch format {
        case .json: try Report.printJSON(result)
        case .table:
            var facts = [("version", String(result.version)), ("checkpoint", result.checkpoint),
                         ("written", result.created ? "yes" : "no (one was already there)"),
                         ("actions", Report.grouped(result.actions)), ("active files", Report.grouped(result.numOfAddFiles)),
                         ("tombstones", Report.grouped(result.numOfRemoveFiles)), ("size", Report.bytes(Int(result.sizeInBytes)))]
            if let cleanup = result.logCleanup {
                facts.append(("log entries deleted", cleanup.skipped ?? Report.grouped(cleanup.deletedFiles.count)))
                if let earliest = cleanup.earliestReadableVersion { facts.append(("earliest readable version", String(earliest))) }
            }
            try Report.print(Report.facts(facts))
        }
    }
}
