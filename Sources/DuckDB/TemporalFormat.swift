/// Text forms of DuckDB's date and time types, exactly as `CAST(x AS VARCHAR)` writes them
/// (proleptic Gregorian calendar, `(BC)` for years before 1, `infinity` for the special values).
enum TemporalFormat {
    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400 * microsPerSecond
    static let nanosPerDay: Int64 = microsPerDay * 1000

    /// Year, month and day of `days` since 1970-01-01 (year 0 is 1 BC).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        // Days are counted from 0000-03-01 so that each 400-year era starts right after a leap day.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097  // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0...365, from March 1
        let monthIndex = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// `"2024-02-29"`, `"0044-03-15 (BC)"`, `"infinity"`.
    static func date(days: Int32) -> String {
        if days == Int32.max { return "infinity" }
        if days == -Int32.max { return "-infinity" }
        let (datePart, bc) = dateParts(days: Int64(days))
        return bc ? datePart + " (BC)" : datePart
    }

    /// `"12:00:00"`, `"12:00:00.5"`: fractional digits only as far as they are not zero.
    static func time(micros: Int64) -> String {
        clock(nanosOfDay: micros * 1000)
    }

    /// `"12:00:00+05:30"`.
    static func timeTZ(micros: Int64, offsetSeconds: Int32) -> String {
        var text = time(micros: micros)
        let negative = offsetSeconds < 0
        var seconds = Int(offsetSeconds.magnitude)
        let hours = seconds / 3600
        seconds %= 3600
        let minutes = seconds / 60
        seconds %= 60
        text += negative ? "-" : "+"
        text += hours < 100 ? twoDigits(Int64(hours)) : String(hours)
        if minutes != 0 || seconds != 0 { text += ":" + twoDigits(Int64(minutes)) }
        if seconds != 0 { text += ":" + twoDigits(Int64(seconds)) }
        return text
    }

    /// `"2024-01-31 12:00:00.5"`, with `"+00"` appended for `TIMESTAMP WITH TIME ZONE`.
    static func timestamp(micros: Int64, withTimeZone: Bool = false) -> String {
        if micros == Int64.max { return "infinity" }
        if micros == -Int64.max { return "-infinity" }
        let days = floorDivide(micros, microsPerDay)
        let rest = micros - days * microsPerDay
        return timestamp(days: days, nanosOfDay: rest * 1000, withTimeZone: withTimeZone)
    }

    /// `TIMESTAMP_NS` (and `TIMESTAMPTZ_NS`): up to nine fractional digits.
    static func timestampNS(nanos: Int64, withTimeZone: Bool = false) -> String {
        if nanos == Int64.max { return "infinity" }
        if nanos == -Int64.max { return "-infinity" }
        let days = floorDivide(nanos, nanosPerDay)
        return timestamp(days: days, nanosOfDay: nanos - days * nanosPerDay, withTimeZone: withTimeZone)
    }

    /// `TIME_NS`: `"12:00:00.000000001"`.
    static func timeNS(nanos: Int64) -> String {
        clock(nanosOfDay: nanos)
    }

    /// `TIMESTAMP_S` and `TIMESTAMP_MS`, which DuckDB prints as microsecond timestamps.
    static func timestamp(units: Int64, microsPerUnit: Int64) -> String {
        if units == Int64.max { return "infinity" }
        if units == -Int64.max { return "-infinity" }
        let (micros, overflow) = units.multipliedReportingOverflow(by: microsPerUnit)
        return overflow ? String(units) : timestamp(micros: micros)
    }

    /// `"1 year 2 months 3 days 04:05:06.5"`, `"00:00:00"` for an empty interval.
    static func interval(months: Int32, days: Int32, micros: Int64) -> String {
        var parts: [String] = []
        func unit(_ value: Int32, _ name: String) {
            guard value != 0 else { return }
            parts.append("\(value) \(name)" + (value == 1 || value == -1 ? "" : "s"))
        }
        if months != 0 {
            let years = months / 12
            unit(years, "year")
            unit(months - years * 12, "month")
        }
        unit(days, "day")
        if micros != 0 {
            let negative = micros < 0
            var rest = micros.magnitude
            let hours = rest / 3_600_000_000
            rest %= 3_600_000_000
            let minutes = rest / 60_000_000
            rest %= 60_000_000
            let seconds = rest / 1_000_000
            rest %= 1_000_000
            var text = negative ? "-" : ""
            text += hours < 10 ? "0\(hours)" : "\(hours)"
            text += ":" + twoDigits(Int64(minutes)) + ":" + twoDigits(Int64(seconds))
            if rest != 0 { text += "." + trimmedFraction(Int64(rest), digits: 6) }
            parts.append(text)
        } else if parts.isEmpty {
            return "00:00:00"
        }
        return parts.joined(separator: " ")
    }

    // MARK: - Pieces

    private static func timestamp(days: Int64, nanosOfDay: Int64, withTimeZone: Bool) -> String {
        let (datePart, bc) = dateParts(days: days)
        // DuckDB writes the era right after the date: "0044-03-15 (BC) 12:00:00".
        var text = datePart + (bc ? " (BC)" : "") + " " + clock(nanosOfDay: nanosOfDay)
        if withTimeZone { text += "+00" }
        return text
    }

    /// `"YYYY-MM-DD"` (at least four year digits) and whether the year is BC.
    private static func dateParts(days: Int64) -> (String, Bool) {
        var (year, month, day) = civil(fromDays: days)
        let bc = year <= 0
        if bc { year = -year + 1 }
        let yearText = String(year)
        let padded = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return (padded + "-" + twoDigits(month) + "-" + twoDigits(day), bc)
    }

    /// `"HH:MM:SS[.fraction]"` from nanoseconds since midnight.
    private static func clock(nanosOfDay: Int64) -> String {
        var rest = nanosOfDay
        let hours = rest / 3_600_000_000_000
        rest %= 3_600_000_000_000
        let minutes = rest / 60_000_000_000
        rest %= 60_000_000_000
        let seconds = rest / 1_000_000_000
        rest %= 1_000_000_000
        var text = twoDigits(hours) + ":" + twoDigits(minutes) + ":" + twoDigits(seconds)
        if rest != 0 { text += "." + trimmedFraction(rest, digits: 9) }
        return text
    }

    /// `value` zero-padded to `digits` digits, trailing zeros removed.
    private static func trimmedFraction(_ value: Int64, digits: Int) -> String {
        let raw = String(value)
        var text = String(repeating: "0", count: max(0, digits - raw.count)) + raw
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
