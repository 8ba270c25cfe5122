import Foundation

/// The columns a `SELECT` over table `t` may read, from DuckDB's parse of it
/// (`json_serialize_sql`), so that an S3 read fetches only those columns' chunks.
///
/// Deliberately conservative, because a column missed here would be read from a hole:
/// - Every string anywhere in the parse (column references, `USING` columns, aliases,
///   literals, function names) counts as a possible column name. Over-counting costs a few
///   bytes; nothing that names a column can be missed.
/// - Anything that reads columns without naming them means "all columns" (`nil`): `*`,
///   `COLUMNS(…)`, `#1` positional references, the whole row as a value (`t`), table
///   functions, a statement DuckDB cannot serialise (`PIVOT`, anything but `SELECT`).
enum SQLColumnReferences {
    /// The lowercased names the statement `json` (the output of `json_serialize_sql`) may
    /// read from `table`, or nil when it may read every column.
    static func names(inSerializedSQL json: String, table: String = "t") -> Set<String>? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              root["error"] as? Bool == false, root["statements"] != nil else { return nil }
        var names = Set<String>()
        var everything = false
        let table = table.lowercased()
        func walk(_ value: Any) {
            guard !everything else { return }
            switch value {
            case let object as [String: Any]:
                let kind = (object["class"] as? String) ?? ""
                let type = (object["type"] as? String) ?? ""
                if kind == "STAR" || kind == "POSITIONAL_REFERENCE" || type == "TABLE_FUNCTION" || type.contains("PIVOT") {
                    everything = true
                    return
                }
                if kind == "COLUMN_REF", let path = object["column_names"] as? [String], path.count == 1,
                   path[0].lowercased() == table {
                    everything = true
                    return
                }
                for child in object.values { walk(child) }
            case let array as [Any]:
                for child in array { walk(child) }
            case let string as String:
                names.insert(string.lowercased())
            default:
                break
            }
        }
        walk(root)
        return everything ? nil : names
    }
}
