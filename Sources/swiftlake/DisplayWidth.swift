/// Terminal cell widths of text, so table columns line up with wide (CJK, emoji) characters
/// and control characters never reach the terminal raw.
enum DisplayWidth {
    /// The number of terminal cells `character` occupies: 2 for East Asian wide and
    /// full-width characters and emoji, otherwise 1.
    static func of(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        return isWide(scalar.value) || character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) ? 2 : 1
    }

    /// The number of terminal cells `text` occupies.
    static func of(_ text: String) -> Int {
        // Fast path: ASCII text (almost every cell) is one cell per byte.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
        var width = 0
        for character in text { width += of(character) }
        return width
    }

    /// `text` cut to at most `width` cells, ending in `…` (after no trailing space) when
    /// something was cut.
    /// A `width` of 0 or less means no limit.
    static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0, of(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        while result.last?.isWhitespace == true { result.removeLast() }
        return result + "…"
    }

    /// `text` with line breaks, tabs and other control characters shown as escapes
    /// (`\n`, `\t`, `\u{1b}`), so one value stays on one table line.
    static func escapingControlCharacters(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v)
    }
}
