import ArgumentParser
import SwiftLake

/// `swiftlake delta update PATH --set col=EXPR… [--where PREDICATE]`.
struct DeltaUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Set columns of a Delta table's rows to SQL expressions.",
        discussion: """
            Only files with matching rows are rewritten. Expressions see the row's current values.

            Example:
              swiftlake delta update data/sales --set "amount=amount * 1.1" --where "region = 'north'"
            """)

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a column to a SQL expression (repeatable).", valueName: "col=EXPR"))
    var updates: [String] = []

    @Option(name: .customLong("where"), help: ArgumentHelp("Only change rows matching this predicate.", valueName: "PREDICATE"))
    var predicate: String?

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if updates.isEmpty { throw ValidationError("Give at least one --set col=EXPR.") }
        _ = try Assignments.parse(updates, flag: "--set")
    }

    func run() async throws {
        let sets = try Assignments.parse(updates, flag: "--set")
        let lake = try local.makeLakehouse()
        let result = try await ProgressBar.around("updating", enabled: !local.noProgress) { progress in
            try await lake.deltaUpdate(DeltaUpdateRequest(path: LocalOptions.absolute(path), predicate: predicate, updates: sets, engine: local.engine), progress: progress)
        }
        try DeltaWriteReport.print(result, format: format)
    }
}
