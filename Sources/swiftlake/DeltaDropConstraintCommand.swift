import ArgumentParser
import SwiftLake

/// `swiftlake delta constraint drop PATH NAME [--if-exists] [--format table|json]`.
struct DeltaDropConstraintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drop",
        abstract: "Drop a CHECK constraint of a Delta table.")

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @Argument(help: ArgumentHelp("The constraint's name.", valueName: "NAME"))
    var name: String

    @Flag(help: "Succeed without a commit when the table has no such constraint.")
    var ifExists = false

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func run() async throws {
        let result = try await local.makeLakehouse().deltaDropConstraint(path: LocalOptions.absolute(path), name: name, ifExists: ifExists)
        switch format {
        case .json: try Report.printJSON(result)
        case .table:
            try Report.print(result.committed ? "version \(result.version): dropped CHECK constraint \(result.name) (\(result.expression ?? ""))\n"
                                              : "no CHECK constraint \(result.name); nothing changed\n")
        }
    }
}
