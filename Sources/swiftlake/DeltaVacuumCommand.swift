import ArgumentParser
import SwiftLake

/// `swiftlake delta vacuum PATH [--retention-hours H] [--dry-run] [--no-enforce-retention] [--format table|json]`.
struct DeltaVacuumCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vacuum",
        abstract: "Delete data files a Delta table no longer needs (removed longer ago than the retention).",
        discussion: """
            Deletes files the latest version does not use that were removed (or, for files the log never \
            knew, written) more than --retention-hours ago. _delta_log/ and hidden files (_x, .x) are never \
            touched. Versions whose files are deleted can no longer be read by time travel.
            """)

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @Option(help: ArgumentHelp("Keep files removed within the last H hours (default 168, one week).", valueName: "H"))
    var retentionHours: Double?

    @Flag(help: "Only list the files that would be deleted.")
    var dryRun = false

    @Flag(inversion: .prefixedNo,
          help: "Refuse a retention shorter than the table's delta.deletedFileRetentionDuration (on by default).")
    var enforceRetention = true

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func run() async throws {
        let request = DeltaVacuumRequest(path: LocalOptions.absolute(path), retentionHours: retentionHours, dryRun: dryRun,
                                         enforceRetention: enforceRetention)
        let result = try await local.makeLakehouse().deltaVacuum(request)
        switch format {
        case .json: try Report.printJSON(result)
        case .table:
            let verb = result.dryRun ? "would delete" : "deleted"
            var text = result.files.map { "\($0)\n" }.joined()
            text += "\(verb) \(Report.grouped(result.numFilesDeleted)) file\(result.numFilesDeleted == 1 ? "" : "s") "
                + "(\(Report.bytes(Int(result.sizeOfDataDeleted)))) of version \(result.version), retention \(Report.hoursText(result.retentionHours)) hours\n"
            try Report.print(text)
        }
    }
}

extension Report {
    /// Hours as short text (`168`, `0.5`).
    static func hoursText(_ hours: Double) -> String {
        hours.rounded() == hours ? String(Int64(hours)) : String(hours)
    }
}
