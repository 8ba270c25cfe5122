import DuckDB
import Foundation

/// Any JSON value, for response fields whose shape depends on the data (statistics of a
/// column of any type).
public indirect enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    /// A number kept as exact text (big integers, decimals).
    case exactNumber(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A DuckDB value in the JSON form query results use (see ``JSONValueWriter``).
    public init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .boolean(let b): self = .bool(b)
        case .tinyint, .smallint, .integer, .bigint, .hugeint, .utinyint, .usmallint, .uinteger, .ubigint, .uhugeint, .decimal:
            self = .exactNumber(JSONValueWriter.json(value))
        case .float(let f) where f.isFinite: self = .number(Double(f))
        case .double(let d) where d.isFinite: self = .number(d)
        case .list(let items), .array(let items): self = .array(items.map(JSONValue.init))
        case .struct(let fields): self = .object(Dictionary(fields.map { ($0.name, JSONValue($0.value)) }, uniquingKeysWith: { a, _ in a }))
        case .map(let entries):
            self = .object(Dictionary(entries.map { entry -> (String, JSONValue) in
                if case .varchar(let key) = entry.key { return (key, JSONValue(entry.value)) }
                return (entry.key.description, JSONValue(entry.value))
            }, uniquingKeysWith: { a, _ in a }))
        case .union(_, let member): self = JSONValue(member)
        case .varchar(let s), .enumeration(let s): self = .string(s)
        default:
            // Non-finite floats, temporal types, UUIDs, blobs: the writer's string form.
            let text = JSONValueWriter.json(value)
            self = .string((try? JSONDecoder().decode(String.self, from: Data(text.utf8))) ?? value.description)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let d = try? container.decode(Double.self) { self = .number(d) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let a = try? container.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .number(let d): try container.encode(d)
        case .exactNumber(let text): try container.encode(Decimal(string: text) ?? 0)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}
