import ArgumentParser
import SwiftLake

/// `swiftlake delta optimize PATH [--where PREDICATE] [--target-size BYTES] [--format table|json]`.
struct DeltaOptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "optimize",
        abstract: "Compact a Delta table's small files (bin-packing per partition); rows do not change.",
        discussion: """
            In each partition, files smaller than the target size are packed into bins of up to that size \
            and each bin of two or more files is rewritten as one file. The commit (OPTIMIZE) changes no \
            data: appends committed meanwhile do not conflict. --where limits it to partitions; it may \
            only use partition columns.
            """)

    @Argument(help: ArgumentHelp("The table's directory.", valueName: "PATH"))
    var path: String

    @Option(name: .customLong("where"), help: ArgumentHelp("Only partitions matching this SQL predicate over partition columns.", valueName: "PREDICATE"))
    var predicate: String?

    @Option(help: ArgumentHelp("Target file size in bytes (default: delta.targetFileSize, else 128 MiB).", valueName: "BYTES"))
    var targetSize: Int64?

    @Option(help: ArgumentHelp("table or json.", valueName: "FORMAT"))
    var format: ReportFormat = .table

    @OptionGroup(title: "Engine options")
    var local: LocalOptions

    func validate() throws {
        if let targetSize, targetSize <= 0 { throw ValidationError("--target-size must be a positive number of bytes; got \(targetSize).") }
    }

    func run() async throws {
        let result = try await local.makeLakehouse().deltaOptimize(
            DeltaOptimizeRequest(path: LocalOptions.absolute(path), predicate: predicate, targetSize: targetSize, engine: local.engine))
        switch format {
        case .json: try Report.printJSON(result)
        case .table:
            if !result.committed {
                try Report.print("nothing to compact at version \(result.version) (no partition has two files under \(Report.bytes(Int(result.targetSize))))\n")
                return
            }
            try Report.print("version \(result.version): \(Report.grouped(result.numFilesRemoved)) files (\(Report.bytes(Int(result.numBytesRemoved)))) "
                + "compacted into \(Report.grouped(result.numFilesAdded)) (\(Report.bytes(Int(result.numBytesAdded)))) "
                + "in \(result.partitionsOptimized) partition\(result.partitionsOptimized == 1 ? "" : "s")\n")
        }
    }
}
