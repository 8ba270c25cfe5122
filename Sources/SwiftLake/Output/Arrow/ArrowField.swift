/// One field of an Arrow schema: a column, or a child of a nested column.
struct ArrowField: Equatable, Sendable {
    /// The field name.
    var name: String
    /// The Arrow type.
    var type: ArrowType
    /// Whether the field may hold nulls (every field but map entries and map keys).
    var nullable: Bool = true
    /// The Arrow canonical extension type this field carries (e.g. `"arrow.uuid"`), written
    /// as the `ARROW:extension:name` field metadata.
    var extensionName: String? = nil

    /// The child fields, in the order Arrow lays them out.
    var children: [ArrowField] {
        switch type {
        case let .list(child), let .fixedSizeList(child, _), let .map(child): return [child]
        case let .struct(fields): return fields
        default: return []
        }
    }
}
