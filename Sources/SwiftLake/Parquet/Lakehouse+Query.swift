import DuckDB
import Foundation

extension Lakehouse {
    /// Starts a query over Parquet files; rows are then read from the cursor batch by batch.
    ///
    /// The files are exposed as table `t` (a view over `read_parquet`), so DuckDB pushes the
    /// query's column selection and filters down into the Parquet scan: only the needed
    /// columns are read, and row groups whose statistics exclude the filter are skipped.
    ///
    /// `progress` hears DuckDB's progress (0–100) while the first batch is computed, which is
    /// where aggregations and sorts do their work; afterwards poll ``QueryCursor/progress``.
    public func query(_ request: ParquetQueryRequest, progress: ProgressHandler? = nil) async throws -> QueryCursor {
        let statement = try request.statement()
        let limit = try effectiveLimit(request.limit)
        let inputs = try await parquetInputs(request.paths, engine: request.engine)
        let files = inputs.files
        guard case .spark(let spark) = inputs.engine else {
            defer { inputs.release() }
            return try await QueryCursor.open(engine: duckdb, setup: TableDefinition(sql: Self.tableSetup(files)), statement: statement, limit: limit,
                                              parquetFiles: files, progress: progress)
        }
        // The cursor holds the S3 cache copies until Spark has streamed the result.
        do {
            // Answered in the column types DuckDB gives the same statement (SparkResultTypes).
            let columns = try await duckDBColumns(of: statement, over: TableDefinition(sql: Self.tableSetup(files)), parquetFiles: files)
            return try await spark.query(statement, sources: [Self.sparkParquetSource(inputs.sparkFiles)], limit: limit, holding: inputs.lease,
                                         matching: columns)
        } catch {
            inputs.release()
            throw error
        }
    }

    /// Runs a query and writes its whole result (up to the limit) as one Parquet file in the
    /// staging area; the caller streams it and then deletes it.
    ///
    /// On Spark (the engine choice as for ``query(_:progress:)``) Spark computes the rows and
    /// writes the file (zstd, as DuckDB's) with DuckDB's column names and types for the same
    /// statement (a decimal or integer Spark types narrower is cast up); a column Spark cannot
    /// give DuckDB's type is a 422.
    public func exportParquet(_ request: ParquetQueryRequest, progress: ProgressHandler? = nil) async throws -> StagedFile {
        let statement = try request.statement()
        let limit = try effectiveLimit(request.limit)
        let output = duckdb.stagingPath(extension: "parquet")
        let inputs = try await parquetInputs(request.paths, engine: request.engine)
        defer { inputs.release() }
        let files = inputs.files
        if case .spark(let spark) = inputs.engine {
            let sources = [Self.sparkParquetSource(inputs.sparkFiles)]
            do {
                // The file gets DuckDB's column names and types for the same statement, or is refused.
                let expected = try await duckDBColumns(of: statement, over: TableDefinition(sql: Self.tableSetup(files)), parquetFiles: files)
                let fields = try await spark.schema(of: "SELECT * FROM (\n\(SparkEngine.trimmed(statement))\n) AS swiftlake_result", sources: sources).fields
                let select = try SparkResultTypes.castList(spark: fields.map(ResultColumn.init(spark:)), duckdb: expected)
                let names = expected.indices.map { "c\($0)" }.joined(separator: ", ")
                let query = "SELECT /*+ COALESCE(1) */ \(select) FROM (\n\(SparkEngine.trimmed(statement))\n) AS swiftlake_result(\(names)) LIMIT \(limit)"
                _ = try await SparkParquetOutput(stagingPath: output).write(
                    query, sources: sources, compression: "zstd", expected: expected, spark: spark, duckdb: duckdb,
                    refusingSparkErrors: false)
            } catch {
                try? FileManager.default.removeItem(atPath: output)
                throw error
            }
            return StagedFile(path: output, engine: SparkEngine.name)
        }
        let setup = Self.tableSetup(files)
        try await duckdb.withConnection(parquetFiles: files, progress: progress) { connection in
            try self.duckdb.defineTable(setup: setup, on: connection)
            _ = try ReadOnlyStatement.prepare(statement, on: connection)
            try connection.execute("COPY (SELECT * FROM (\(statement)) LIMIT \(limit)) TO \(SQL.literal(output)) (FORMAT parquet, COMPRESSION zstd)")
        }
        return StagedFile(path: output)
    }

    /// The statement that defines table `t` over `files`.
    static func tableSetup(_ files: [String]) -> String {
        "CREATE OR REPLACE TEMP VIEW t AS SELECT * FROM \(SQL.readParquet(files))"
    }

    /// Defines table `t` over `files` on `connection`, always afresh (write operations read
    /// files that may just have changed; one extra bind is nothing next to their work).
    func defineTable(_ files: [String], on connection: Connection) throws {
        try duckdb.defineTable(setup: Self.tableSetup(files), on: connection, force: true)
    }
}

/// A file SwiftLake wrote to its staging area for the caller to stream; remove it when done.
public struct StagedFile: Sendable {
    /// The file's path.
    public let path: String
    /// The engine that computed its rows: `duckdb` or `spark`.
    public var engine: String = DuckDBEngine.name

    /// A staged file at `path`, written by `engine`.
    public init(path: String, engine: String = DuckDBEngine.name) {
        self.path = path
        self.engine = engine
    }

    /// The file's size in bytes.
    public var size: Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Deletes the file.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
