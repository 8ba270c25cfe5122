import DeltaLake

/// Reads nested fields under their logical names when column mapping gives them physical
/// names of their own (`delta.columnMapping.physicalName` on a field inside a struct, or
/// inside an array's or a map's struct): the Parquet column holds the physical names, so the
/// value is rebuilt with `struct_pack`, `list_transform` and `map_from_entries`, field by
/// field. A field a file does not hold reads as a typed NULL; a NULL struct stays NULL.
enum NestedColumnMapping {
    /// Whether any field nested in `type` has a physical name other than its logical one.
    static func needsRemap(_ type: DataType) -> Bool {
        switch type {
        case .primitive: return false
        case .struct(let s): return s.fields.contains { $0.physicalName != $0.name || needsRemap($0.type) }
        case .array(let a): return needsRemap(a.elementType)
        case .map(let m): return needsRemap(m.keyType) || needsRemap(m.valueType)
        }
    }

    /// The SQL that reads `expression` (whose file type is `fileType`, when known) as a value
    /// of the Delta `type` with logical names at every level. `depth` keeps lambda parameter
    /// names distinct when lists nest.
    static func remap(_ expression: String, type: DataType, fileType: DuckDBTypeName?, depth: Int = 0) -> String {
        guard needsRemap(type), let fileType else { return expression }
        switch (type, fileType) {
        case (.struct(let s), .struct):
            let members = s.fields.map { field -> String in
                let value: String
                if let memberType = fileType.member(field.physicalName) {
                    let extracted = "struct_extract(\(expression), \(SQL.literal(field.physicalName)))"
                    value = remap(extracted, type: field.type, fileType: memberType, depth: depth)
                } else {
                    value = DeltaScan.typedNull(field.type)
                }
                return "\(SQL.identifier(field.name)) := \(value)"
            }
            return "CASE WHEN \(expression) IS NULL THEN NULL ELSE struct_pack(\(members.joined(separator: ", "))) END"
        case (.array(let a), .list(let element)):
            let parameter = "__swiftlake_e\(depth)"
            let body = remap(parameter, type: a.elementType, fileType: element, depth: depth + 1)
            return "list_transform(\(expression), lambda \(parameter): \(body))"
        case (.map(let m), .map(let key, let value)):
            let parameter = "__swiftlake_e\(depth)"
            let k = remap("\(parameter).key", type: m.keyType, fileType: key, depth: depth + 1)
            let v = remap("\(parameter).value", type: m.valueType, fileType: value, depth: depth + 1)
            return "map_from_entries(list_transform(map_entries(\(expression)), lambda \(parameter): struct_pack(key := \(k), value := \(v))))"
        default:
            return expression
        }
    }
}
