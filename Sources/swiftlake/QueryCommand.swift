import ArgumentParser
import Foundation
import SwiftLake

/// `swiftlake query PATH… [--sql …] [--columns …] [--filter …] [--order-by …] [--limit N] [--format …]`:
/// queries Parquet files in-process (no server), exposed to SQL as table `t`.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Query Parquet files (as table t) without a server.",
        discussion: """
            The files are one table named t (columns matched by name across files; Hive \
            partition directories become columns). Give either --sql, or any of --columns, \
            --filter and --order-by. Every row is returned unless --limit is given.

            Examples:
              swiftlake query data/sales.parquet --limit 5
              swiftlake query data/sales.parquet \\
                --sql "SELECT region, sum(quantity) FROM t GROUP BY ALL"
              swiftlake query 'data/events/**/*.parquet' --filter "kind = 'click'" \\
                --format csv > clicks.csv
            """)

    @Argument(help: ArgumentHelp("Parquet files, directories or globs (quote globs).", valueName: "PATH"))
    var paths: [String] = []

    @OptionGroup var shape: QueryShapeOptions

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one Parquet file, directory or glob.") }
    }

    /// The core request these arguments describe.
    var request: ParquetQueryRequest {
        ParquetQueryRequest(paths: paths.map(LocalOptions.absolute), sql: shape.sql,
                            columns: shape.columnList, filter: shape.filter,
                            orderBy: shape.orderByList, limit: shape.limit, engine: local.engine)
    }

    func run() async throws {
        let lake = try local.makeLakehouse()
        // A bar only helps while nothing else is on the screen: when rows go to a file or a
        // pipe, or when they are printed as a table at the end. Streamed rows on the
        // terminal show their own progress.
        let showProgress = !local.noProgress && (shape.format == .table || !Terminal.stdoutIsTerminal)
        let box = CursorBox()
        let progress = ProgressBar.start("querying", enabled: showProgress, source: { box.cursor?.progress },
                                         detail: { box.cursor.map { Report.grouped($0.rowCount) + " rows" } })
        defer { progress?.finish() }
        let cursor = try await lake.query(request, progress: progress?.handler)
        box.cursor = cursor
        if shape.format == .table, cursor.columns.map(\.name) == ["explain_key", "explain_value"] {
            // A plan is drawn text already: print it as DuckDB draws it, not inside a table cell.
            progress?.finish()
            for row in try await cursor.collect().rows {
                try StandardOutput.write((row.last?.description ?? "") + "\n")
            }
            return
        }
        try await RowPrinter(format: shape.format, maxCellWidth: shape.maxWidth, progress: progress).print(cursor)
    }
}

/// Hands the cursor, once open, to the progress bar's polling thread.
private final class CursorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: QueryCursor?

    var cursor: QueryCursor? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
