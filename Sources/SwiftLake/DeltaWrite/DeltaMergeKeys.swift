import DeltaLake
import Foundation

/// The join keys of a MERGE's `on` condition, for skipping target files no source row can
/// match: top-level `AND`ed equalities `t.col = s.col` (either order, simple or quoted names).
///
/// A target row that satisfies `on` satisfies each of these equalities with some source row,
/// so its `col` lies within the source's values of the paired column. The file-skipping
/// predicate is then `col IN (…)` when the source has at most ``inListLimit`` distinct keys,
/// else `col BETWEEN min AND max`; files whose statistics or partition values rule it out
/// are not read. Other conditions (ORs, functions, casts) are not used, so they never skip
/// a file wrongly.
struct DeltaMergeKeys: Sendable {
    /// At most this many distinct source keys are spelled out as an `IN` list.
    static let inListLimit = 200

    /// (target column, source column) pairs.
    let pairs: [(target: String, source: String)]

    init(on condition: String, targetAlias: String, sourceAlias: String) {
        var pairs: [(String, String)] = []
        for conjunct in Self.conjuncts(condition) {
            let sides = Self.splitEquality(conjunct)
            guard sides.count == 2 else { continue }
            let left = Self.reference(sides[0]), right = Self.reference(sides[1])
            guard let left, let right else { continue }
            if left.alias == targetAlias && right.alias == sourceAlias { pairs.append((left.column, right.column)) }
            if left.alias == sourceAlias && right.alias == targetAlias { pairs.append((right.column, left.column)) }
        }
        self.pairs = pairs
    }

    /// The expression split at top-level `AND`s (outside parentheses and quotes).
    static func conjuncts(_ text: String) -> [String] {
        var expression = text.trimmingCharacters(in: .whitespaces)
        while expression.hasPrefix("("), expression.hasSuffix(")"), closes(expression) {
            expression = String(expression.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        var parts: [String] = [], current = "", depth = 0
        var quote: Character?
        let chars = Array(expression)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" {
                depth += 1
            } else if c == ")" {
                depth -= 1
            } else if depth == 0, c.isWhitespace, i + 4 < chars.count, String(chars[(i + 1)...(i + 3)]).uppercased() == "AND",
                      chars[i + 4].isWhitespace {
                parts.append(current)
                current = ""
                i += 5
                continue
            }
            current.append(c)
            i += 1
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Whether the opening parenthesis at the start closes at the very end.
    private static func closes(_ text: String) -> Bool {
        var depth = 0
        for (i, c) in text.enumerated() {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if depth == 0 && i < text.count - 1 { return false }
        }
        return true
    }

    /// `a = b` → [a, b]; anything else (`<=`, `>=`, `!=`, `==` kept out) → [].
    private static func splitEquality(_ text: String) -> [String] {
        let parts = text.components(separatedBy: "=")
        guard parts.count == 2, !parts[0].hasSuffix("<"), !parts[0].hasSuffix(">"), !parts[0].hasSuffix("!") else { return [] }
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// `alias.column` or `alias."column"` → its parts.
    private static func reference(_ text: String) -> (alias: String, column: String)? {
        let pattern = #"^([A-Za-z_][A-Za-z0-9_]*)\.(?:([A-Za-z_][A-Za-z0-9_]*)|"([^"]+)")$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        func group(_ i: Int) -> String? {
            guard let range = Range(match.range(at: i), in: text) else { return nil }
            return String(text[range])
        }
        guard let alias = group(1), let column = group(2) ?? group(3) else { return nil }
        return (alias, column)
    }

    /// A constant usable by file skipping for a source key value of `type` (nil: do not prune on it).
    static func literal(_ text: String, type: DataType) -> String? {
        guard case .primitive(let primitive) = type else { return nil }
        switch primitive {
        case .byte, .short, .integer:
            return Int64(text).map(String.init)
        case .long:
            // file skipping compares as doubles: keys beyond 2^53 could round inwards
            guard let value = Int64(text), abs(value) < (1 << 53) else { return nil }
            return String(value)
        case .string:
            return SQL.literal(text)
        case .date:
            return "DATE \(SQL.literal(text))"
        default:
            return nil
        }
    }
}
