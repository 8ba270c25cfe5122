/// Start-up options for a ``Database``, by DuckDB option name (`"threads"`, `"memory_limit"`,
/// `"access_mode"`, `"enable_external_access"`, ...).
///
/// Options are handed to `duckdb_set_config` sorted by name, so the same configuration always
/// opens the same way. Unknown options and invalid values make ``Database/init(path:configuration:)``
/// throw a ``DuckDBError`` with code ``DuckDBError/Code/configuration``.
///
/// ```swift
/// var configuration = Configuration()
/// configuration["threads"] = "2"
/// configuration["memory_limit"] = "1GB"
/// let database = try Database(path: "/data/lake.duckdb", configuration: configuration)
/// ```
public struct Configuration: Sendable, Hashable {
    /// The options, by name.
    public var options: [String: String]

    /// An empty configuration: DuckDB's defaults.
    public init() {
        options = [:]
    }

    /// A configuration with the given options.
    public init(options: [String: String]) {
        self.options = options
    }

    /// Reads or sets one option; `nil` removes it.
    public subscript(option: String) -> String? {
        get { options[option] }
        set { options[option] = newValue }
    }

    /// The options in the order they are applied: sorted by name.
    public var orderedOptions: [(name: String, value: String)] {
        options.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }
}
