import DeltaLake
import SparkConnect

/// Spark's types as Delta types (Delta's type system is Spark's), and which data types a
/// write may put into a column of another type without losing anything.
enum SparkDeltaTypes {
    /// The Delta type of a Spark column, or a 400 naming the column when Delta has none.
    static func deltaType(_ type: SparkDataType, column: String) throws -> DataType {
        switch type {
        case .boolean: return .primitive(.boolean)
        case .byte: return .primitive(.byte)
        case .short: return .primitive(.short)
        case .integer: return .primitive(.integer)
        case .long: return .primitive(.long)
        case .float: return .primitive(.float)
        case .double: return .primitive(.double)
        case .decimal(let p, let s): return .primitive(.decimal(precision: p, scale: s))
        case .string, .char, .varchar: return .primitive(.string)
        case .binary: return .primitive(.binary)
        case .date: return .primitive(.date)
        case .timestamp: return .primitive(.timestamp)
        case .timestampNTZ: return .primitive(.timestampNtz)
        case .array(let element, let containsNull):
            return .array(ArrayType(elementType: try deltaType(element, column: column), containsNull: containsNull))
        case .structure(let fields):
            return .struct(StructType(fields: try fields.map {
                StructField(name: $0.name, type: try deltaType($0.dataType, column: column + "." + $0.name), nullable: $0.nullable)
            }))
        case .map(let key, let value, let valueContainsNull):
            return .map(MapType(keyType: try deltaType(key, column: column), valueType: try deltaType(value, column: column),
                                valueContainsNull: valueContainsNull))
        case .null:
            throw SwiftLakeError.invalid("untyped_column", "Column '\(column)' holds only NULLs and has no type; CAST it in 'sql' (e.g. CAST(NULL AS STRING) AS \(column)).")
        default:
            throw SwiftLakeError.invalid("unsupported_column_type", "Column '\(column)' has the Spark type \(type), which a Delta table cannot hold; CAST it in 'sql'.")
        }
    }

    /// Whether values of `from` fit a column of `to` exactly: the same type, or a wider one
    /// of the same kind (integers to wider integers or to decimals with room, float to
    /// double), recursively for nested types (struct fields in the same order).
    static func fits(_ from: DataType, into to: DataType) -> Bool {
        if from == to { return true }
        switch (from, to) {
        case (.primitive(let a), .primitive(let b)):
            let integers: [PrimitiveType] = [.byte, .short, .integer, .long]
            if let i = integers.firstIndex(of: a), let j = integers.firstIndex(of: b) { return i <= j }
            if let i = integers.firstIndex(of: a), case .decimal(let p, let s) = b { return p - s >= [3, 5, 10, 20][i] }
            if case .decimal(let p1, let s1) = a, case .decimal(let p2, let s2) = b { return s2 >= s1 && p2 - s2 >= p1 - s1 }
            return (a == .float && b == .double)
        case (.array(let a), .array(let b)):
            return fits(a.elementType, into: b.elementType)
        case (.map(let a), .map(let b)):
            return fits(a.keyType, into: b.keyType) && fits(a.valueType, into: b.valueType)
        case (.struct(let a), .struct(let b)):
            // Spark casts structs field by position: the names must line up.
            return a.fields.map(\.name) == b.fields.map(\.name) && zip(a.fields, b.fields).allSatisfy { fits($0.type, into: $1.type) }
        default:
            return false
        }
    }
}
