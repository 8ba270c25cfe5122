import DeltaLake

/// Delta's interval table properties (`delta.logRetentionDuration`,
/// `delta.deletedFileRetentionDuration`, …): text such as `interval 30 days`, `7 days` or
/// `interval 1 week`, as Spark's `CalendarInterval` parses it.
enum DeltaInterval {
    /// Milliseconds in one unit, by the unit names Spark accepts (singular and plural).
    private static let units: [String: Int64] = [
        "millisecond": 1, "milliseconds": 1, "ms": 1,
        "microsecond": 0, "microseconds": 0,
        "second": 1_000, "seconds": 1_000, "s": 1_000,
        "minute": 60_000, "minutes": 60_000, "m": 60_000,
        "hour": 3_600_000, "hours": 3_600_000, "h": 3_600_000,
        "day": 86_400_000, "days": 86_400_000, "d": 86_400_000,
        "week": 604_800_000, "weeks": 604_800_000,
    ]

    /// The interval in milliseconds, or `nil` when the text is not an interval (months and
    /// years are refused: their length is not fixed).
    static func milliseconds(_ text: String) -> Int64? {
        var words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.first == "interval" { words.removeFirst() }
        guard !words.isEmpty, words.count % 2 == 0 else { return nil }
        var total: Int64 = 0
        for index in stride(from: 0, to: words.count, by: 2) {
            guard let amount = Int64(words[index]), amount >= 0, let unit = units[words[index + 1]] else { return nil }
            let (product, overflow) = amount.multipliedReportingOverflow(by: unit)
            if overflow { return nil }
            total += product
        }
        return total
    }
}

/// The maintenance settings a table's properties choose, with Delta's defaults.
struct DeltaMaintenanceSettings: Sendable, Equatable {
    /// `delta.checkpointInterval`: a checkpoint every this many commits (default 100).
    var checkpointInterval: Int64
    /// `delta.logRetentionDuration`: how long log entries are kept (default 30 days).
    var logRetentionMillis: Int64
    /// `delta.deletedFileRetentionDuration`: how long removed files stay readable (default 1 week).
    var deletedFileRetentionMillis: Int64
    /// `delta.enableExpiredLogCleanup`: whether checkpoints clean up expired log entries (default true).
    var expiredLogCleanup: Bool

    static let defaultCheckpointInterval: Int64 = 100
    static let defaultLogRetentionMillis: Int64 = 30 * 86_400_000
    static let defaultDeletedFileRetentionMillis: Int64 = 7 * 86_400_000

    /// The settings of a table with `metadata`. Unreadable values fall back to the default
    /// (as Spark refuses to set them, a table holding one was written by another tool).
    init(_ metadata: Metadata) {
        let configuration = metadata.configuration
        checkpointInterval = configuration["delta.checkpointInterval"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
            .flatMap { $0 > 0 ? $0 : nil } ?? Self.defaultCheckpointInterval
        logRetentionMillis = configuration["delta.logRetentionDuration"].flatMap(DeltaInterval.milliseconds)
            ?? Self.defaultLogRetentionMillis
        deletedFileRetentionMillis = configuration["delta.deletedFileRetentionDuration"].flatMap(DeltaInterval.milliseconds)
            ?? Self.defaultDeletedFileRetentionMillis
        expiredLogCleanup = configuration["delta.enableExpiredLogCleanup"].map { $0.lowercased() != "false" } ?? true
    }
}
