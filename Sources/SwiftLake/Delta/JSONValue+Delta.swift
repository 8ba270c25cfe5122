import DeltaLake

extension JSONValue {
    /// A JSON value from the Delta log (integers stay exact).
    init(delta value: DeltaLake.JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .exactNumber(String(i))
        case .double(let d): self = d.isFinite ? .number(d) : .string(String(d))
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(JSONValue.init(delta:)))
        case .object(let members): self = .object(members.mapValues(JSONValue.init(delta:)))
        }
    }
}
