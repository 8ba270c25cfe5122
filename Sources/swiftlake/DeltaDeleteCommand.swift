import ArgumentParser
import SwiftLake

/// `swiftlake delta delete PATH (--where PREDICATE | --all)`.
struct DeltaDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete rows of a Delta table.",
        discussion: """
            Only files with matching rows change: wholly matching files are removed, partly \
            matching ones rewritten without those rows. Earlier versions stay readable.

            Example:
              swiftlake delta delete data/sales --where "amount < 1"
            """)

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @Option(name: .customLong("where"), help: ArgumentHelp("Delete the rows matching this SQL predicate.", valueName: "PREDICATE"))
    var predicate: String?

    @Flag(help: "Delete every row (instead of --where).")
    var all = false

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if (predicate == nil) == !all { throw ValidationError("Give --where PREDICATE, or --all to delete every row.") }
    }

    func run() async throws {
        let lake = try local.makeLakehouse()
        let result = try await ProgressBar.around("deleting", enabled: !local.noProgress) { progress in
            try await lake.deltaDelete(DeltaDeleteRequest(path: LocalOptions.absolute(path), predicate: predicate, engine: local.engine), progress: progress)
        }
        try DeltaWriteReport.print(result, format: format)
    }
}
