import CDuckDB

/// The result of a statement, read chunk by chunk as DuckDB produces it.
///
/// Owns the `duckdb_result` handle and keeps its ``Connection`` (and statement) alive. Reading
/// the result to the end (or a failure) frees the handle at once; otherwise `deinit` does.
///
/// A result must be read before the next statement starts on its connection: a new statement
/// ends it, and reading it afterwards throws ``DuckDBError/Code/resultInvalidated``. May be used
/// from any thread; reads are serialised on the connection's lock.
///
/// ```swift
/// let result = try connection.query("SELECT * FROM range(10000)")
/// while let chunk = try result.nextChunk() {   // 2048 rows at a time
///     for row in 0..<chunk.count { use(chunk.row(row)) }
/// }
/// ```
public final class QueryResult: @unchecked Sendable {
    /// The result's columns, in order.
    public let columns: [Column]
    /// The SQL that produced the result.
    public let sql: String
    /// The connection the result belongs to.
    public let connection: Connection

    /// Keeps the prepared statement alive while its result is read.
    private let statement: PreparedStatement?
    private let readers: [VectorReader]
    private let result: UnsafeMutablePointer<duckdb_result>
    private let changedRows: Int
    /// Guarded by the connection's lock.
    private var state: State = .open

    private enum State {
        case open, finished, invalidated
        case failed(DuckDBError)
    }

    /// Takes ownership of a successful `duckdb_result` (allocated by the caller).
    init(connection: Connection, statement: PreparedStatement?, taking result: UnsafeMutablePointer<duckdb_result>, sql: String) {
        self.connection = connection
        self.statement = statement
        self.result = result
        self.sql = sql
        var columns: [Column] = []
        var readers: [VectorReader] = []
        for index in 0..<Int(duckdb_column_count(result)) {
            let name = duckdb_column_name(result, idx_t(index)).map { String(cString: $0) } ?? ""
            let (type, reader): (LogicalType, VectorReader)
            if let cType = CLogicalType(taking: duckdb_column_logical_type(result, idx_t(index))) {
                (type, reader) = cType.withHandle { VectorReader.make($0) }
            } else {
                (type, reader) = (.other("INVALID"), .unsupported("INVALID"))
            }
            columns.append(Column(name: name, type: type))
            readers.append(reader)
        }
        self.columns = columns
        self.readers = readers
        self.changedRows = Int(duckdb_rows_changed(result))
    }

    deinit {
        connection.withLock {
            if case .open = state { duckdb_destroy_result(result) }
        }
        result.deallocate()
    }

    /// The number of rows an `INSERT`, `UPDATE` or `DELETE` changed; 0 for other statements.
    public var rowsChanged: Int { changedRows }

    /// The next chunk of rows (usually 2048), decoded; `nil` after the last one.
    ///
    /// - Throws: ``DuckDBError`` with ``sql`` when the query fails while running (e.g. a corrupt
    ///   file, an interrupt), ``DuckDBError/Code/resultInvalidated`` when a newer statement on the
    ///   connection ended this result. A failure is thrown again by later calls.
    public func nextChunk() throws -> DataChunk? {
        try connection.withLock {
            guard try isOpen() else { return nil }
            while true {
                guard let chunk = duckdb_fetch_chunk(result.pointee) else {
                    if duckdb_result_error(result) != nil {
                        let error = DuckDBError(result: result, sql: sql, fallback: .execute)
                        close(.failed(error))
                        throw error
                    }
                    close(.finished)
                    return nil
                }
                var owned: duckdb_data_chunk? = chunk
                defer { duckdb_destroy_data_chunk(&owned) }
                guard duckdb_data_chunk_get_size(chunk) > 0 else { continue }
                do {
                    return try DataChunk(chunk: chunk, readers: readers)
                } catch var error as DuckDBError {
                    error.sql = sql
                    close(.failed(error))
                    throw error
                }
            }
        }
    }

    /// The next chunk of rows kept as DuckDB's vectors (see ``RawChunk``), undecoded; `nil`
    /// after the last one. Fails as ``nextChunk()`` does, and also when a column has a type the
    /// module cannot decode, so that a columnar reader's fallback to ``Value``s cannot fail later.
    public func nextRawChunk() throws -> RawChunk? {
        try connection.withLock {
            guard try isOpen() else { return nil }
            while true {
                guard let chunk = duckdb_fetch_chunk(result.pointee) else {
                    if duckdb_result_error(result) != nil {
                        let error = DuckDBError(result: result, sql: sql, fallback: .execute)
                        close(.failed(error))
                        throw error
                    }
                    close(.finished)
                    return nil
                }
                guard duckdb_data_chunk_get_size(chunk) > 0 else {
                    var owned: duckdb_data_chunk? = chunk
                    duckdb_destroy_data_chunk(&owned)
                    continue
                }
                let raw = RawChunk(taking: chunk, readers: readers)
                if let name = readers.lazy.compactMap(\.unsupportedName).first {
                    let error = DuckDBError(
                        code: .unsupportedType,
                        message: "The DuckDB module cannot decode values of type \(name); CAST the column to VARCHAR in SQL",
                        sql: sql)
                    close(.failed(error))
                    throw error
                }
                return raw
            }
        }
    }

    /// Reads all remaining rows.
    public func rows() throws -> [[Value]] {
        var rows: [[Value]] = []
        while let chunk = try nextChunk() {
            for row in 0..<chunk.count { rows.append(chunk.row(row)) }
        }
        return rows
    }

    /// Runs the statement to completion without decoding its rows.
    func finish() throws {
        try connection.withLock {
            guard try isOpen() else { return }
            while let chunk = duckdb_fetch_chunk(result.pointee) {
                var owned: duckdb_data_chunk? = chunk
                duckdb_destroy_data_chunk(&owned)
            }
            if duckdb_result_error(result) != nil {
                let error = DuckDBError(result: result, sql: sql, fallback: .execute)
                close(.failed(error))
                throw error
            }
            close(.finished)
        }
    }

    /// Ends the statement if it still runs; called by the connection before a new statement.
    func invalidate() {
        connection.withLock {
            if case .open = state { close(.invalidated) }
        }
    }

    /// `true` while rows may remain, `false` once read to the end; throws for an ended or failed result.
    private func isOpen() throws -> Bool {
        switch state {
        case .open: return true
        case .finished: return false
        case .invalidated:
            throw DuckDBError(
                code: .resultInvalidated,
                message: "The result was ended by a newer statement on its connection before it was read to the end",
                sql: sql)
        case let .failed(error): throw error
        }
    }

    private func close(_ newState: State) {
        duckdb_destroy_result(result)
        state = newState
        connection.forget(self)
    }
}
