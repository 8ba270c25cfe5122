import ArgumentParser

/// `swiftlake delta constraint add|drop …`: a table's CHECK constraints.
struct DeltaConstraintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "constraint",
        abstract: "Add or drop a CHECK constraint of a Delta table.",
        discussion: """
            Examples:
              swiftlake delta constraint add data/clicks id_positive "id > 0"
              swiftlake delta constraint drop data/clicks id_positive --if-exists
            """,
        subcommands: [DeltaAddConstraintCommand.self, DeltaDropConstraintCommand.self])
}
