import DeltaLake
import DuckDB
import Foundation

/// Partition values as a Delta log stores them and as directories hold them
/// (PROTOCOL.md, "Partition Value Serialization"; Spark's Hive-style `col=value` paths).
enum PartitionPath {
    /// The directory name Hive, Spark and delta-rs use for a NULL partition value.
    static let nullDirectory = "__HIVE_DEFAULT_PARTITION__"

    /// The serialized partition value of `value` (a DuckDB value of the column's type), or
    /// nil for NULL. Dates are `yyyy-MM-dd`; timestamps ISO 8601 in UTC with microseconds
    /// and `Z`; naive timestamps `yyyy-MM-dd HH:mm:ss.ffffff`; an empty string is NULL,
    /// as Spark writes it.
    static func serialize(_ value: Value, type: DataType, column: String) throws -> String? {
        switch value {
        case .null: return nil
        case .varchar(let s): return s.isEmpty ? nil : s
        case .boolean(let b): return b ? "true" : "false"
        case .date(let days): return PartitionValues.formatDate(days: days)
        case .timestampTZ(let micros): return PartitionValues.formatTimestamp(micros: micros) + "Z"
        case .timestamp(let micros):
            return PartitionValues.formatTimestamp(micros: micros).replacingOccurrences(of: "T", with: " ")
        case .blob:
            throw SwiftLakeError.invalid("unsupported_partition_column",
                "Partition column '\(column)' is binary; partition by a string, number, boolean, date or timestamp column instead.")
        case .double(let d) where !d.isFinite:
            throw SwiftLakeError.invalid("unsupported_partition_value",
                "Partition column '\(column)' has the value \(d), which cannot be a partition value.")
        case .float(let f) where !f.isFinite:
            throw SwiftLakeError.invalid("unsupported_partition_value",
                "Partition column '\(column)' has the value \(value), which cannot be a partition value.")
        default:
            return value.description
        }
    }

    /// `column=value` with Hive's escaping of the characters a path cannot hold as they
    /// are (`/`, `=`, `%`, `:`, control characters, …), NULL as ``nullDirectory``.
    static func directory(column: String, value: String?) -> String {
        escape(column) + "=" + (value.map(escape) ?? nullDirectory)
    }

    /// Hive's path-name escaping (Spark's `ExternalCatalogUtils.escapePathName`).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || "\"#%'*/:=?\\{[]^".unicodeScalars.contains(scalar) {
                out += String(format: "%%%02X", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A relative path as the Delta log writes it: a URI path, percent-encoded (so the `%`
    /// of Hive's escaping becomes `%25`).
    static func logPath(_ relative: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "%;?#[]")
        return relative.addingPercentEncoding(withAllowedCharacters: allowed) ?? relative
    }
}
