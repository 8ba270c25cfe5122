import CDuckDB

/// A chunk of result rows, decoded into ``Value``s when it was read.
///
/// Owns no C memory: every vector is decoded once, column by column, when the chunk is
/// fetched, and the DuckDB chunk is freed right after.
public struct DataChunk: Sendable, Hashable {
    /// The number of rows.
    public let count: Int
    /// The values by column, then row: `columns[c][r]`.
    public let columns: [[Value]]

    /// Creates a chunk from decoded columns (each holding `count` values).
    public init(count: Int, columns: [[Value]]) {
        self.count = count
        self.columns = columns
    }

    /// Decodes every vector of a DuckDB chunk.
    init(chunk: duckdb_data_chunk, readers: [VectorReader]) throws {
        let count = Int(duckdb_data_chunk_get_size(chunk))
        let rows = Array(0..<count)
        var columns: [[Value]] = []
        columns.reserveCapacity(readers.count)
        for (index, reader) in readers.enumerated() {
            guard let vector = duckdb_data_chunk_get_vector(chunk, idx_t(index)) else {
                throw DuckDBError(code: .execute, message: "DuckDB returned a chunk without column \(index)")
            }
            columns.append(try VectorDecoder.decode(vector, reader, rows: rows))
        }
        self.init(count: count, columns: columns)
    }

    /// The values of row `r` (0-based), in column order.
    public func row(_ r: Int) -> [Value] {
        columns.map { $0[r] }
    }

    /// All rows, in order.
    public var rows: [[Value]] {
        (0..<count).map(row)
    }
}
