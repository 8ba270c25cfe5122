import DeltaLake
import Foundation

/// The Delta types of JSON rows: inferred when a write creates a table (or adds columns),
/// and checked against a table's columns, before any row reaches DuckDB.
///
/// Inference: whole numbers → `long`, other numbers → `double` (a column with both is
/// `double`), strings → `string` (dates and times stay strings: declare the column with
/// `/api/delta/create` to store them as dates), booleans → `boolean`, objects → `struct`,
/// arrays → `array`; a column that is null in every row → `string`.
///
/// Checking is strict: integer columns take whole numbers in range, `float`/`double` any
/// number, decimals numbers or numeric strings, `string` only strings, `boolean` only
/// booleans, dates and timestamps strings (parsed by DuckDB; a timestamp without an offset
/// is UTC), `binary` base64 strings, structs objects (of known fields), arrays arrays,
/// maps objects.
enum RowTypes {
    /// The type of the values of one column across rows, or nil when all are null.
    static func infer(_ values: [DeltaRowValue], column: String) throws -> DataType? {
        var result: DataType?
        for value in values {
            guard let type = try infer(value, column: column) else { continue }
            result = try result.map { try unify($0, type, column: column) } ?? type
        }
        return result
    }

    private static func infer(_ value: DeltaRowValue, column: String) throws -> DataType? {
        switch value {
        case .null: return nil
        case .bool: return .primitive(.boolean)
        case .int: return .primitive(.long)
        case .double: return .primitive(.double)
        case .string: return .primitive(.string)
        case .array(let items):
            let element = try infer(items, column: column + ".element") ?? .primitive(.string)
            return .array(ArrayType(elementType: element, containsNull: true))
        case .object(let members):
            var fields: [DeltaLake.StructField] = []
            for key in members.keys.sorted() {
                fields.append(DeltaLake.StructField(name: key, type: try infer(members[key]!, column: column + "." + key) ?? .primitive(.string)))
            }
            return .struct(StructType(fields: fields))
        }
    }

    private static func unify(_ a: DataType, _ b: DataType, column: String) throws -> DataType {
        if a == b { return a }
        switch (a, b) {
        case (.primitive(.long), .primitive(.double)), (.primitive(.double), .primitive(.long)): return .primitive(.double)
        case (.struct(let x), .struct(let y)):
            var fields = x.fields
            for field in y.fields {
                if let i = fields.firstIndex(where: { $0.name == field.name }) {
                    fields[i].type = try unify(fields[i].type, field.type, column: column + "." + field.name)
                } else {
                    fields.append(field)
                }
            }
            return .struct(StructType(fields: fields))
        case (.array(let x), .array(let y)):
            return .array(ArrayType(elementType: try unify(x.elementType, y.elementType, column: column + ".element"), containsNull: true))
        default:
            throw SwiftLakeError.invalid("mixed_types",
                "Column '\(column)' holds values of different types (\(a) and \(b)) in 'rows'; give every row the same type, or create the table first with the column's type.")
        }
    }

    /// Throws a 400 naming the row and column when `value` cannot be stored in `type`.
    static func check(_ value: DeltaRowValue, _ type: DataType, column: String, row: Int) throws {
        func bad(_ expected: String) -> SwiftLakeError {
            SwiftLakeError.invalid("type_mismatch",
                "Row \(row + 1): column '\(column)' is \(type) but got \(value.kind); give \(expected).")
        }
        if case .null = value { return }
        switch type {
        case .primitive(let p):
            switch (p, value) {
            case (.byte, .int(let i)): guard Int8(exactly: i) != nil else { throw bad("a whole number from -128 to 127") }
            case (.short, .int(let i)): guard Int16(exactly: i) != nil else { throw bad("a whole number from -32768 to 32767") }
            case (.integer, .int(let i)): guard Int32(exactly: i) != nil else { throw bad("a whole number that fits in 32 bits") }
            case (.long, .int): break
            case (.float, .int), (.float, .double), (.double, .int), (.double, .double): break
            case (.decimal, .int), (.decimal, .double), (.decimal, .string): break
            case (.string, .string), (.boolean, .bool), (.date, .string), (.timestamp, .string), (.timestampNtz, .string): break
            case (.binary, .string(let s)): guard Data(base64Encoded: s) != nil else { throw bad("a base64 string") }
            case (.byte, _), (.short, _), (.integer, _), (.long, _): throw bad("a whole number")
            case (.float, _), (.double, _): throw bad("a number")
            case (.decimal, _): throw bad("a number or a numeric string")
            case (.string, _): throw bad("a string (quote it)")
            case (.boolean, _): throw bad("true or false")
            case (.date, _): throw bad("a date string like \"2024-05-01\"")
            case (.timestamp, _), (.timestampNtz, _): throw bad("a timestamp string like \"2024-05-01T12:00:00Z\"")
            case (.binary, _): throw bad("a base64 string")
            default: throw bad("a value of a type SwiftLake can write")
            }
        case .struct(let s):
            guard case .object(let members) = value else { throw bad("an object") }
            for (key, member) in members {
                guard let field = s.fields.first(where: { $0.name == key }) else {
                    throw SwiftLakeError.invalid("unknown_field",
                        "Row \(row + 1): column '\(column)' has no field '\(key)'; its fields: \(s.fields.map(\.name).joined(separator: ", ")).")
                }
                try check(member, field.type, column: column + "." + key, row: row)
            }
        case .array(let a):
            guard case .array(let items) = value else { throw bad("an array") }
            for item in items { try check(item, a.elementType, column: column + ".element", row: row) }
        case .map(let m):
            guard case .object(let members) = value else { throw bad("an object") }
            guard case .primitive(.string) = m.keyType else {
                throw SwiftLakeError.invalid("unsupported_map_key", "Column '\(column)' is a map with \(m.keyType) keys, which JSON rows cannot give; write it from Parquet or 'sql'.")
            }
            for member in members.values { try check(member, m.valueType, column: column + ".value", row: row) }
        }
    }

    /// The DuckDB type `read_json` reads a column of `type` as: text for dates, timestamps,
    /// decimals and binary (converted by ``conversion(_:type:)``), the column's own type otherwise.
    static func readType(_ type: DataType, column: String) throws -> String {
        if case .primitive(let p) = type {
            switch p {
            case .date, .timestamp, .timestampNtz, .decimal, .binary: return "VARCHAR"
            default: break
            }
        }
        return try DeltaColumnTypes.duckDBType(type, column: column)
    }

    /// SQL converting a column read with ``readType(_:column:)`` to its Delta type.
    static func conversion(_ expression: String, type: DataType, column: String) throws -> String {
        guard case .primitive(let p) = type else { return expression }
        switch p {
        case .binary: return "from_base64(\(expression))"
        case .timestamp: return try DeltaColumnTypes.convert(expression, from: .varchar, to: type, column: column)
        case .date, .timestampNtz, .decimal: return "CAST(\(expression) AS \(try DeltaColumnTypes.duckDBType(type, column: column)))"
        default: return expression
        }
    }
}
