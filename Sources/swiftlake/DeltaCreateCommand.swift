import ArgumentParser
import Foundation
import SwiftLake

/// `swiftlake delta create PATH --column name:type… [--not-null col]… [--partition-by col]…
/// [--property key=value]… [--description TEXT] [--name NAME] [--if-not-exists]`.
struct DeltaCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an empty Delta table.",
        discussion: """
            Types are Delta type names: string, long, integer, short, byte, double, float, \
            boolean, binary, date, timestamp, timestamp_ntz, decimal(p,s). For struct, array \
            and map columns give the whole schema as JSON with --schema.

            Examples:
              swiftlake delta create data/sales --column id:long --column amount:decimal(10,2) \\
                --column region:string --not-null id --partition-by region
              swiftlake delta create data/events --schema '[{"name":"id","type":"long"},{"name":"tags","type":{"type":"array","elementType":"string","containsNull":true}}]'
            """)

    @Argument(help: ArgumentHelp("The table's directory (created with its parents).", valueName: "PATH"))
    var path: String

    @Option(name: .customLong("column"), help: ArgumentHelp("A column, name:type (repeatable, in order).", valueName: "name:type"))
    var columns: [String] = []

    @Option(help: ArgumentHelp("The columns as JSON: [{\"name\", \"type\", \"nullable\"}, …] (instead of --column).", valueName: "JSON"))
    var schema: String?

    @Option(name: .customLong("not-null"), help: ArgumentHelp("Make a column NOT NULL (repeatable).", valueName: "col"))
    var notNull: [String] = []

    @Option(name: .customLong("partition-by"), help: ArgumentHelp("Partition by a column (repeatable, in order).", valueName: "col"))
    var partitionBy: [String] = []

    @Option(name: .customLong("property"), help: ArgumentHelp("A table property (repeatable).", valueName: "key=value"))
    var properties: [String] = []

    @Option(help: ArgumentHelp("The table's description.", valueName: "TEXT"))
    var description: String?

    @Option(help: ArgumentHelp("The table's name.", valueName: "NAME"))
    var name: String?

    @Flag(help: "Succeed without changes when a table already exists.")
    var ifNotExists = false

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if columns.isEmpty == (schema == nil) { throw ValidationError("Give the columns with --column name:type (repeatable) or --schema JSON.") }
        _ = try request()
    }

    /// The core request these arguments describe.
    func request() throws -> DeltaCreateRequest {
        var specs: [DeltaColumnSpec]
        if let schema {
            do { specs = try JSONDecoder().decode([DeltaColumnSpec].self, from: Data(schema.utf8)) } catch {
                throw ValidationError("--schema must be a JSON array of {\"name\", \"type\", \"nullable\"} objects: \(error)")
            }
        } else {
            specs = try columns.map { item in
                guard let colon = item.firstIndex(of: ":"), colon != item.startIndex, item.index(after: colon) != item.endIndex else {
                    throw ValidationError("--column expects name:type, e.g. id:long; got '\(item)'.")
                }
                return DeltaColumnSpec(name: String(item[..<colon]), type: .string(String(item[item.index(after: colon)...])))
            }
        }
        for column in notNull {
            guard let i = specs.firstIndex(where: { $0.name == column }) else { throw ValidationError("--not-null names '\(column)', which is not a column.") }
            specs[i].nullable = false
        }
        let props = try Assignments.parse(properties, flag: "--property", valueName: "VALUE")
        return DeltaCreateRequest(path: LocalOptions.absolute(path), schema: specs, partitionColumns: partitionBy.isEmpty ? nil : partitionBy,
                                  properties: props.isEmpty ? nil : props, description: description, name: name,
                                  ignoreIfExists: ifNotExists ? true : nil)
    }

    func run() async throws {
        let result = try await local.makeLakehouse().deltaCreate(try request())
        try DeltaWriteReport.print(result, format: format)
    }
}
