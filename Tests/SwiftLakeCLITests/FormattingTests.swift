import Testing
@testable import swiftlake
import SwiftLake

/// The pieces of output formatting that need no engine.
@Suite("formatting")
struct FormattingTests {
    @Test("a table aligns numbers right and cuts long values with …")
    func table() {
        let table = TextTable(columns: [TextTable.Column("n", type: "BIGINT", alignment: .right), TextTable.Column("s", type: "VARCHAR")],
                              maxCellWidth: 8)
        let text = table.render([
            [TextTable.Cell("7", alignment: .right), TextTable.Cell("a very long value")],
            [TextTable.Cell("NULL", alignment: .left), TextTable.Cell("x\ny")],
        ])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "┌────────┬──────────┐",
            "│      n │ s        │",
            "│ BIGINT │ VARCHAR  │",
            "├────────┼──────────┤",
            "│      7 │ a very…  │",
            "│ NULL   │ x\\ny     │",
            "└────────┴──────────┘",
        ])
    }

    @Test("a table narrows its widest columns to fit the terminal")
    func fitsTerminal() {
        let table = TextTable(columns: [TextTable.Column("a"), TextTable.Column("b")], maxCellWidth: 0)
        let row = [TextTable.Cell(String(repeating: "x", count: 50)), TextTable.Cell("short")]
        let widths = table.widths(for: [row], terminalWidth: 40)
        #expect(1 + widths.reduce(0) { $0 + $1 + 3 } <= 40)
        #expect(widths[1] == 5)
    }

    @Test("display width counts wide characters twice")
    func displayWidth() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("日本") == 4)
        #expect(DisplayWidth.truncate("日本語です", to: 5) == "日本…")
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
    }

    @Test("NAME=EXPR flags split at the first =")
    func assignments() throws {
        #expect(try Assignments.parse(["flag=a = b", " price = price * 1.1 "], flag: "--set") == ["flag": "a = b", "price": "price * 1.1"])
        #expect(throws: (any Error).self) { try Assignments.parse(["price"], flag: "--set") }
        #expect(throws: (any Error).self) { try Assignments.parse(["=1"], flag: "--set") }
        #expect(throws: (any Error).self) { try Assignments.parse(["a=1", "a=2"], flag: "--set") }
    }

    @Test("core messages name CLI flags instead of JSON fields")
    func cliMessages() {
        let error = SwiftLakeError(.conflict, code: "output_exists",
                                   "'/x.parquet' already exists. Choose another output or set \"overwrite\": true.")
        #expect(error.cliMessage == "'/x.parquet' already exists. Choose another --output or pass --overwrite.")
        let nothing = SwiftLakeError(.invalidRequest, code: "nothing_to_do", "Give at least one of 'updates', 'delete_where'.")
        #expect(nothing.cliMessage == "Give at least one of --set, --delete-where.")
    }

    @Test("exit statuses per kind of failure")
    func exitStatuses() {
        #expect(ExitStatus(.invalidRequest) == .usage)
        #expect(ExitStatus(.notFound).rawValue == 3)
        #expect(ExitStatus(.forbidden).rawValue == 4)
        #expect(ExitStatus(.conflict).rawValue == 5)
        #expect(ExitStatus(.internal).rawValue == 1)
    }

    @Test("relative paths are made absolute against the current directory")
    func absolutePaths() {
        #expect(LocalOptions.absolute("/a/b") == "/a/b")
        #expect(LocalOptions.absolute("~/x") == "~/x")
        #expect(LocalOptions.absolute("s3://b/k") == "s3://b/k")
        #expect(LocalOptions.absolute("x.parquet").hasSuffix("/x.parquet"))
        #expect(LocalOptions.absolute("x.parquet").hasPrefix("/"))
    }

    @Test("byte counts and numbers for people")
    func humanNumbers() {
        #expect(Report.bytes(512) == "512 bytes")
        #expect(Report.bytes(2048) == "2.0 KiB (2,048 bytes)")
        #expect(Report.grouped(1234567) == "1,234,567")
        #expect(Report.grouped(-1000) == "-1,000")
    }
}
