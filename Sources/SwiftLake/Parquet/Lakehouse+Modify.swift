import DuckDB
import Foundation

extension Lakehouse {
    /// Applies deletes, updates and schema changes to one Parquet file and writes the result
    /// as a new file (or, with `overwrite`, replaces the output atomically).
    ///
    /// `engine` picks who reads and writes: DuckDB, or Spark (``modifyOnSpark(_:input:target:plan:spark:started:)``)
    /// when asked for or, with `auto`, when Spark is configured and the input is larger than
    /// the threshold. Either way the request is checked the same way first, and the output has
    /// the same rows and column types.
    public func modify(_ request: ParquetModifyRequest, progress: ProgressHandler? = nil) async throws -> ParquetModifyResult {
        let started = ContinuousClock.now
        let (inputs, inputName) = try await singleParquetInput(request.path, operation: "modify", engine: request.engine)
        defer { inputs.release() }
        let input = inputs.files[0]
        let overwrite = request.overwrite ?? false
        guard request.output != nil || overwrite else {
            throw SwiftLakeError.invalid("missing_output", "Give 'output' (a new file), or set \"overwrite\": true to rewrite '\(request.path)' in place.")
        }
        let target = if let output = request.output {
            try await outputDestination(output, overwrite: overwrite)
        } else if input == inputName {
            try OutputDestination(localPath: input, overwrite: true)   // the file a symlink names, as read
        } else {
            try await outputDestination(request.path, overwrite: true)
        }
        if target.reportedPath == inputName && !overwrite {
            throw SwiftLakeError(.conflict, code: "output_is_input", "'output' is the input file; set \"overwrite\": true to rewrite it in place.")
        }
        let plan = ModifyPlan(request: request)
        guard plan.changesSomething else {
            throw SwiftLakeError.invalid("nothing_to_do", "Give at least one of 'updates', 'delete_where', 'add_columns', 'drop_columns' or 'rename'.")
        }
        if case .spark(let spark) = inputs.engine {
            return try await modifyOnSpark(request, input: input, sparkInput: inputs.sparkFiles[0], target: target, plan: plan, spark: spark, started: started)
        }
        let rowGroupSize = request.rowGroupSize
        let requestedCompression = request.compression

        let counts: (read: Int, deleted: Int, updated: Int, written: Int, columns: [ResultColumn])
        let bytesWritten: Int
        do {
            counts = try await duckdb.withConnection(parquetFiles: [input], progress: progress) { connection in
                try self.defineTable([input], on: connection)
                let columns = try Self.describe("SELECT * FROM t", on: connection)
                try plan.validate(columns: columns, on: connection)
                let codec = try Self.compression(of: input, on: connection)
                let options = try ParquetWriteOptions(compression: requestedCompression, default: codec, rowGroupSize: rowGroupSize)
                let tally = try connection.query(plan.countSQL()).rows()[0]
                try connection.execute("COPY (\(plan.selectSQL(columns: columns))) TO \(SQL.literal(target.stagingPath)) \(options.copyOptions)")
                let written = try Self.describe("SELECT * FROM read_parquet(\(SQL.literal(target.stagingPath)))", on: connection)
                return (tally[0].intValue, tally[1].intValue, tally[2].intValue, tally[0].intValue - tally[1].intValue, written)
            }
            bytesWritten = try await target.commit()
        } catch {
            target.discard()
            throw error
        }
        return ParquetModifyResult(
            output: target.reportedPath, rowsRead: counts.read, rowsDeleted: counts.deleted, rowsUpdated: counts.updated,
            rowsWritten: counts.written, columns: counts.columns,
            bytesWritten: bytesWritten, engine: DuckDBEngine.name, elapsedMs: (ContinuousClock.now - started).milliseconds)
    }

    /// The columns `sql` produces, without running it.
    static func describe(_ sql: String, on connection: Connection) throws -> [ResultColumn] {
        let result = try connection.query("SELECT * FROM (\(sql)) LIMIT 0")
        return result.columns.map(ResultColumn.init)
    }

    /// The codec of a Parquet file's first column chunk (what a rewrite keeps by default).
    static func compression(of file: String, on connection: Connection) throws -> String {
        let rows = try connection.query("SELECT lower(compression) FROM parquet_metadata(\(SQL.literal(file))) LIMIT 1").rows()
        guard case .varchar(let codec)? = rows.first?.first else { return "snappy" }
        return ParquetWriteOptions.codecs.contains(codec) ? codec : "snappy"
    }
}

extension FileManager {
    func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

extension Value {
    /// The value as an `Int`, for counts (0 for NULL or non-integers).
    var intValue: Int {
        switch self {
        case .tinyint(let v): Int(v)
        case .smallint(let v): Int(v)
        case .integer(let v): Int(v)
        case .bigint(let v): Int(v)
        case .hugeint(let v): Int(v)
        case .utinyint(let v): Int(v)
        case .usmallint(let v): Int(v)
        case .uinteger(let v): Int(v)
        case .ubigint(let v): Int(v)
        case .uhugeint(let v): Int(v)
        case .double(let v): Int(v)
        default: 0
        }
    }
}
