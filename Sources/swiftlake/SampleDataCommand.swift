import ArgumentParser
import Foundation
import SwiftLake

/// `swiftlake sample-data DIR`: writes the sample dataset the README's examples use.
struct SampleDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-data",
        abstract: "Write the sample dataset into DIR (only what is missing).",
        discussion: """
            sales.parquet (10,000 orders), customers.parquet (500 rows, nested types), \
            events/ (7,000 rows, Hive-partitioned by event_date) and batches/batch_{1,2,3}.parquet \
            (overlapping ids with differing schemas, for merge --dedupe-on). Files already \
            present are left alone, so running it twice is harmless.
            """)

    @Argument(help: ArgumentHelp("Where to write (created if missing).", valueName: "DIR"))
    var directory: String

    func run() async throws {
        let target = LocalOptions.absolute(directory)
        let written = try await SampleData.write(into: target)
        if written.isEmpty {
            try Report.print("Sample data is already in \(directory) (nothing written).\n")
            return
        }
        var text = "Wrote sample data into \(directory):\n"
        let root = (URL(fileURLWithPath: target).resolvingSymlinksInPath().path as NSString).standardizingPath
        for path in written {
            let relative = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
            text += "  \(relative)\n"
        }
        try Report.print(text)
    }
}
