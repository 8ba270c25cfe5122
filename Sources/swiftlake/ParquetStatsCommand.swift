import ArgumentParser
import Foundation
import SwiftLake

/// `swiftlake parquet stats PATH… [--sql …] [--format table|json]`: per-column summary.
struct ParquetStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise every column: count, NULLs, distinct values, min, max, mean.",
        discussion: """
            Reads the data (not only the footer), in one scan. With --sql, summarises the \
            result of that query over table t instead.
            """)

    @Argument(help: ArgumentHelp("Parquet files, directories or globs.", valueName: "PATH"))
    var paths: [String] = []

    @Option(help: ArgumentHelp("Summarise this SELECT over table t instead of all of t.", valueName: "SELECT"))
    var sql: String?

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one Parquet file, directory or glob.") }
    }

    func run() async throws {
        let lake = try local.makeLakehouse()
        let request = ParquetStatsRequest(paths: paths.map(LocalOptions.absolute), sql: sql, engine: local.engine)
        let stats = try await ProgressBar.around("summarising", enabled: !local.noProgress) { _ in
            try await lake.stats(request)
        }
        switch format {
        case .json: try Report.printJSON(stats)
        case .table: try Report.print(stats.table)
        }
    }
}

extension ParquetStats {
    /// One line per column, then the row count.
    var table: String {
        let table = TextTable(columns: [
            TextTable.Column("column"), TextTable.Column("type"),
            TextTable.Column("count", alignment: .right), TextTable.Column("nulls", alignment: .right),
            TextTable.Column("distinct≈", alignment: .right),
            TextTable.Column("min"), TextTable.Column("max"), TextTable.Column("mean", alignment: .right),
        ], maxCellWidth: 32)
        let rows = columns.map { column -> [TextTable.Cell] in
            [
                TextTable.Cell(column.name), TextTable.Cell(column.type),
                TextTable.Cell(String(column.count)), TextTable.Cell(String(column.nullCount)),
                TextTable.Cell(column.distinctEstimate.map(String.init) ?? ""),
                Self.cell(column.min), Self.cell(column.max),
                TextTable.Cell(column.mean.map { String(format: "%.6g", $0) } ?? ""),
            ]
        }
        return table.render(rows) + "\(TextTable.rowCount(rowCount)) summarised in \(Report.duration(milliseconds: elapsedMs)) on \(engine)\n"
    }

    private static func cell(_ value: JSONValue?) -> TextTable.Cell {
        guard let value else { return TextTable.Cell("") }
        return TextTable.Cell(value.text, alignment: value.isNumber ? .right : .left)
    }
}
