import ArgumentParser
import SwiftLake

/// `swiftlake parquet modify FILE --output OUT [--set col=EXPR]… [--where PRED] [--delete-where PRED]
/// [--add col=EXPR]… [--drop col]… [--rename old=new]… [--overwrite] [--compression C] [--row-group-size N]`.
struct ParquetModifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modify",
        abstract: "Delete, update, add, drop or rename in a Parquet file, writing a new file.",
        discussion: """
            Steps, in order: rows matching --delete-where are removed; --set updates columns \
            (keeping their types) on the rows matching --where (all rows without it); --add \
            appends computed columns; --drop removes columns; --rename renames them. Every \
            expression sees the input row's original values. The output is written to a \
            temporary name and renamed into place, so it appears complete or not at all.

            Examples:
              swiftlake parquet modify sales.parquet --output fixed.parquet \\
                --set "price=price * 1.1" --where "region = 'north'"
              swiftlake parquet modify sales.parquet --output slim.parquet \\
                --delete-where "quantity = 0" --drop discount --rename ts=ordered_at
            """)

    @Argument(help: ArgumentHelp("The Parquet file to change.", valueName: "FILE"))
    var file: String

    @Option(help: ArgumentHelp("The file to write (may be FILE itself with --overwrite).", valueName: "OUT"))
    var output: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a column to a SQL expression (repeatable).", valueName: "col=EXPR"))
    var updates: [String] = []

    @Option(name: .customLong("where"), help: ArgumentHelp("Only --set rows matching this predicate.", valueName: "PREDICATE"))
    var predicate: String?

    @Option(help: ArgumentHelp("Delete rows matching this predicate.", valueName: "PREDICATE"))
    var deleteWhere: String?

    @Option(name: .customLong("add"), help: ArgumentHelp("Add a column computed by a SQL expression (repeatable).", valueName: "col=EXPR"))
    var additions: [String] = []

    @Option(name: .customLong("drop"), help: ArgumentHelp("Remove a column (repeatable).", valueName: "col"))
    var drops: [String] = []

    @Option(name: .customLong("rename"), help: ArgumentHelp("Rename a column (repeatable).", valueName: "old=new"))
    var renames: [String] = []

    @OptionGroup(title: "Output options")
    var write: WriteOptions

    @Option(help: ArgumentHelp("How to print the result: table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if output == nil && !write.overwrite {
            throw ValidationError("Give --output OUT (a new file), or --overwrite to rewrite \(file) in place.")
        }
        if updates.isEmpty && deleteWhere == nil && additions.isEmpty && drops.isEmpty && renames.isEmpty {
            throw ValidationError("Nothing to do: give at least one of --set, --delete-where, --add, --drop or --rename.")
        }
        if predicate != nil && updates.isEmpty {
            throw ValidationError("--where chooses the rows --set changes; give --set too (to delete rows use --delete-where).")
        }
        _ = try request()
    }

    /// The core request these arguments describe.
    func request() throws -> ParquetModifyRequest {
        let updates = try Assignments.parse(updates, flag: "--set")
        let additions = try Assignments.parse(additions, flag: "--add")
        let renames = try Assignments.parse(renames, flag: "--rename", valueName: "NEW")
        return ParquetModifyRequest(
            path: LocalOptions.absolute(file), output: output.map(LocalOptions.absolute), predicate: predicate,
            updates: updates.isEmpty ? nil : updates, deleteWhere: deleteWhere,
            addColumns: additions.isEmpty ? nil : additions, dropColumns: drops.isEmpty ? nil : drops,
            rename: renames.isEmpty ? nil : renames, overwrite: write.overwrite ? true : nil,
            compression: write.compression, rowGroupSize: write.rowGroupSize, engine: local.engine)
    }

    func run() async throws {
        let lake = try local.makeLakehouse()
        let result = try await ProgressBar.around("modifying", enabled: !local.noProgress) { progress in
            try await lake.modify(try request(), progress: progress)
        }
        switch format {
        case .json: try Report.printJSON(result)
        case .table: try Report.print(result.table)
        }
    }
}

extension ParquetModifyResult {
    /// The metrics as a two-column table.
    var table: String {
        Report.facts([
            ("output", output),
            ("rows read", Report.grouped(rowsRead)),
            ("rows deleted", Report.grouped(rowsDeleted)),
            ("rows updated", Report.grouped(rowsUpdated)),
            ("rows written", Report.grouped(rowsWritten)),
            ("columns", Report.columnList(columns)),
            ("bytes written", Report.bytes(bytesWritten)),
            ("engine", engine),
            ("elapsed", Report.duration(milliseconds: elapsedMs)),
        ])
    }
}
