import DuckDB

/// Column readers for ``DuckDBCheckpointReader``: the values of some rows of one column of a
/// ``DuckDB/RawChunk``, read from DuckDB's vector memory when its layout is the usual one
/// (VARCHAR, BIGINT/INTEGER, BOOLEAN) and through ``DuckDB/Value`` otherwise, with the field
/// rules of ``DuckDBCheckpointReader``. A column index below 0 (a field the file lacks) reads
/// as all NULL.
enum CheckpointColumns {
    static func strings(_ chunk: RawChunk, _ column: Int, _ rows: [Int]) throws -> [String?] {
        if column < 0 { return [String?](repeating: nil, count: rows.count) }
        let raw: [String?]? = chunk.withColumn(column) { vector in
            guard vector.kind == .varchar, vector.data != nil else { return nil }
            return rows.map { r in
                vector.isValid(r) ? String(decoding: vector.stringBytes(r), as: UTF8.self) : nil
            }
        }
        if let raw { return raw }
        return try chunk.values(column: column, rows: rows).map(DuckDBCheckpointReader.string)
    }

    static func int64s(_ chunk: RawChunk, _ column: Int, _ rows: [Int]) throws -> [Int64?] {
        if column < 0 { return [Int64?](repeating: nil, count: rows.count) }
        let raw: [Int64?]? = chunk.withColumn(column) { vector in
            guard let data = vector.data else { return nil }
            switch vector.kind {
            case .integer(byteWidth: 8, signed: true):
                return rows.map { r in
                    vector.isValid(r) ? data.loadUnaligned(fromByteOffset: 8 * r, as: Int64.self) : nil
                }
            case .integer(byteWidth: 4, signed: true):
                return rows.map { r in
                    vector.isValid(r) ? Int64(data.loadUnaligned(fromByteOffset: 4 * r, as: Int32.self)) : nil
                }
            default:
                return nil
            }
        }
        if let raw { return raw }
        return try chunk.values(column: column, rows: rows).map(DuckDBCheckpointReader.int64)
    }

    static func bools(_ chunk: RawChunk, _ column: Int, _ rows: [Int]) throws -> [Bool?] {
        if column < 0 { return [Bool?](repeating: nil, count: rows.count) }
        let raw: [Bool?]? = chunk.withColumn(column) { vector in
            guard vector.kind == .boolean, let data = vector.data else { return nil }
            return rows.map { r in vector.isValid(r) ? data.load(fromByteOffset: r, as: UInt8.self) != 0 : nil }
        }
        if let raw { return raw }
        return try chunk.values(column: column, rows: rows).map(DuckDBCheckpointReader.bool)
    }

    /// The values of `rows` as ``DuckDB/Value``s, `nil` for NULL; when the vector's validity
    /// is known, only the non-NULL rows are decoded.
    static func values(_ chunk: RawChunk, _ column: Int, _ rows: [Int]) throws -> [Value?] {
        if column < 0 { return [Value?](repeating: nil, count: rows.count) }
        let valid: [Bool]? = chunk.withColumn(column) { vector in
            vector.data == nil ? nil : rows.map(vector.isValid)
        }
        guard let valid else { return try chunk.values(column: column, rows: rows).map { $0.isNull ? nil : $0 } }
        let wanted = rows.indices.filter { valid[$0] }
        var out = [Value?](repeating: nil, count: rows.count)
        if wanted.isEmpty { return out }
        let decoded = try chunk.values(column: column, rows: wanted.map { rows[$0] })
        for (i, k) in wanted.enumerated() where !decoded[i].isNull { out[k] = decoded[i] }
        return out
    }
}
