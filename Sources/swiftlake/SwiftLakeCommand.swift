import ArgumentParser
import SwiftLake

/// `swiftlake`: the root command. Every operation of the library is a subcommand; `serve`
/// runs the REST API.
struct SwiftLakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftlake",
        abstract: "A lakehouse data service: query and change Parquet files, or serve them over REST.",
        discussion: """
            Exit status: 0 success, 1 failure, 2 usage or invalid input, 3 not found, \
            4 path outside the allowed roots, 5 output exists, 6 timeout, 130 interrupted.
            """,
        version: Lakehouse.version,
        subcommands: [
            ServeCommand.self,
            QueryCommand.self,
            ParquetCommand.self,
            DeltaCommand.self,
            SampleDataCommand.self,
            VersionCommand.self,
        ])
}

/// `swiftlake parquet …`: operations on Parquet files.
struct ParquetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet",
        abstract: "Inspect, summarise, change and merge Parquet files.",
        subcommands: [
            ParquetMetadataCommand.self,
            ParquetStatsCommand.self,
            ParquetModifyCommand.self,
            ParquetMergeCommand.self,
        ])
}
