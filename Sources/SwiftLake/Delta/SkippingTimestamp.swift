/// A point in time as file skipping compares them: microseconds since 1970-01-01 00:00, and
/// whether the text it came from named its time zone (`Z`, `+02`, `-08:00`).
///
/// With a zone, `micros` is the UTC instant. Without one it is the wall-clock reading taken as
/// if it were UTC: exact for `timestamp_ntz` columns, and for `timestamp` columns only up to
/// the session's time zone (which ``FileSkipping`` allows for by widening the literal).
struct SkippingTimestamp: Sendable, Equatable {
    var micros: Int64
    var hasZone: Bool

    /// Parses `yyyy-MM-dd`, `yyyy-MM-dd[T ]HH:mm[:ss[.fffffffff]]` with an optional `Z`,
    /// `±HH`, `±HHmm` or `±HH:mm` (also with a space before it), as Delta statistics, DuckDB
    /// and Spark write them. Fractions beyond microseconds are truncated. Anything else is nil.
    init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard let days = Self.days(&rest) else { return nil }
        var micros = Int64(days) * 86_400_000_000
        var hasZone = false
        if let first = rest.first, first == "T" || first == " " || first == "t" {
            rest = rest.dropFirst()
            guard let hour = Self.number(&rest, digits: 2), hour < 24, rest.first == ":" else { return nil }
            rest = rest.dropFirst()
            guard let minute = Self.number(&rest, digits: 2), minute < 60 else { return nil }
            var second = 0
            if rest.first == ":" {
                rest = rest.dropFirst()
                guard let s = Self.number(&rest, digits: 2), s <= 60 else { return nil }
                second = s
            }
            micros += Int64(hour * 3600 + minute * 60 + second) * 1_000_000
            if rest.first == "." {
                rest = rest.dropFirst()
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty, digits.count <= 9 else { return nil }
                rest = rest.dropFirst(digits.count)
                let six = String(digits.prefix(6)).padding(toLength: 6, withPad: "0", startingAt: 0)
                micros += Int64(six)!
            }
        }
        if rest.first == " " { rest = rest.dropFirst() }
        if rest == "Z" || rest == "z" || rest == "UTC" {
            hasZone = true
        } else if let sign = rest.first, sign == "+" || sign == "-" {
            rest = rest.dropFirst()
            guard let hours = Self.number(&rest, digits: 2), hours <= 18 else { return nil }
            if rest.first == ":" { rest = rest.dropFirst() }
            let minutes = rest.isEmpty ? 0 : Self.number(&rest, digits: 2)
            guard let minutes, minutes < 60, rest.isEmpty else { return nil }
            let offset = Int64(hours * 3600 + minutes * 60) * 1_000_000
            micros += sign == "+" ? -offset : offset
            hasZone = true
        } else if !rest.isEmpty {
            return nil
        }
        self.micros = micros
        self.hasZone = hasZone
    }

    init(micros: Int64, hasZone: Bool) {
        self.micros = micros
        self.hasZone = hasZone
    }

    /// Days since 1970-01-01 of a leading `yyyy-MM-dd` (years 1–9999), consumed from `text`.
    private static func days(_ text: inout Substring) -> Int? {
        guard let year = number(&text, digits: 4), year >= 1, text.first == "-" else { return nil }
        text = text.dropFirst()
        guard let month = number(&text, digits: 2), (1...12).contains(month), text.first == "-" else { return nil }
        text = text.dropFirst()
        guard let day = number(&text, digits: 2), (1...31).contains(day) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Exactly `digits` ASCII digits, consumed from `text`.
    private static func number(_ text: inout Substring, digits: Int) -> Int? {
        let head = text.prefix(digits)
        guard head.count == digits, head.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        text = text.dropFirst(digits)
        return Int(head)
    }
}
