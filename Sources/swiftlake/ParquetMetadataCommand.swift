import ArgumentParser
import SwiftLake

/// `swiftlake parquet metadata FILE [--format table|json]`: a Parquet file's footer.
struct ParquetMetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Show a Parquet file's schema, row groups and footer facts.",
        discussion: """
            The table view shows the file facts, the schema tree and the row groups; \
            --format json adds every column chunk's statistics, encodings and offsets.
            """)

    @Argument(help: ArgumentHelp("The Parquet file.", valueName: "FILE"))
    var file: String

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func run() async throws {
        let lake = try local.makeLakehouse()
        let metadata = try await lake.metadata(ParquetMetadataRequest(path: LocalOptions.absolute(file)))
        switch format {
        case .json: try Report.printJSON(metadata)
        case .table: try Report.print(metadata.tables)
        }
    }
}

extension ParquetMetadata {
    /// The footer as tables: facts, schema tree, row groups, key-value metadata.
    var tables: String {
        var facts: [(String, String)] = [
            ("path", path),
            ("size", Report.bytes(fileSize)),
            ("rows", Report.grouped(numRows)),
            ("row groups", String(numRowGroups)),
            ("compression", compression.joined(separator: ", ")),
        ]
        if let createdBy { facts.append(("created by", createdBy)) }
        if let formatVersion { facts.append(("format version", String(formatVersion))) }
        var out = Report.facts(facts)

        out += "\nSchema\n" + schemaTable
        out += "\nRow groups\n"
        let groups = TextTable(columns: [
            TextTable.Column("id", alignment: .right), TextTable.Column("rows", alignment: .right),
            TextTable.Column("uncompressed", alignment: .right), TextTable.Column("compressed", alignment: .right),
        ])
        out += groups.render(rowGroups.map { group in
            [TextTable.Cell(String(group.id)), TextTable.Cell(Report.grouped(group.numRows)),
             TextTable.Cell(Report.grouped(group.totalByteSize)),
             TextTable.Cell(group.compressedSize.map(Report.grouped) ?? "")]
        })
        if !keyValueMetadata.isEmpty {
            out += "\nKey-value metadata\n"
            let pairs = TextTable(columns: [TextTable.Column("key"), TextTable.Column("value")], maxCellWidth: 60)
            out += pairs.render(keyValueMetadata.sorted { $0.key < $1.key }.map { [TextTable.Cell($0.key), TextTable.Cell($0.value)] })
        }
        return out
    }

    /// The schema tree (children indented under their group), with physical, logical and
    /// DuckDB types. The root element (the file's schema name) is left out.
    private var schemaTable: String {
        let table = TextTable(columns: [
            TextTable.Column("column"), TextTable.Column("type"), TextTable.Column("physical"),
            TextTable.Column("logical"), TextTable.Column("repetition"),
        ], maxCellWidth: 50)
        var rows: [[TextTable.Cell]] = []
        // Depth-first: a stack of how many children each open group still has.
        var remaining: [Int] = []
        for (index, element) in schema.enumerated() {
            while let last = remaining.last, last == 0 { remaining.removeLast() }
            let depth = remaining.count
            if !remaining.isEmpty { remaining[remaining.count - 1] -= 1 }
            if let children = element.numChildren, children > 0 { remaining.append(children) }
            if index == 0 { continue }
            let indent = String(repeating: "  ", count: max(0, depth - 1))
            rows.append([
                TextTable.Cell(indent + element.name),
                TextTable.Cell(element.duckdbType ?? ""),
                TextTable.Cell(element.physicalType ?? ""),
                TextTable.Cell(element.logicalType ?? element.convertedType ?? ""),
                TextTable.Cell(element.repetition ?? ""),
            ])
        }
        return table.render(rows)
    }
}
