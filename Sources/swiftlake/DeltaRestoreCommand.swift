import ArgumentParser
import SwiftLake

/// `swiftlake delta restore PATH (--version N | --timestamp T) [--format table|json]`.
struct DeltaRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore",
        abstract: "Restore a Delta table to an earlier version with a new RESTORE commit.",
        discussion: """
            Removes the files added since the version, adds back the files removed since, and restores its \
            schema and properties. The versions in between stay readable by time travel.
            """)

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @OptionGroup var when: DeltaVersionOptions

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if when.version == nil && when.timestamp == nil { throw ValidationError("Give --version N or --timestamp T to restore.") }
    }

    func run() async throws {
        let result = try await local.makeLakehouse().deltaRestore(path: LocalOptions.absolute(path), version: when.version,
                                                                  timestamp: when.timestamp)
        switch format {
        case .json: try Report.printJSON(result)
        case .table:
            try Report.print(Report.facts([
                ("version", String(result.version)), ("restored version", String(result.restoredVersion)),
                ("files restored", "\(Report.grouped(result.numRestoredFiles)) (\(Report.bytes(Int(result.restoredFilesSize))))"),
                ("files removed", "\(Report.grouped(result.numRemovedFiles)) (\(Report.bytes(Int(result.removedFilesSize))))"),
                ("files after", Report.grouped(result.numOfFilesAfterRestore)),
                ("size after", Report.bytes(Int(result.tableSizeAfterRestore))),
            ]))
        }
    }
}
