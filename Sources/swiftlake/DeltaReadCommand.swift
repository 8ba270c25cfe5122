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

    @OptionGroup var shape: QueryShapeOptions

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    /// The core request these arguments describe.
    var request: DeltaReadRequest {
        DeltaReadRequest(path: LocalOptions.absolute(path), version: when.version, timestamp: when.timestamp,
                         sql: shape.sql, columns: shape.columnList, filter: shape.filter,
                         orderBy: shape.orderByList, limit: shape.limit, engine: local.engine)
    }

    func run() async throws {
        let lake = try local.makeLakehouse()
        let result = try await lake.deltaRead(request)
        StandardError.write("version \(result.version): \(result.filesScanned) files scanned, \(result.filesSkipped) skipped\n")
        try await RowPrinter(format: shape.format, maxCellWidth: shape.maxWidth, progress: nil).print(result.cursor)
    }
}
