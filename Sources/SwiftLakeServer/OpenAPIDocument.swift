import Foundation
import SwiftLake
import Yams

/// The hand-kept OpenAPI 3.1 description of this API (`Resources/openapi.yaml`), and the same
/// document as JSON, converted once at start-up with the YAML's key order kept.
public struct OpenAPIDocument: Sendable {
    /// The spec as written.
    public let yaml: String
    /// The spec as JSON.
    public let json: String

    /// Loads the bundled spec and converts it.
    public static func bundled() throws -> OpenAPIDocument {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "openapi", withExtension: "yaml")
        else {
            throw SwiftLakeError(.internal, code: "openapi_missing", "The bundled openapi.yaml is missing from SwiftLakeServer's resources.")
        }
        return try OpenAPIDocument(yaml: String(contentsOf: url, encoding: .utf8))
    }

    /// Converts `yaml` to JSON.
    public init(yaml: String) throws {
        guard let root = try Yams.compose(yaml: yaml) else {
            throw SwiftLakeError(.internal, code: "openapi_invalid", "openapi.yaml is empty.")
        }
        var out = ""
        try Self.writeJSON(root, into: &out)
        self.yaml = yaml
        self.json = out
    }

    /// Appends `node` as JSON: mappings keep their order, scalars keep their resolved YAML type
    /// (so `200:` keys become `"200"` and `example: 5` stays a number).
    static func writeJSON(_ node: Node, into out: inout String) throws {
        switch node {
        case .mapping(let mapping):
            out += "{"
            for (i, (key, value)) in mapping.enumerated() {
                if i > 0 { out += "," }
                JSONValueWriter.writeString(key.string ?? "", into: &out)
                out += ":"
                try writeJSON(value, into: &out)
            }
            out += "}"
        case .sequence(let sequence):
            out += "["
            for (i, item) in sequence.enumerated() {
                if i > 0 { out += "," }
                try writeJSON(item, into: &out)
            }
            out += "]"
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: out += "null"
            case .bool: out += (node.bool ?? false) ? "true" : "false"
            case .int:
                if let value = node.int { out += String(value) } else { JSONValueWriter.writeString(scalar.string, into: &out) }
            case .float:
                if let value = node.float, value.isFinite { out += String(value) } else { JSONValueWriter.writeString(scalar.string, into: &out) }
            default: JSONValueWriter.writeString(scalar.string, into: &out)
            }
        case .alias:
            throw SwiftLakeError(.internal, code: "openapi_invalid", "openapi.yaml uses a YAML alias; write the value out instead.")
        }
    }
}
