import ArgumentParser

/// `swiftlake delta …`: read, write and maintain Delta Lake tables.
struct DeltaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delta",
        abstract: "Delta Lake tables: read (with time travel), write, update, delete, merge, and maintain (checkpoint, vacuum, restore, optimize, convert, constraints).",
        subcommands: [
            DeltaReadCommand.self,
            DeltaHistoryCommand.self,
            DeltaDetailCommand.self,
            DeltaFilesCommand.self,
            DeltaCreateCommand.self, DeltaWriteCommand.self, DeltaDeleteCommand.self, DeltaUpdateCommand.self, DeltaMergeCommand.self,
            DeltaCheckpointCommand.self,
            DeltaVacuumCommand.self,
            DeltaRestoreCommand.self,
            DeltaOptimizeCommand.self, DeltaConvertCommand.self, DeltaConstraintCommand.self,
        ])
}

/// The options that pick a table version: `--version N` or `--timestamp T`.
struct DeltaVersionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read this version.", valueName: "N"))
    var version: Int64?

    @Option(help: ArgumentHelp("Read the latest version committed at or before T (ISO 8601, UTC unless an offset is given, or epoch milliseconds).", valueName: "T"))
    var timestamp: String?

    func validate() throws {
        if version != nil && timestamp != nil { throw ValidationError("Give either --version or --timestamp, not both.") }
        if let version, version < 0 { throw ValidationError("--version must be 0 or more; got \(version).") }
    }
}
