/// Helpers for composing SQL text safely. User-supplied *expressions* are spliced in as
/// SQL by design (predicates, update expressions); names and literals never are.
enum SQL {
    /// `name` as a double-quoted identifier.
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` as a single-quoted string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A list literal of strings: `['a', 'b']`.
    static func list(_ items: [String]) -> String {
        "[" + items.map(literal).joined(separator: ", ") + "]"
    }

    /// The table function reading `files` as one relation: union by name across files (so
    /// schemas that differ by column order or presence line up), Hive partition columns
    /// detected from `key=value` directories.
    static func readParquet(_ files: [String], extraOptions: [String] = []) -> String {
        let options = ["union_by_name = true"] + extraOptions
        return "read_parquet(\(list(files)), \(options.joined(separator: ", ")))"
    }
}
