/// The structured form of a query (`columns`, `filter`, `order_by`) as SQL.
struct StructuredQuery {
    var columns: [String]?
    var filter: String?
    var orderBy: [String]?

    func sql(from table: String) -> String {
        let projection = columns.map { $0.isEmpty ? "*" : $0.map(SQL.identifier).joined(separator: ", ") } ?? "*"
        var text = "SELECT \(projection) FROM \(table)"
        if let filter, !filter.isEmpty { text += " WHERE \(filter)" }
        if let orderBy, !orderBy.isEmpty { text += " ORDER BY \(orderBy.joined(separator: ", "))" }
        return text
    }
}
