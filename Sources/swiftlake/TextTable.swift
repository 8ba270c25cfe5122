/// A box-drawn table for people:
///
///     ┌────────┬─────────┬──────────┐
///     │     id │ region  │    price │
///     │ BIGINT │ VARCHAR │ DECIMAL… │
///     ├────────┼─────────┼──────────┤
///     │      1 │ south   │    84.19 │
///     │      2 │ NULL    │    13.38 │
///     └────────┴─────────┴──────────┘
///
/// Column names (and, when given, types) head the table; cells are aligned per cell
/// (numbers right); a cell wider than `maxCellWidth` is cut and ends in `…`. The pieces
/// (``top(widths:)``, ``body(_:widths:)``, ``bottom(widths:)``) can be printed separately, so
/// a long result can be printed page by page.
struct TextTable {
    enum Alignment: Sendable { case left, right }

    /// A column heading.
    struct Column {
        var name: String
        /// The SQL type shown under the name, if any.
        var type: String?
        var alignment: Alignment

        init(_ name: String, type: String? = nil, alignment: Alignment = .left) {
            self.name = name
            self.type = type
            self.alignment = alignment
        }
    }

    /// One cell, its text already made printable (control characters escaped).
    struct Cell {
        let text: String
        let width: Int
        let alignment: Alignment?

        /// A cell showing `text`; `alignment` overrides the column's.
        init(_ text: String, alignment: Alignment? = nil) {
            let printable = DisplayWidth.escapingControlCharacters(text)
            self.text = printable
            self.width = DisplayWidth.of(printable)
            self.alignment = alignment
        }
    }

    let columns: [Column]
    /// The widest a cell may be before it is cut; 0 for no limit.
    var maxCellWidth: Int

    init(columns: [Column], maxCellWidth: Int = 40) {
        self.columns = columns
        self.maxCellWidth = maxCellWidth
    }

    /// Column widths fitting the headings and `rows` (each capped at `maxCellWidth`), then
    /// narrowed to fit `terminalWidth` when one is given.
    func widths(for rows: [[Cell]], terminalWidth: Int? = nil) -> [Int] {
        fit(naturalWidths(for: rows), terminalWidth: terminalWidth)
    }

    /// The widths the headings and `rows` need, each capped at `maxCellWidth`.
    func naturalWidths(for rows: [[Cell]]) -> [Int] {
        var widths = columns.map { column in
            max(DisplayWidth.of(column.name), column.type.map(DisplayWidth.of) ?? 0, 1)
        }
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count && cell.width > widths[i] {
                widths[i] = cell.width
            }
        }
        if maxCellWidth > 0 { widths = widths.map { min($0, max(maxCellWidth, 1)) } }
        return widths
    }

    /// `widths` narrowed, widest column first, until the table fits `terminalWidth` (or
    /// every column is down to 4 cells).
    func fit(_ widths: [Int], terminalWidth: Int?) -> [Int] {
        guard let terminalWidth else { return widths }
        var widths = widths
        let minimum = 4
        var total = 1 + widths.reduce(0) { $0 + $1 + 3 }
        while total > terminalWidth, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
              widths[widest] > minimum {
            widths[widest] -= 1
            total -= 1
        }
        return widths
    }

    /// The top border, the headings, and the line under them.
    func top(widths: [Int]) -> String {
        var out = border("┌", "┬", "┐", widths)
        out += line(columns.map { Cell($0.name, alignment: $0.alignment) }, widths: widths)
        if columns.contains(where: { $0.type != nil }) {
            out += line(columns.map { Cell($0.type ?? "", alignment: $0.alignment) }, widths: widths)
        }
        out += border("├", "┼", "┤", widths)
        return out
    }

    /// The lines of `rows`.
    func body(_ rows: [[Cell]], widths: [Int]) -> String {
        var out = ""
        for row in rows { out += line(row, widths: widths) }
        return out
    }

    /// The bottom border.
    func bottom(widths: [Int]) -> String {
        border("└", "┴", "┘", widths)
    }

    /// The whole table.
    func render(_ rows: [[Cell]], terminalWidth: Int? = nil) -> String {
        let widths = widths(for: rows, terminalWidth: terminalWidth)
        return top(widths: widths) + body(rows, widths: widths) + bottom(widths: widths)
    }

    private func border(_ left: String, _ middle: String, _ right: String, _ widths: [Int]) -> String {
        left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right + "\n"
    }

    private func line(_ cells: [Cell], widths: [Int]) -> String {
        var out = "│"
        for (i, width) in widths.enumerated() {
            let cell = i < cells.count ? cells[i] : Cell("")
            let cut = cell.width > width
            let text = cut ? DisplayWidth.truncate(cell.text, to: width) : cell.text
            let padding = String(repeating: " ", count: max(0, width - (cut ? DisplayWidth.of(text) : cell.width)))
            switch cell.alignment ?? columns[i].alignment {
            case .left: out += " " + text + padding + " │"
            case .right: out += " " + padding + text + " │"
            }
        }
        return out + "\n"
    }
}

extension TextTable {
    /// `"1 row"`, `"10000 rows"`.
    static func rowCount(_ n: Int) -> String {
        n == 1 ? "1 row" : "\(n) rows"
    }
}
