import Foundation

extension DecodingError {
    /// Fields whose value is a list of strings (a single string is also accepted), so a
    /// type mismatch on them can say so.
    static let stringListFields: Set<String> = ["paths", "columns", "order_by", "dedupe_on", "partition_by", "drop_columns"]

    /// A message for API clients that names the offending field and says how to fix it:
    /// "missing required field 'paths'", "field 'limit' must be an integer", …
    var clientMessage: String {
        switch self {
        case .keyNotFound(let key, let context):
            let field = Self.fieldName(context.codingPath + [key])
            return "missing required field '\(field)'. Add it to the JSON body (the request schemas are at /docs)."
        case .valueNotFound(let type, let context):
            let field = Self.fieldName(context.codingPath)
            return "field '\(field)' must not be null; give \(Self.describe(type, field: field)) or leave the field out if it is optional."
        case .typeMismatch(let type, let context):
            guard !context.codingPath.isEmpty else {
                return "request body must be a JSON object, e.g. {\"paths\": [\"sales.parquet\"]}."
            }
            let field = Self.fieldName(context.codingPath)
            return "field '\(field)' must be \(Self.describe(type, field: field))."
        case .dataCorrupted(let context):
            guard !context.codingPath.isEmpty else {
                let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return "request body is not valid JSON: \(underlying ?? context.debugDescription). Send a JSON object with Content-Type: application/json."
            }
            return "field '\(Self.fieldName(context.codingPath))' has an invalid value: \(context.debugDescription)"
        @unknown default:
            return "request body could not be decoded: \(self)"
        }
    }

    /// `order_by`, `updates.price`, `paths[2]`.
    static func fieldName(_ path: [any CodingKey]) -> String {
        var name = ""
        for key in path {
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += name.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return name.isEmpty ? "(body)" : name
    }

    /// The JSON kind of value a Swift type decodes from, in words.
    static func describe(_ type: Any.Type, field: String) -> String {
        if stringListFields.contains(field) { return "a list of strings (or a single string)" }
        switch type {
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "a boolean (true or false)"
        case is String.Type: return "a string"
        case is [String].Type: return "a list of strings"
        case is [String: String].Type: return "an object mapping names to strings"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasPrefix("[") && !name.contains(":") { return "a list" }
            if name.hasPrefix("Dictionary") || name.contains(":") { return "an object" }
            return "a value of type \(name)"
        }
    }
}
