import DuckDB
import SwiftLake

/// Writes a query's rows to stdout as they arrive from the cursor.
///
/// `json`, `ndjson` and `csv` go through the core's encoders batch by batch (the same bytes
/// the REST API sends), so memory stays flat however large the result. `table` needs column
/// widths before its first line: it collects up to ``pageSize`` rows, sizes the columns to
/// them and prints them, then does the same for each further page (see ``TablePages``).
/// Results up to a page are one exact table, and larger ones stream in bounded memory.
struct RowPrinter {
    /// Rows per table page.
    static let pageSize = 10_000

    var format: RowFormat
    /// The widest a table cell may be (0: no limit).
    var maxCellWidth: Int
    /// The progress bar to erase before writing, when rows and bar share the terminal.
    var progress: ProgressBar?

    init(format: RowFormat, maxCellWidth: Int, progress: ProgressBar?) {
        self.format = format
        self.maxCellWidth = maxCellWidth
        // Only a terminal shows stdout and stderr on one line; a file or pipe never needs
        // the bar erased (erasing it on every batch would keep it from ever being seen).
        self.progress = Terminal.stdoutIsTerminal ? progress : nil
    }

    /// Drains `cursor` to stdout; closes the cursor if writing fails.
    func print(_ cursor: QueryCursor) async throws {
        do {
            if let streamed = format.streamed {
                try await stream(cursor, encoder: makeResultEncoder(for: streamed)!)
            } else {
                try await table(cursor)
            }
        } catch {
            cursor.close()
            throw error
        }
    }

    private func stream(_ cursor: QueryCursor, encoder: any ResultEncoder) async throws {
        var encoder = encoder
        try emit(encoder.begin(columns: cursor.columns))
        while let batch = try await cursor.next() {
            try emit(encoder.encode(batch))
        }
        let summary = ResultSummary(rowCount: cursor.rowCount, truncated: cursor.truncated, engine: cursor.engine,
                                    elapsedMilliseconds: cursor.elapsedMilliseconds)
        var tail = encoder.end(summary: summary)
        if format == .json { tail.append(UInt8(ascii: "\n")) }
        try emit(tail)
    }

    private func table(_ cursor: QueryCursor) async throws {
        var pages = TablePages(table: TextTable(columns: cursor.columns.map(\.tableColumn), maxCellWidth: maxCellWidth),
                               terminalWidth: Terminal.stdoutIsTerminal ? Terminal.columns(of: 1) : nil)
        var page: [[TextTable.Cell]] = []
        while let batch = try await cursor.next() {
            for r in 0..<batch.count {
                page.append(batch.columns.map { $0[r].tableCell })
            }
            if page.count >= Self.pageSize {
                try emit(Array(pages.print(page).utf8))
                page.removeAll(keepingCapacity: true)
            }
        }
        var text = pages.print(page, last: true)
        text += TextTable.rowCount(cursor.rowCount) + (cursor.truncated ? " (truncated at limit)" : "") + "\n"
        try emit(Array(text.utf8))
    }

    private func emit(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        if let progress {
            try progress.pause { try StandardOutput.write(bytes) }
        } else {
            try StandardOutput.write(bytes)
        }
    }
}
