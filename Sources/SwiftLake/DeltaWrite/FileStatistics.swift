import DeltaLake
import DuckDB
import Foundation

/// The per-file statistics of a Delta `add` action (PROTOCOL.md, "Per-file Statistics"),
/// computed by DuckDB from the written files in one aggregate query:
///
/// `{"numRecords":3,"minValues":{"id":1,"s":{"a":"x"}},"maxValues":{…},"nullCount":{"id":0,"s":{"a":1}}}`
///
/// - Leaf columns in schema order, the first `delta.dataSkippingNumIndexedCols` of them
///   (32 by default, -1 for all), or the columns `delta.dataSkippingStatsColumns` names.
/// - Nested struct fields appear as nested objects; arrays, maps and binary get a null
///   count but no minimum or maximum, as in Spark.
/// - Strings are cut to 32 characters (Unicode scalars): the minimum is the prefix, a cut
///   maximum gets U+10FFFF appended so it stays above every value it stands for.
/// - Timestamps are ISO 8601 with milliseconds (`2024-05-01T12:00:00.123Z`; no `Z` for
///   `timestamp_ntz`), truncated as Spark truncates them; dates `yyyy-MM-dd`.
/// - Non-finite floating-point minima and maxima (NaN, ±∞) and decimals of more than 15
///   significant digits (which a JSON number may not carry exactly) are left out.
struct FileStatistics {
    /// One leaf column that gets statistics.
    struct Leaf {
        var path: [String]
        var type: DataType
        /// Whether the type has a minimum and maximum in Delta statistics.
        var hasBounds: Bool
    }

    static let stringPrefixLength = 32

    let leaves: [Leaf]

    /// The statistics columns of `dataFields` (the table's columns minus its partition
    /// columns) under the table's configuration.
    init(dataFields: [DeltaLake.StructField], configuration: [String: String]) {
        var all: [Leaf] = []
        func visit(_ field: DeltaLake.StructField, prefix: [String]) {
            let path = prefix + [field.name]
            switch field.type {
            case .struct(let s): for child in s.fields { visit(child, prefix: path) }
            case .array, .map: all.append(Leaf(path: path, type: field.type, hasBounds: false))
            case .primitive(let p):
                let bounded: Bool = switch p {
                case .binary, .variant, .other: false
                default: true
                }
                all.append(Leaf(path: path, type: field.type, hasBounds: bounded))
            }
        }
        for field in dataFields { visit(field, prefix: []) }
        if let named = configuration["delta.dataSkippingStatsColumns"], !named.trimmingCharacters(in: .whitespaces).isEmpty {
            let wanted = named.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
            leaves = all.filter { leaf in
                wanted.contains { w in
                    let parts = w.split(separator: ".").map(String.init)
                    return Array(leaf.path.prefix(parts.count)) == parts
                }
            }
        } else {
            let limit = Int(configuration["delta.dataSkippingNumIndexedCols"] ?? "") ?? 32
            leaves = limit < 0 ? all : Array(all.prefix(limit))
        }
    }

    /// The SQL expression reading a leaf from a row of the file.
    private static func expression(_ path: [String]) -> String {
        var sql = SQL.identifier(path[0])
        for name in path.dropFirst() { sql = "struct_extract(\(sql), \(SQL.literal(name)))" }
        return sql
    }

    /// One row per file: file name, row count, then null count, min and max per leaf.
    func query(files: [String], fileColumn: String) -> String {
        var items = [SQL.identifier(fileColumn), "count(*)"]
        for leaf in leaves {
            let e = Self.expression(leaf.path)
            items.append("count(*) - count(\(e))")
            if leaf.hasBounds {
                items.append("min(\(e))")
                items.append("max(\(e))")
            }
        }
        let source = SQL.readParquet(files, extraOptions: ["hive_partitioning = false", "filename = \(SQL.literal(fileColumn))"])
        return "SELECT \(items.joined(separator: ", ")) FROM \(source) GROUP BY 1"
    }

    /// Whether ``footerQuery(files:)`` can stand in for ``query(files:fileColumn:)``: every
    /// leaf is a primitive column (arrays and maps need the rows to count null values; the
    /// Parquet footer only counts their elements), named without `,` (the footer joins a
    /// nested column's path with `", "`).
    var footerEligible: Bool {
        leaves.allSatisfy { leaf in
            guard case .primitive(let primitive) = leaf.type else { return false }
            switch primitive {
            case .variant, .other: return false
            default: return !leaf.path.contains { $0.contains(",") }
            }
        }
    }

    /// The rows of ``query(files:fileColumn:)`` from the files' Parquet footers only
    /// (`parquet_metadata`), for files this library has just written with DuckDB: no row is
    /// read again. Per file, the row count sums the row groups; per leaf, null counts sum
    /// and minima and maxima take the least and greatest of the row groups', cast back to
    /// the column's type. A bound is NULL (left out, which is always safe) unless every
    /// row group with a value has an exact bound and no NaN; a null count is NULL when a
    /// row group lacks it, which ``statistics(fromFooter:)`` reports as nil so the caller
    /// can fall back to the scan.
    func footerQuery(files: [String]) throws -> String {
        var items = ["file_name", "CAST(sum(row_group_num_rows) FILTER (WHERE column_id = 0) AS BIGINT)"]
        let rowGroups = "count(*) FILTER (WHERE column_id = 0)"
        for leaf in leaves {
            let path = SQL.literal(leaf.path.joined(separator: ", "))
            let here = "path_in_schema = \(path)"
            items.append("""
                CASE WHEN count(*) FILTER (WHERE \(here) AND stats_null_count IS NOT NULL) = \(rowGroups) \
                THEN CAST(sum(CASE WHEN \(here) THEN stats_null_count END) AS BIGINT) END
                """)
            if leaf.hasBounds {
                let type = try DeltaColumnTypes.duckDBType(leaf.type, column: leaf.path.joined(separator: "."))
                let allNull = "coalesce(stats_null_count = num_values, false)"
                let noNaN = "coalesce(stats_nan_count, 0) = 0"
                for (bound, exact, aggregate) in [("stats_min_value", "min_is_exact", "min"), ("stats_max_value", "max_is_exact", "max")] {
                    let usable = "(\(allNull) OR (\(bound) IS NOT NULL AND coalesce(\(exact), false) AND \(noNaN)))"
                    items.append("""
                        CASE WHEN count(*) FILTER (WHERE \(here) AND \(usable)) = \(rowGroups) \
                        THEN \(aggregate)(CAST(CASE WHEN \(here) THEN \(bound) END AS \(type))) END
                        """)
                }
            }
        }
        return "SELECT \(items.joined(separator: ", ")) FROM parquet_metadata(\(SQL.list(files))) GROUP BY 1"
    }

    /// ``statistics(from:)`` of ``footerQuery(files:)``'s rows, or nil when a file's footer
    /// lacks a row count or a null count (then the files must be scanned).
    func statistics(fromFooter rows: [[Value]], files: [String]) -> [String: (numRecords: Int64, json: String)]? {
        for row in rows {
            var index = 1
            if row[index].isNull { return nil }
            index += 1
            for leaf in leaves {
                if row[index].isNull { return nil }
                index += leaf.hasBounds ? 3 : 1
            }
        }
        return statistics(from: rows)
    }

    /// The statistics of every file, by path, from the rows of ``query(files:fileColumn:)``.
    func statistics(from rows: [[Value]]) -> [String: (numRecords: Int64, json: String)] {
        var result: [String: (Int64, String)] = [:]
        for row in rows {
            guard case .varchar(let file) = row[0] else { continue }
            let count = Int64(row[1].intValue)
            var nulls: [String: DeltaLake.JSONValue] = [:], mins: [String: DeltaLake.JSONValue] = [:], maxs: [String: DeltaLake.JSONValue] = [:]
            var index = 2
            for leaf in leaves {
                Self.set(&nulls, leaf.path, .int(Int64(row[index].intValue)))
                index += 1
                if leaf.hasBounds {
                    if let min = Self.bound(row[index], type: leaf.type, isMax: false) { Self.set(&mins, leaf.path, min) }
                    if let max = Self.bound(row[index + 1], type: leaf.type, isMax: true) { Self.set(&maxs, leaf.path, max) }
                    index += 2
                }
            }
            let stats: DeltaLake.JSONValue = .object([
                "numRecords": .int(count), "minValues": .object(mins), "maxValues": .object(maxs), "nullCount": .object(nulls),
            ])
            result[file] = (count, stats.description)
        }
        return result
    }

    private static func set(_ object: inout [String: DeltaLake.JSONValue], _ path: [String], _ value: DeltaLake.JSONValue) {
        guard let first = path.first else { return }
        if path.count == 1 { object[first] = value; return }
        var inner = object[first]?.objectValue ?? [:]
        set(&inner, Array(path.dropFirst()), value)
        object[first] = .object(inner)
    }

    /// A minimum or maximum as Delta statistics write it, or nil when it is left out.
    static func bound(_ value: Value, type: DataType, isMax: Bool) -> DeltaLake.JSONValue? {
        switch value {
        case .null: return nil
        case .boolean(let b): return .bool(b)
        case .tinyint, .smallint, .integer, .bigint, .utinyint, .usmallint, .uinteger: return .int(Int64(value.intValue))
        case .float(let f): return f.isFinite ? .double(Double(f)) : nil
        case .double(let d): return d.isFinite ? .double(d) : nil
        case .decimal:
            let text = value.description
            let digits = text.filter(\.isNumber).drop { $0 == "0" }
            guard digits.count <= 15, let d = Double(text) else { return nil }
            return .double(d)
        case .varchar(let s): return .string(truncated(s, isMax: isMax))
        case .date(let days): return .string(PartitionValues.formatDate(days: days))
        case .timestampTZ(let micros): return .string(milliseconds(micros) + "Z")
        case .timestamp(let micros): return .string(milliseconds(micros))
        default: return nil
        }
    }

    /// `s` cut to ``stringPrefixLength`` scalars; a cut maximum ends in U+10FFFF.
    static func truncated(_ s: String, isMax: Bool) -> String {
        let scalars = s.unicodeScalars
        guard scalars.count > stringPrefixLength else { return s }
        var prefix = String(String.UnicodeScalarView(scalars.prefix(stringPrefixLength)))
        if isMax { prefix.unicodeScalars.append(Unicode.Scalar(0x10FFFF)!) }
        return prefix
    }

    /// `yyyy-MM-ddTHH:mm:ss.SSS` of microseconds since the epoch, truncated to milliseconds.
    static func milliseconds(_ micros: Int64) -> String {
        let floored = micros >= 0 ? micros - micros % 1000 : micros - ((micros % 1000) + 1000) % 1000
        let text = PartitionValues.formatTimestamp(micros: floored)  // yyyy-MM-ddTHH:mm:ss[.ffffff]
        guard let dot = text.firstIndex(of: ".") else { return text + ".000" }
        let fraction = text[text.index(after: dot)...].padding(toLength: 6, withPad: "0", startingAt: 0)
        return String(text[..<dot]) + "." + fraction.prefix(3)
    }
}
