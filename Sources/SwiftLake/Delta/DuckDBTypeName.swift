import Foundation

/// The shape of a DuckDB type as `DESCRIBE` spells it (`STRUCT("col-a" INTEGER, b VARCHAR)[]`,
/// `MAP(VARCHAR, STRUCT(x BIGINT))`): enough to know which struct fields a Parquet file holds.
indirect enum DuckDBTypeName: Equatable {
    case `struct`([(name: String, type: DuckDBTypeName)])
    case list(DuckDBTypeName)
    case map(key: DuckDBTypeName, value: DuckDBTypeName)
    /// Any other type, as written.
    case other(String)

    /// Parses a type name; nil when it is not one this parser understands.
    init?(_ text: String) {
        var parser = Parser(characters: Array(text), index: 0)
        guard let type = parser.type(), parser.atEnd else { return nil }
        self = type
    }

    /// The type of struct member `name` (exactly, else case-insensitively when unambiguous).
    func member(_ name: String) -> DuckDBTypeName? {
        guard case .struct(let members) = self else { return nil }
        if let exact = members.first(where: { $0.name == name }) { return exact.type }
        let matches = members.filter { $0.name.lowercased() == name.lowercased() }
        return matches.count == 1 ? matches[0].type : nil
    }

    static func == (a: DuckDBTypeName, b: DuckDBTypeName) -> Bool {
        switch (a, b) {
        case (.struct(let x), .struct(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.name == $1.name && $0.type == $1.type }
        case (.list(let x), .list(let y)): return x == y
        case (.map(let k1, let v1), .map(let k2, let v2)): return k1 == k2 && v1 == v2
        case (.other(let x), .other(let y)): return x == y
        default: return false
        }
    }

    private struct Parser {
        let characters: [Character]
        var index: Int

        var atEnd: Bool { skipSpacesCount() == characters.count }

        func skipSpacesCount() -> Int {
            var i = index
            while i < characters.count, characters[i] == " " { i += 1 }
            return i
        }
        mutating func skipSpaces() { index = skipSpacesCount() }

        mutating func consume(_ text: String) -> Bool {
            skipSpaces()
            let word = Array(text)
            guard index + word.count <= characters.count,
                  String(characters[index..<(index + word.count)]).uppercased() == text else { return false }
            index += word.count
            return true
        }

        mutating func type() -> DuckDBTypeName? {
            var base: DuckDBTypeName
            if consume("STRUCT(") {
                var members: [(String, DuckDBTypeName)] = []
                repeat {
                    guard let name = identifier(), let member = type() else { return nil }
                    members.append((name, member))
                } while consume(",")
                guard consume(")") else { return nil }
                base = .struct(members)
            } else if consume("MAP(") {
                guard let key = type(), consume(","), let value = type(), consume(")") else { return nil }
                base = .map(key: key, value: value)
            } else {
                // A plain type, with any parenthesised arguments (DECIMAL(18,3)).
                skipSpaces()
                let start = index
                var depth = 0
                while index < characters.count {
                    let c = characters[index]
                    if c == "(" { depth += 1 } else if c == ")" {
                        if depth == 0 { break }
                        depth -= 1
                    } else if (c == "," || c == "[") && depth == 0 { break }
                    index += 1
                }
                let text = String(characters[start..<index]).trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { return nil }
                base = .other(text)
            }
            while consume("[]") { base = .list(base) }
            return base
        }

        /// A member name: `"quoted ""like"" this"` or a bare word.
        mutating func identifier() -> String? {
            skipSpaces()
            guard index < characters.count else { return nil }
            if characters[index] == "\"" {
                var name = ""
                index += 1
                while index < characters.count {
                    if characters[index] == "\"" {
                        if index + 1 < characters.count, characters[index + 1] == "\"" {
                            name.append("\""); index += 2; continue
                        }
                        index += 1
                        return name
                    }
                    name.append(characters[index]); index += 1
                }
                return nil
            }
            let start = index
            while index < characters.count, characters[index] != " " { index += 1 }
            return index > start ? String(characters[start..<index]) : nil
        }
    }
}
