import ArgumentParser
import Foundation
import SwiftLake

/// `swiftlake delta read PATH [--version N | --timestamp T] [--sql …] [--filter …] [--format …]`:
/// reads a Delta table in-process, exposed to SQL as table `t`.
struct DeltaReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read a Delta table (as table t), at the latest version or back in time.",
        discussion: """
            Column mapping, partition values and deletion vectors are applied. Files whose \
            partition values or statistics cannot match --filter (or the WHERE of --sql) are \
            not opened; the version read and the files scanned and skipped go to stderr.

            Examples:
              swiftlake delta read data/orders_delta --limit 5
              swiftlake delta read data/orders_delta --version 0 \\
                --sql "SELECT region, count(*) FROM t GROUP BY ALL"
              swiftlake delta read data/orders_delta --filter "id = 75" --format json
            """)

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @OptionGroup var when: DeltaVersionOptions

    @Option(help: ArgumentHelp("One SELECT over table t.", valueName: "SELECT"))
    var sql: String?

    @Option(help: ArgumentHelp("Columns to return, comma-separated (repeatable).", valueName: "a,b"))
    var columns: [String] = []

    @Option(help: ArgumentHelp("A SQL predicate over t's columns, e.g. \"id > 10\".", valueName: "PREDICATE"))
    var filter: String?

    @Option(help: ArgumentHelp("A sort key, e.g. \"id DESC\" (repeatable).", valueName: "KEY"))
    var orderBy: [String] = []

    @Option(help: ArgumentHelp("Return at most N rows (default: all).", valueName: "N"))
    var limit: Int?

    @Option(help: ArgumentHelp("table, json, ndjson or csv.", valueName: "FORMAT"))
    var format: RowFormat = .table

    @Option(help: ArgumentHelp("Cut table cells wider than N characters with … (0: never).", valueName: "N"))
    var maxWidth: Int = 40

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if sql != nil && (!columns.isEmpty || filter != nil || !orderBy.isEmpty) {
            throw ValidationError("Give either --sql, or --columns/--filter/--order-by, not both.")
        }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more; got \(limit).") }
        if maxWidth < 0 { throw ValidationError("--max-width must be 0 or more; got \(maxWidth).") }
    }

    /// The core request these arguments describe.
    var request: DeltaReadRequest {
        let list = columns.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        return DeltaReadRequest(path: LocalOptions.absolute(path), version: when.version, timestamp: when.timestamp,
                                sql: sql, columns: list.isEmpty ? nil : list, filter: filter,
                                orderBy: orderBy.isEmpty ? nil : orderBy, limit: limit)
    }

    func run() async throws {
        let lake = try local.makeLakehouse()
        let result = try await lake.deltaRead(request)
        StandardError.write("version \(result.version): \(result.filesScanned) files scanned, \(result.filesSkipped) skipped\n")
        try await RowPrinter(format: format, maxCellWidth: maxWidth, progress: nil).print(result.cursor)
    }
}
