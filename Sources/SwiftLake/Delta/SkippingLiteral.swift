import DeltaLake

/// A constant in a skipping predicate: a number, a string, a date (`YYYY-MM-DD`), a boolean,
/// or a timestamp.
enum SkippingLiteral: Sendable, Equatable {
    case number(Double)
    /// An untyped string constant; compared with date and timestamp columns the way DuckDB
    /// casts it (as a date or timestamp).
    case string(String)
    case date(String)
    case boolean(Bool)
    /// A `TIMESTAMP`/`TIMESTAMPTZ` constant; `zoned` when its declared type has a time zone.
    case timestamp(SkippingTimestamp, zoned: Bool)

    /// A literal from a `VALUE_CONSTANT` node, or a `CAST(… AS DATE|TIMESTAMP|TIMESTAMPTZ)`
    /// of a string constant (how DuckDB parses `DATE '…'` and `TIMESTAMP '…'` too).
    init?(node: DeltaLake.JSONValue) {
        switch node["type"]?.stringValue {
        case "VALUE_CONSTANT":
            guard let kind = node["literal"]?["kind"]?.stringValue, let text = node["literal"]?["text"]?.stringValue else { return nil }
            switch kind {
            case "INTEGER", "NUMERIC":
                guard let number = Double(text), number.isFinite else { return nil }
                self = .number(number)
            case "STRING": self = .string(text)
            case "BOOLEAN":
                switch text.lowercased() {
                case "true": self = .boolean(true)
                case "false": self = .boolean(false)
                default: return nil
                }
            default: return nil
            }
        case "OPERATOR_CAST":
            guard node["try_cast"]?.boolValue != true,
                  let type = node["type_expr"]?["type_name"]?.stringValue?.uppercased(),
                  let child = node["child"], case .string(let text)? = SkippingLiteral(node: child) else { return nil }
            switch type {
            case "DATE":
                guard SkippingLiteral.isDate(text) else { return nil }
                self = .date(text)
            case "TIMESTAMP", "DATETIME", "TIMESTAMP WITHOUT TIME ZONE":
                // A zone in the text of a naive timestamp: how DuckDB applies it is not ours to guess.
                guard let timestamp = SkippingTimestamp(text), !timestamp.hasZone else { return nil }
                self = .timestamp(timestamp, zoned: false)
            case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
                guard let timestamp = SkippingTimestamp(text) else { return nil }
                self = .timestamp(timestamp, zoned: true)
            default:
                return nil
            }
        default:
            return nil
        }
    }

    /// Whether `text` is a plain `YYYY-MM-DD` date (which orders correctly as text).
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45 else { return false }
        return bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }
    }
}
