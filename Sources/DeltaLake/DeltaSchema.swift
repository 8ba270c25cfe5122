/// A Delta table schema (PROTOCOL.md, "Schema Serialization Format"): a struct of fields,
/// parsed from `metaData.schemaString` and rendered back to the same JSON.
public struct DeltaSchema: Sendable, Hashable, CustomStringConvertible {
    /// The top-level columns, in order.
    public var fields: [StructField]

    /// Creates a schema.
    public init(fields: [StructField]) { self.fields = fields }

    /// Parses a schema string (`{"type":"struct","fields":[...]}`).
    public init(json text: String) throws {
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch {
            throw DeltaError(.corruptLog, "the table schema is not valid JSON: \(error)")
        }
        guard case .struct(let type) = try DataType(json: json) else {
            throw DeltaError(.corruptLog, "the table schema must be a struct type, got \(json)")
        }
        fields = type.fields
    }

    /// The field named `name` (logical name, exact match), if any.
    public func field(named name: String) -> StructField? { fields.first { $0.name == name } }

    /// The schema as Delta JSON.
    public var json: JSONValue { DataType.struct(StructType(fields: fields)).json }

    /// The schema string as Delta writes it (`{"type":"struct","fields":[...]}`).
    public var description: String { json.description }
}

/// A Delta data type.
public indirect enum DataType: Sendable, Hashable, CustomStringConvertible {
    case primitive(PrimitiveType)
    case `struct`(StructType)
    case array(ArrayType)
    case map(MapType)

    /// Parses a type: a primitive name (`"long"`, `"decimal(10,2)"`) or a nested object.
    public init(json: JSONValue) throws {
        switch json {
        case .string(let name):
            self = .primitive(try PrimitiveType(name: name))
        case .object(let members):
            switch members["type"]?.stringValue {
            case "struct":
                guard let items = members["fields"]?.arrayValue else {
                    throw DeltaError(.corruptLog, "struct type without 'fields': \(json)")
                }
                self = .struct(StructType(fields: try items.map(StructField.init(json:))))
            case "array":
                guard let element = members["elementType"] else {
                    throw DeltaError(.corruptLog, "array type without 'elementType': \(json)")
                }
                self = .array(ArrayType(elementType: try DataType(json: element),
                                        containsNull: members["containsNull"]?.boolValue ?? true))
            case "map":
                guard let key = members["keyType"], let value = members["valueType"] else {
                    throw DeltaError(.corruptLog, "map type without 'keyType'/'valueType': \(json)")
                }
                self = .map(MapType(keyType: try DataType(json: key), valueType: try DataType(json: value),
                                    valueContainsNull: members["valueContainsNull"]?.boolValue ?? true))
            default:
                throw DeltaError(.corruptLog, "unknown nested type \(json)")
            }
        default:
            throw DeltaError(.corruptLog, "a data type must be a string or an object, got \(json)")
        }
    }

    /// The type as Delta JSON.
    public var json: JSONValue {
        switch self {
        case .primitive(let p): return .string(p.name)
        case .struct(let s): return .object(["type": .string("struct"), "fields": .array(s.fields.map(\.json))])
        case .array(let a):
            return .object(["type": .string("array"), "elementType": a.elementType.json, "containsNull": .bool(a.containsNull)])
        case .map(let m):
            return .object(["type": .string("map"), "keyType": m.keyType.json, "valueType": m.valueType.json,
                            "valueContainsNull": .bool(m.valueContainsNull)])
        }
    }

    public var description: String {
        switch self {
        case .primitive(let p): return p.name
        case .struct(let s): return "struct<" + s.fields.map { "\($0.name): \($0.type)" }.joined(separator: ", ") + ">"
        case .array(let a): return "array<\(a.elementType)>"
        case .map(let m): return "map<\(m.keyType), \(m.valueType)>"
        }
    }
}

/// Delta's primitive types.
public enum PrimitiveType: Sendable, Hashable {
    case string, long, integer, short, byte, float, double, boolean, binary, date
    /// Microseconds since the epoch, UTC-adjusted.
    case timestamp
    /// Microseconds since the epoch, no time zone (the `timestampNtz` feature).
    case timestampNtz
    /// Fixed-point decimal with `precision` digits, `scale` of them after the point.
    case decimal(precision: Int, scale: Int)
    /// Semi-structured data (the `variantType` feature).
    case variant
    /// A type name this library does not know (kept so the schema renders back unchanged).
    case other(String)

    /// Parses a primitive type name.
    public init(name: String) throws {
        switch name {
        case "string": self = .string
        case "long": self = .long
        case "integer": self = .integer
        case "short": self = .short
        case "byte": self = .byte
        case "float": self = .float
        case "double": self = .double
        case "boolean": self = .boolean
        case "binary": self = .binary
        case "date": self = .date
        case "timestamp": self = .timestamp
        case "timestamp_ntz": self = .timestampNtz
        case "variant": self = .variant
        default:
            if name.hasPrefix("decimal") {
                let inner = name.dropFirst("decimal".count).trimmingCharacters(in: " ")
                if inner.isEmpty { self = .decimal(precision: 10, scale: 0); return }
                guard inner.hasPrefix("("), inner.hasSuffix(")") else {
                    throw DeltaError(.corruptLog, "malformed decimal type '\(name)'; expected decimal(p,s)")
                }
                let parts = inner.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: " ") }
                guard parts.count == 2, let p = Int(parts[0]), let s = Int(parts[1]), p >= 1, p <= 38, s >= 0, s <= p else {
                    throw DeltaError(.corruptLog, "malformed decimal type '\(name)'; expected decimal(p,s) with 1 ≤ p ≤ 38, 0 ≤ s ≤ p")
                }
                self = .decimal(precision: p, scale: s)
            } else {
                self = .other(name)
            }
        }
    }

    /// The type's name in Delta JSON.
    public var name: String {
        switch self {
        case .string: return "string"
        case .long: return "long"
        case .integer: return "integer"
        case .short: return "short"
        case .byte: return "byte"
        case .float: return "float"
        case .double: return "double"
        case .boolean: return "boolean"
        case .binary: return "binary"
        case .date: return "date"
        case .timestamp: return "timestamp"
        case .timestampNtz: return "timestamp_ntz"
        case .decimal(let p, let s): return "decimal(\(p),\(s))"
        case .variant: return "variant"
        case .other(let name): return name
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}

/// A struct type's fields.
public struct StructType: Sendable, Hashable {
    /// The fields, in order.
    public var fields: [StructField]
    /// Creates a struct type.
    public init(fields: [StructField]) { self.fields = fields }
}

/// An array type.
public struct ArrayType: Sendable, Hashable {
    /// The element type.
    public var elementType: DataType
    /// Whether elements may be null.
    public var containsNull: Bool
    /// Creates an array type.
    public init(elementType: DataType, containsNull: Bool) {
        self.elementType = elementType
        self.containsNull = containsNull
    }
}

/// A map type.
public struct MapType: Sendable, Hashable {
    /// The key type.
    public var keyType: DataType
    /// The value type.
    public var valueType: DataType
    /// Whether values may be null.
    public var valueContainsNull: Bool
    /// Creates a map type.
    public init(keyType: DataType, valueType: DataType, valueContainsNull: Bool) {
        self.keyType = keyType
        self.valueType = valueType
        self.valueContainsNull = valueContainsNull
    }
}

/// One column (or nested field) of a schema.
public struct StructField: Sendable, Hashable {
    /// The logical name users see.
    public var name: String
    /// The field's type.
    public var type: DataType
    /// Whether the field may be null.
    public var nullable: Bool
    /// Field metadata: column mapping (`delta.columnMapping.*`), identity columns,
    /// generation expressions, comments, type-widening history.
    public var metadata: [String: JSONValue]

    /// Creates a field.
    public init(name: String, type: DataType, nullable: Bool = true, metadata: [String: JSONValue] = [:]) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.metadata = metadata
    }

    /// Parses a field object.
    public init(json: JSONValue) throws {
        guard let name = json["name"]?.stringValue, let type = json["type"] else {
            throw DeltaError(.corruptLog, "a schema field needs 'name' and 'type': \(json)")
        }
        self.name = name
        self.type = try DataType(json: type)
        nullable = json["nullable"]?.boolValue ?? true
        metadata = json["metadata"]?.objectValue ?? [:]
    }

    /// The field as Delta JSON.
    public var json: JSONValue {
        .object(["name": .string(name), "type": type.json, "nullable": .bool(nullable), "metadata": .object(metadata)])
    }

    /// The column's name in the data files under column mapping (`delta.columnMapping.physicalName`),
    /// or the logical name without column mapping.
    public var physicalName: String { metadata["delta.columnMapping.physicalName"]?.stringValue ?? name }

    /// The column mapping id (`delta.columnMapping.id`), used to match Parquet field ids in `id` mode.
    public var columnMappingId: Int64? { metadata["delta.columnMapping.id"]?.int64Value }
}
