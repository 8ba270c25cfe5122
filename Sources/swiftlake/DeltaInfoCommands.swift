import ArgumentParser
import Foundation
import SwiftLake

/// `swiftlake delta history PATH [--limit N] [--format table|json]`: a table's commits.
struct DeltaHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Show a Delta table's commits, newest first.")

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @Option(help: ArgumentHelp("Show at most N commits.", valueName: "N"))
    var limit: Int?

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func run() async throws {
        let history = try await local.makeLakehouse().deltaHistory(path: LocalOptions.absolute(path), limit: limit)
        switch format {
        case .json: try Report.printJSON(history)
        case .table:
            let table = TextTable(columns: [TextTable.Column("version", alignment: .right), TextTable.Column("timestamp"),
                                            TextTable.Column("operation"), TextTable.Column("parameters")], maxCellWidth: 60)
            try Report.print(table.render(history.history.map { entry in
                guard case .object(let fields) = entry else { return [] }
                return [TextTable.Cell(fields["version"].map(DeltaReport.text) ?? ""),
                        TextTable.Cell(fields["timestamp"].map(DeltaReport.time) ?? ""),
                        TextTable.Cell(fields["operation"].map(DeltaReport.text) ?? ""),
                        TextTable.Cell(fields["operationParameters"].map(DeltaReport.text) ?? "")]
            }))
        }
    }
}

/// `swiftlake delta detail PATH [--version N | --timestamp T] [--format table|json]`.
struct DeltaDetailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "detail",
        abstract: "Show a Delta table's metadata, protocol, file count and size at a version.")

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @OptionGroup var when: DeltaVersionOptions

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func run() async throws {
        let detail = try await local.makeLakehouse().deltaDetail(path: LocalOptions.absolute(path),
                                                                 version: when.version, timestamp: when.timestamp)
        switch format {
        case .json: try Report.printJSON(detail)
        case .table:
            let proto = detail.protocol
            try Report.print(Report.facts([
                ("location", detail.location), ("version", String(detail.version)),
                ("committed", DeltaReport.time(.exactNumber(String(detail.timestamp)))),
                ("id", detail.id), ("name", detail.name ?? ""), ("description", detail.description ?? ""),
                ("partition columns", detail.partitionColumns.joined(separator: ", ")),
                ("protocol", "reader \(proto.minReaderVersion), writer \(proto.minWriterVersion)"),
                ("reader features", (proto.readerFeatures ?? []).joined(separator: ", ")),
                ("writer features", (proto.writerFeatures ?? []).joined(separator: ", ")),
                ("files", Report.grouped(detail.numFiles)), ("size", Report.bytes(Int(detail.sizeInBytes))),
                ("configuration", detail.configuration.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")),
                ("schema", DeltaReport.text(detail.schema)),
            ]))
        }
    }
}

/// `swiftlake delta files PATH [--version N | --timestamp T] [--format table|json]`.
struct DeltaFilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "files",
        abstract: "List a Delta table's active data files with partition values and statistics.")

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @OptionGroup var when: DeltaVersionOptions

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func run() async throws {
        let list = try await local.makeLakehouse().deltaFiles(path: LocalOptions.absolute(path),
                                                              version: when.version, timestamp: when.timestamp)
        switch format {
        case .json: try Report.printJSON(list)
        case .table:
            let table = TextTable(columns: [TextTable.Column("path"), TextTable.Column("size", alignment: .right),
                                            TextTable.Column("partition"), TextTable.Column("rows", alignment: .right),
                                            TextTable.Column("deleted", alignment: .right)], maxCellWidth: 60)
            try Report.print(table.render(list.files.map { file in
                let partition = file.partitionValues.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value ?? "NULL")" }.joined(separator: ", ")
                var rows = ""
                if case .object(let stats)? = file.stats, let n = stats["numRecords"] { rows = DeltaReport.text(n) }
                return [TextTable.Cell(file.path), TextTable.Cell(Report.grouped(Int(file.size))), TextTable.Cell(partition),
                        TextTable.Cell(rows), TextTable.Cell(file.deletedRows.map { String($0) } ?? "")]
            }))
        }
    }
}

/// Text forms of JSON values in the delta tables.
enum DeltaReport {
    /// A value as compact text (strings unquoted).
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .exactNumber(let n): return n
        case .null: return ""
        default:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    /// Milliseconds since the epoch as an ISO 8601 UTC time.
    static func time(_ value: JSONValue) -> String {
        guard let millis = Double(text(value)) else { return text(value) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: millis / 1000))
    }
}
