import ArgumentParser
import SwiftLake

/// `swiftlake version`: SwiftLake's and the embedded DuckDB's versions.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the SwiftLake and DuckDB versions.")

    @Option(help: ArgumentHelp("text or json.", valueName: "FORMAT"))
    var format: VersionFormat = .text

    func run() async throws {
        // The DuckDB version is read from the library actually loaded, through a throwaway
        // in-memory engine (it starts in milliseconds).
        let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: ["/"], queryTimeout: nil))
        let duckdb = lake.duckdb.version
        switch format {
        case .text:
            try Report.print("swiftlake \(Lakehouse.version)\nduckdb \(duckdb)\n")
        case .json:
            try Report.printJSON(["swiftlake": Lakehouse.version, "duckdb": duckdb])
        }
    }

    /// The output formats of `version`.
    enum VersionFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }
}
