import ArgumentParser
import Foundation
import SwiftLake

/// `swiftlake delta write PATH (--rows JSON | --rows-file FILE | --source PARQUET… | --source-delta TABLE | --sql SQL) [--sql SQL]
/// [--mode append|overwrite|error|ignore] [--partition-by col]… [--replace-where PRED] [--merge-schema]`.
struct DeltaWriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Append or overwrite rows of a Delta table (created when missing).",
        discussion: """
            The rows come from --rows (a JSON array of objects), --rows-file (a file of one \
            JSON array, or one object per line), --source (Parquet files, directories or \
            globs) or --source-delta (another Delta table, at --source-version or its latest), \
            optionally reshaped by --sql, a SELECT over t. --sql alone is a query whose rows \
            are written.

            Examples:
              swiftlake delta write data/sales --rows '[{"id": 1, "amount": 9.5, "region": "north"}]'
              swiftlake delta write data/sales --source data/sales.parquet --sql "SELECT id, amount, region FROM t" \\
                --mode overwrite --replace-where "region = 'north'"
              swiftlake delta write data/sales_copy --source-delta data/sales --source-version 3
              swiftlake delta write data/ids --sql "SELECT range AS id FROM range(1000)"
            """)

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @Option(help: ArgumentHelp("The rows as a JSON array of objects.", valueName: "JSON"))
    var rows: String?

    @Option(help: ArgumentHelp("A file with the rows: a JSON array, or one JSON object per line.", valueName: "FILE"))
    var rowsFile: String?

    @Option(name: .customLong("source"), help: ArgumentHelp("A Parquet file, directory or glob to write (repeatable).", valueName: "PATH"))
    var sources: [String] = []

    @Option(help: ArgumentHelp("A Delta table whose rows are written.", valueName: "TABLE"))
    var sourceDelta: String?

    @Option(help: ArgumentHelp("With --source-delta: the version to read (default: its latest).", valueName: "N"))
    var sourceVersion: Int64?

    @Option(help: ArgumentHelp("A SELECT over t (the rows or sources) whose result is written; alone, a query whose rows are written.", valueName: "SQL"))
    var sql: String?

    @Option(help: ArgumentHelp("append (default), overwrite, error or ignore.", valueName: "MODE"))
    var mode: String = "append"

    @Option(name: .customLong("partition-by"), help: ArgumentHelp("Partition a new table by this column (repeatable).", valueName: "col"))
    var partitionBy: [String] = []

    @Option(help: ArgumentHelp("With --mode overwrite: replace only the rows matching this predicate.", valueName: "PREDICATE"))
    var replaceWhere: String?

    @Flag(help: "Add the data's new columns to the table instead of failing.")
    var mergeSchema = false

    @Option(help: ArgumentHelp("Bytes per data file (default 128 MiB).", valueName: "BYTES"))
    var targetFileSize: Int64?

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        let given = [rows != nil, rowsFile != nil, !sources.isEmpty, sourceDelta != nil].filter({ $0 }).count
        if given > 1 || (given == 0 && sql == nil) {
            throw ValidationError("Give the data with one of --rows JSON, --rows-file FILE, --source PARQUET and --source-delta TABLE (optionally reshaped by --sql), or --sql alone.")
        }
        if sourceVersion != nil && sourceDelta == nil {
            throw ValidationError("--source-version needs --source-delta TABLE.")
        }
        guard DeltaWriteRequest.Mode(rawValue: mode) != nil else {
            throw ValidationError("--mode must be append, overwrite, error or ignore; got '\(mode)'.")
        }
    }

    /// The rows of --rows or --rows-file.
    func parsedRows() throws -> [[String: DeltaRowValue]]? {
        let text: String
        if let rows { text = rows } else if let rowsFile {
            text = try String(contentsOfFile: LocalOptions.absolute(rowsFile), encoding: .utf8)
        } else { return nil }
        let decoder = JSONDecoder()
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            if trimmed.hasPrefix("[") { return try decoder.decode([[String: DeltaRowValue]].self, from: Data(trimmed.utf8)) }
            return try trimmed.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                .map { try decoder.decode([String: DeltaRowValue].self, from: Data($0.utf8)) }
        } catch {
            throw ValidationError("The rows must be a JSON array of objects, or one JSON object per line: \(error)")
        }
    }

    func run() async throws {
        let request = DeltaWriteRequest(
            path: LocalOptions.absolute(path), mode: DeltaWriteRequest.Mode(rawValue: mode), rows: try parsedRows(),
            sourcePaths: sources.isEmpty ? nil : sources.map(LocalOptions.absolute),
            sourceDelta: sourceDelta.map { DeltaMergeTableSource(path: LocalOptions.absolute($0), version: sourceVersion) }, sql: sql,
            partitionColumns: partitionBy.isEmpty ? nil : partitionBy, replaceWhere: replaceWhere,
            mergeSchema: mergeSchema ? true : nil, targetFileSize: targetFileSize, engine: local.engine)
        let lake = try local.makeLakehouse()
        let result = try await ProgressBar.around("writing", enabled: !local.noProgress) { progress in
            try await lake.deltaWrite(request, progress: progress)
        }
        try DeltaWriteReport.print(result, format: format)
    }
}

/// Printing of a Delta write's result.
enum DeltaWriteReport {
    static func print(_ result: DeltaWriteResult, format: ReportFormat) throws {
        switch format {
        case .json: try Report.printJSON(result)
        case .table:
            try Report.print(Report.facts([
                ("operation", result.operation),
                ("version", result.committed ? String(result.version) : "\(result.version) (nothing committed)"),
                ("rows inserted", Report.grouped(Int(result.rowsInserted))),
                ("rows updated", Report.grouped(Int(result.rowsUpdated))),
                ("rows deleted", Report.grouped(Int(result.rowsDeleted))),
                ("rows copied", Report.grouped(Int(result.rowsCopied))),
                ("files added", Report.grouped(result.filesAdded)),
                ("files removed", Report.grouped(result.filesRemoved)),
                ("bytes added", Report.bytes(Int(result.bytesAdded))),
                ("engine", result.engine),
                ("elapsed", Report.duration(milliseconds: result.elapsedMs)),
            ]))
        }
    }
}
