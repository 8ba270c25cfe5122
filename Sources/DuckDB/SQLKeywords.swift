import Foundation

/// Quoting of identifiers and string literals as DuckDB prints them in type names.
///
/// DuckDB quotes a struct field name when it is not a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`)
/// or when it is any SQL keyword. Rather than copy DuckDB's keyword list (which changes between
/// versions), the list is read once from the linked library's `duckdb_keywords()` table function,
/// in a private in-memory database, the first time a type name needs it.
enum SQLKeywords {
    /// DuckDB's keywords, lowercased. Empty if they could not be read.
    static let all: Set<String> = {
        do {
            let connection = try Database().connect()
            let rows = try connection.query("SELECT keyword_name FROM duckdb_keywords()").rows()
            var words = Set<String>()
            for row in rows {
                if case let .varchar(word)? = row.first { words.insert(word.lowercased()) }
            }
            return words
        } catch {
            return []
        }
    }()

    /// Whether DuckDB would quote `name` when printing it as an identifier.
    static func requiresQuotes(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { return true }
        if bytes.count > 1, bytes[0] == UInt8(ascii: "_"), isDigit(bytes[1]) { return true }
        for (index, byte) in bytes.enumerated() {
            if index > 0, isDigit(byte) { continue }
            if (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || byte == UInt8(ascii: "_")
            {
                continue
            }
            return true
        }
        return all.contains(name.lowercased())
    }

    /// `name`, double-quoted (with `"` doubled) if DuckDB would quote it.
    static func identifier(_ name: String) -> String {
        guard requiresQuotes(name) else { return name }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` as a single-quoted SQL string literal (with `'` doubled).
    static func stringLiteral(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
