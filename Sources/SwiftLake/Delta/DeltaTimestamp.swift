import Foundation

/// Parses the `timestamp` of a time-travel request into milliseconds since the epoch.
enum DeltaTimestamp {
    /// Milliseconds since the epoch for ISO 8601 text (UTC unless it carries an offset), a
    /// plain date, or a number of milliseconds.
    static func milliseconds(_ text: String) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let millis = Int64(trimmed) { return millis }
        var candidate = trimmed.replacingOccurrences(of: " ", with: "T")
        if candidate.count == 10 { candidate += "T00:00:00" }
        let hasZone = candidate.hasSuffix("Z") || candidate.dropFirst(10).contains("+")
            || candidate.dropFirst(10).contains("-")
        if !hasZone { candidate += "Z" }
        for fractional in [false, true] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
            if let date = formatter.date(from: candidate) {
                return Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
            }
        }
        throw SwiftLakeError.invalid("invalid_timestamp",
            "'timestamp' \(text.debugDescription) is not a time. Use ISO 8601 (e.g. \"2024-05-01T12:00:00Z\") or milliseconds since the epoch.")
    }
}
