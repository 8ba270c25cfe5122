/// Prints a long table page by page with columns that only ever grow.
///
/// Each page is sized to its own rows; while they fit the open box, the page simply
/// continues it. When a page needs a wider column (ids passing 99,999, a longer name), the
/// open box is closed and a new one, headings repeated, opens with the wider columns, so no
/// value is ever cut to fit an earlier page (only to `maxCellWidth`, with `…`).
struct TablePages {
    let table: TextTable
    /// The terminal's width, when the table should fit it.
    let terminalWidth: Int?
    /// The widths of the box now open, if one is.
    private(set) var openWidths: [Int]?

    init(table: TextTable, terminalWidth: Int?) {
        self.table = table
        self.terminalWidth = terminalWidth
    }

    /// The text for the next `page`; with `last`, the box is closed after it.
    mutating func print(_ page: [[TextTable.Cell]], last: Bool = false) -> String {
        let natural = table.naturalWidths(for: page)
        let wanted = openWidths.map { zip($0, natural).map { Swift.max($0, $1) } } ?? natural
        let widths = table.fit(wanted, terminalWidth: terminalWidth)
        var text = ""
        if widths != openWidths {
            if let openWidths { text += table.bottom(widths: openWidths) }
            text += table.top(widths: widths)
            openWidths = widths
        }
        text += table.body(page, widths: widths)
        if last { text += table.bottom(widths: widths) }
        return text
    }
}
