import ArgumentParser
import Foundation
import SwiftLake

/// `swiftlake delta merge PATH (--rows JSON | --rows-file FILE | --source PARQUET… | --source-delta PATH)
/// --on COND [--when-matched-update 'col=expr,…'] [--when-not-matched-insert-all] …`.
struct DeltaMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge source rows into a Delta table (Spark's MERGE INTO): upserts, deletes, syncs.",
        discussion: """
            The source rows are `s`, the table's rows `t` (change with --source-alias/--target-alias).
            Conditional clauses are given with --clause JSON (repeatable, applied in order before
            the unconditional flags), e.g. --clause '{"when":"matched","condition":"s.deleted","action":"delete"}'.
            Only files with changed rows are rewritten; several source rows matching one target
            row is an error and nothing is written.

            Examples:
              swiftlake delta merge data/orders --rows '[{"id": 7, "amount": 99.5, "region": "north"}]' \\
                --on "t.id = s.id" --when-matched-update "amount=s.amount" --when-not-matched-insert-all
              swiftlake delta merge data/orders --source-delta data/orders_changes --on "t.id = s.id" \\
                --clause '{"when":"matched","condition":"s.op = '"'"'D'"'"'","action":"delete"}' \\
                --when-matched-update-all --when-not-matched-insert-all
            """)

    @Argument(help: ArgumentHelp("The target table's directory.", valueName: "PATH"))
    var path: String

    @Option(help: ArgumentHelp("The source rows as a JSON array of objects.", valueName: "JSON"))
    var rows: String?

    @Option(help: ArgumentHelp("A file with the source rows: a JSON array, or one JSON object per line.", valueName: "FILE"))
    var rowsFile: String?

    @Option(name: .customLong("source"), help: ArgumentHelp("A Parquet file, directory or glob of source rows (repeatable).", valueName: "PATH"))
    var sources: [String] = []

    @Option(help: ArgumentHelp("A Delta table whose rows are the source.", valueName: "PATH"))
    var sourceDelta: String?

    @Option(help: ArgumentHelp("With --source-delta: the version to read.", valueName: "N"))
    var sourceVersion: Int64?

    @Option(help: ArgumentHelp("A SELECT over t (the source data) whose result is the source.", valueName: "SQL"))
    var sql: String?

    @Option(help: ArgumentHelp("The join condition, e.g. \"t.id = s.id\".", valueName: "COND"))
    var on: String

    @Option(help: ArgumentHelp("How SQL names the source rows (default s).", valueName: "NAME"))
    var sourceAlias: String?

    @Option(help: ArgumentHelp("How SQL names the target rows (default t).", valueName: "NAME"))
    var targetAlias: String?

    @Option(help: ArgumentHelp("A clause as JSON: {\"when\", \"condition\", \"action\", \"set\"|\"values\"} (repeatable; first).", valueName: "JSON"))
    var clause: [String] = []

    @Option(help: ArgumentHelp("Matched rows: set these columns.", valueName: "col=EXPR,…"))
    var whenMatchedUpdate: String?

    @Flag(help: "Matched rows: set every column the source has.")
    var whenMatchedUpdateAll = false

    @Flag(help: "Matched rows: delete them.")
    var whenMatchedDelete = false

    @Option(help: ArgumentHelp("Unmatched source rows: insert with these columns (others NULL).", valueName: "col=EXPR,…"))
    var whenNotMatchedInsert: String?

    @Flag(help: "Unmatched source rows: insert them as they are.")
    var whenNotMatchedInsertAll = false

    @Option(help: ArgumentHelp("Target rows the source lacks: set these columns.", valueName: "col=EXPR,…"))
    var whenNotMatchedBySourceUpdate: String?

    @Flag(help: "Target rows the source lacks: delete them.")
    var whenNotMatchedBySourceDelete = false

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if [rows != nil, rowsFile != nil, !sources.isEmpty, sourceDelta != nil].filter({ $0 }).count != 1 {
            throw ValidationError("Give the source with exactly one of --rows JSON, --rows-file FILE, --source PARQUET or --source-delta PATH.")
        }
        if try clauses().isEmpty {
            throw ValidationError("Give at least one clause, e.g. --when-matched-update-all --when-not-matched-insert-all.")
        }
    }

    /// The --clause clauses in order, then the flags' (matched, not matched, not matched by source).
    func clauses() throws -> [DeltaMergeClause] {
        var result: [DeltaMergeClause] = []
        for text in clause {
            do {
                result.append(try JSONDecoder().decode(DeltaMergeClause.self, from: Data(text.utf8)))
            } catch {
                throw ValidationError("--clause must be a JSON clause like {\"when\":\"matched\",\"condition\":\"s.qty > 0\",\"action\":\"update\",\"set\":{\"qty\":\"s.qty\"}}; got '\(text)': \(error)")
            }
        }
        if let whenMatchedUpdate {
            result.append(DeltaMergeClause(when: .matched, action: .update, set: try Self.assignments(whenMatchedUpdate, flag: "--when-matched-update")))
        }
        if whenMatchedUpdateAll { result.append(DeltaMergeClause(when: .matched, action: .updateAll)) }
        if whenMatchedDelete { result.append(DeltaMergeClause(when: .matched, action: .delete)) }
        if let whenNotMatchedInsert {
            result.append(DeltaMergeClause(when: .notMatched, action: .insert, values: try Self.assignments(whenNotMatchedInsert, flag: "--when-not-matched-insert")))
        }
        if whenNotMatchedInsertAll { result.append(DeltaMergeClause(when: .notMatched, action: .insertAll)) }
        if let whenNotMatchedBySourceUpdate {
            result.append(DeltaMergeClause(when: .notMatchedBySource, action: .update,
                                           set: try Self.assignments(whenNotMatchedBySourceUpdate, flag: "--when-not-matched-by-source-update")))
        }
        if whenNotMatchedBySourceDelete { result.append(DeltaMergeClause(when: .notMatchedBySource, action: .delete)) }
        return result
    }

    /// `"a=s.a, b=coalesce(s.b, t.b)"` → assignments, split at commas outside parentheses and quotes.
    static func assignments(_ text: String, flag: String) throws -> [String: String] {
        var items: [String] = [], current = "", depth = 0
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" {
                depth += 1
            } else if c == ")" {
                depth -= 1
            } else if c == ",", depth == 0 {
                items.append(current)
                current = ""
                continue
            }
            current.append(c)
        }
        items.append(current)
        return try Assignments.parse(items.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }, flag: flag)
    }

    /// The rows of --rows or --rows-file (a JSON array, or one object per line).
    func parsedRows() throws -> [[String: DeltaRowValue]]? {
        let text: String
        if let rows { text = rows } else if let rowsFile {
            text = try String(contentsOfFile: LocalOptions.absolute(rowsFile), encoding: .utf8)
        } else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let decoder = JSONDecoder()
        do {
            if trimmed.hasPrefix("[") { return try decoder.decode([[String: DeltaRowValue]].self, from: Data(trimmed.utf8)) }
            return try trimmed.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                .map { try decoder.decode([String: DeltaRowValue].self, from: Data($0.utf8)) }
        } catch {
            throw ValidationError("The rows must be a JSON array of objects, or one JSON object per line: \(error)")
        }
    }

    func run() async throws {
        let source = DeltaMergeSource(
            rows: try parsedRows(), sourcePaths: sources.isEmpty ? nil : sources.map(LocalOptions.absolute),
            delta: sourceDelta.map { DeltaMergeTableSource(path: LocalOptions.absolute($0), version: sourceVersion) }, sql: sql)
        let request = DeltaMergeRequest(path: LocalOptions.absolute(path), source: source, sourceAlias: sourceAlias,
                                        targetAlias: targetAlias, on: on, clauses: try clauses(), engine: local.engine)
        let lake = try local.makeLakehouse()
        let result = try await ProgressBar.around("merging", enabled: !local.noProgress) { progress in
            try await lake.deltaMerge(request, progress: progress)
        }
        switch format {
        case .json: try Report.printJSON(result)
        case .table:
            var facts: [(String, String)] = [
                ("operation", "MERGE"),
                ("version", result.committed ? String(result.version) : "\(result.version) (nothing committed)"),
            ]
            for (label, metric) in [("source rows", "numSourceRows"), ("rows inserted", "numTargetRowsInserted"),
                                    ("rows updated", "numTargetRowsUpdated"), ("rows deleted", "numTargetRowsDeleted"),
                                    ("rows copied", "numTargetRowsCopied"), ("files added", "numTargetFilesAdded"),
                                    ("files removed", "numTargetFilesRemoved")] {
                facts.append((label, Report.grouped(Int(result[metric: metric]))))
            }
            facts.append(("files skipped", Report.grouped(result.filesSkipped)))
            facts.append(("engine", result.engine))
            facts.append(("elapsed", Report.duration(milliseconds: result.elapsedMs)))
            try Report.print(Report.facts(facts))
        }
    }
}
