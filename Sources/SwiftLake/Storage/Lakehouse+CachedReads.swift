import DeltaLake
import DuckDB
import Foundation

extension Lakehouse {
    /// What a query `statement` over table `t` reads of the Parquet files behind `t`: the
    /// columns it names (``SQLColumnReferences``), or the whole files when it may read every
    /// column or DuckDB cannot parse it. `physicalNames` maps a (lowercased) name in the
    /// statement to the names of the file columns it may stand for (Delta column mapping).
    func cachedRead(forStatement statement: String,
                    physicalNames: (String) -> [String] = { [$0] }) async -> CachedRead {
        let serialized: String? = try? await duckdb.withConnection { connection in
            let result = try connection.query("SELECT json_serialize_sql(\(SQL.literal(statement)))")
            guard let chunk = try result.nextChunk(), let first = chunk.rows.first, case .varchar(let text)? = first.first else { return nil }
            return text
        }
        guard let serialized, let names = SQLColumnReferences.names(inSerializedSQL: serialized) else { return .wholeObject }
        return .parquetColumns(Set(names.flatMap(physicalNames)))
    }

    /// What a Delta read `statement` over `schema` reads of the table's data files: the
    /// physical columns of the fields it names (``cachedRead(forStatement:physicalNames:)``).
    func cachedRead(forStatement statement: String, schema: DeltaSchema) async -> CachedRead {
        var physical: [String: [String]] = [:]
        for field in schema.fields { physical[field.name.lowercased(), default: []].append(field.physicalName) }
        return await cachedRead(forStatement: statement) { name in [name] + (physical[name] ?? []) }
    }
}
