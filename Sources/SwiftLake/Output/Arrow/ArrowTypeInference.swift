import Foundation
import DuckDB

/// Works out a column's DuckDB type when ``ResultColumn/logicalType`` is missing: from the
/// column's values first, then from DuckDB's spelling of the type (``ResultColumn/type``).
enum ArrowTypeInference {
    /// The type of `values`, or `nil` when every value is `NULL` (nothing to go on).
    ///
    /// The first non-null value decides the kind; nested children are inferred from all the
    /// children of all the values, so `[[NULL], [1]]` is `INTEGER[]`.
    static func logicalType(of values: [Value]) -> LogicalType? {
        guard let first = values.first(where: { !$0.isNull }) else { return nil }
        switch first {
        case .null: return nil
        case .boolean: return .boolean
        case .tinyint: return .tinyint
        case .smallint: return .smallint
        case .integer: return .integer
        case .bigint: return .bigint
        case .hugeint: return .hugeint
        case .utinyint: return .utinyint
        case .usmallint: return .usmallint
        case .uinteger: return .uinteger
        case .ubigint: return .ubigint
        case .uhugeint: return .uhugeint
        case .float: return .float
        case .double: return .double
        case let .decimal(decimal): return .decimal(width: decimal.width, scale: decimal.scale)
        case .varchar: return .varchar
        case .blob: return .blob
        case .date: return .date
        case .time: return .time
        case .timeTZ: return .timeTZ
        case .timestamp: return .timestamp
        case .timestampTZ: return .timestampTZ
        case .timestampS: return .timestampS
        case .timestampMS: return .timestampMS
        case .timestampNS: return .timestampNS
        case .interval: return .interval
        case .uuid: return .uuid
        case .enumeration: return .varchar
        case .bit: return .bit
        case .bignum: return .varint
        case .union: return .other("UNION")
        case .list:
            let elements = values.flatMap { value -> [Value] in
                if case let .list(items) = value { return items }
                return []
            }
            return .list(logicalType(of: elements) ?? .sqlNull)
        case let .array(items):
            let elements = values.flatMap { value -> [Value] in
                if case let .array(items) = value { return items }
                return []
            }
            return .array(logicalType(of: elements) ?? .sqlNull, size: items.count)
        case let .struct(fields):
            return .struct(fields.enumerated().map { index, field in
                let children = values.map { ArrowColumnWriter.structChild(of: $0, index: index, name: field.name) }
                return (name: field.name, type: logicalType(of: children) ?? .sqlNull)
            })
        case .map:
            let entries = values.flatMap { value -> [MapEntry] in
                if case let .map(entries) = value { return entries }
                return []
            }
            return .map(
                key: logicalType(of: entries.map(\.key)) ?? .sqlNull,
                value: logicalType(of: entries.map(\.value)) ?? .sqlNull)
        }
    }

    /// The type DuckDB spells `name` (as ``LogicalType/description`` writes it), for the scalar
    /// types, `DECIMAL(w,s)`, and lists and arrays of those (`INTEGER[]`, `DOUBLE[3]`);
    /// `nil` for anything else.
    static func logicalType(named name: String) -> LogicalType? {
        let text = name.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") {
            guard let child = logicalType(named: String(text[..<open])) else { return nil }
            let size = text[text.index(after: open)..<text.index(before: text.endIndex)]
            if size.isEmpty { return .list(child) }
            return Int(size).map { .array(child, size: $0) }
        }
        let upper = text.uppercased()
        if upper.hasPrefix("DECIMAL(") || upper.hasPrefix("NUMERIC("), upper.hasSuffix(")") {
            let arguments = upper.dropFirst(8).dropLast().split(separator: ",").map {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
            guard arguments.count == 2, let width = arguments[0], let scale = arguments[1] else { return nil }
            return .decimal(width: width, scale: scale)
        }
        return scalarTypes[upper]
    }

    /// Scalar types by their DuckDB names (and the common aliases DuckDB reports them as).
    private static let scalarTypes: [String: LogicalType] = {
        var types: [String: LogicalType] = [:]
        let scalars: [LogicalType] = [
            .boolean, .tinyint, .smallint, .integer, .bigint, .hugeint, .utinyint, .usmallint,
            .uinteger, .ubigint, .uhugeint, .float, .double, .varchar, .blob, .date, .time, .timeTZ,
            .timestamp, .timestampTZ, .timestampS, .timestampMS, .timestampNS, .interval, .uuid,
            .bit, .varint, .sqlNull,
        ]
        for type in scalars { types[type.description] = type }
        types["NULL"] = .sqlNull
        types["VARINT"] = .varint
        types["JSON"] = .varchar
        types["TIMESTAMPTZ"] = .timestampTZ
        types["TIMETZ"] = .timeTZ
        return types
    }()
}
