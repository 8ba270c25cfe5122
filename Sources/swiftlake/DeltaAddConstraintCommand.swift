import ArgumentParser
import SwiftLake

/// `swiftlake delta constraint add PATH NAME EXPRESSION [--format table|json]`.
struct DeltaAddConstraintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add",
        abstract: "Add a CHECK constraint every existing row satisfies; later writes must satisfy it too.",
        discussion: """
            Stored as delta.constraints.<name> (lower case), with the writer protocol upgraded as Delta \
            requires. Refused (nothing committed) when existing rows violate it; a row whose expression \
            is NULL violates it, as in Spark.
            """)

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @Argument(help: ArgumentHelp("The constraint's name (letters, digits, underscores).", valueName: "NAME"))
    var name: String

    @Argument(help: ArgumentHelp("A SQL predicate over the table's columns, e.g. \"amount >= 0\".", valueName: "EXPRESSION"))
    var expression: String

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func run() async throws {
        let result = try await local.makeLakehouse().deltaAddConstraint(path: LocalOptions.absolute(path), name: name, expression: expression)
        switch format {
        case .json: try Report.printJSON(result)
        case .table:
            try Report.print("version \(result.version): added CHECK constraint \(result.name) (\(result.expression ?? "")), "
                + "\(Report.grouped(Int(result.rowsChecked))) rows checked\n")
        }
    }
}
