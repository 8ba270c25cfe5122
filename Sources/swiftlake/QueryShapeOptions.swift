import ArgumentParser
import Foundation

/// The options that shape a query's result, shared by `query` and `delta read`: either one
/// SELECT over table `t`, or columns, a filter and sort keys; a row limit; how rows print.
struct QueryShapeOptions: ParsableArguments {
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

    /// Column names from `--columns a,b --columns c`.
    var columnList: [String]? {
        let list = columns.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        return list.isEmpty ? nil : list
    }

    /// Sort keys, or nil when none were given.
    var orderByList: [String]? { orderBy.isEmpty ? nil : orderBy }

    func validate() throws {
        if sql != nil && (!columns.isEmpty || filter != nil || !orderBy.isEmpty) {
            throw ValidationError("Give either --sql, or --columns/--filter/--order-by, not both.")
        }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more; got \(limit).") }
        if maxWidth < 0 { throw ValidationError("--max-width must be 0 or more; got \(maxWidth).") }
    }
}
