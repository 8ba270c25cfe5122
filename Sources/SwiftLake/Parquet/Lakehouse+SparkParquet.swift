import DuckDB
import Foundation
import SparkConnect

/// Parquet modify and merge on the Spark engine.
///
/// The request is checked exactly as on DuckDB first, by DuckDB (names, expressions, the
/// output's rules), so a bad request fails with the same status and code on both engines, and
/// DuckDB says which columns and types the output must have (binding only: no rows are read).
/// Spark then reads the inputs and computes and writes the rows (``SparkParquetOutput``).
/// Spark runs it only where it gives the same output, else refuses with 422
/// `engine_unsupported` (see ``SparkTypeAgreement``): an input column Spark types
/// differently (e.g. unsigned integers, `UUID`, `HUGEINT`), an output column whose type
/// would differ (an `add_columns` expression such as `price / 3` is a `DOUBLE` in DuckDB and a
/// `DECIMAL` in Spark: CAST it to run on both; a decimal Spark types wider at DuckDB's scale,
/// `price * quantity`, is cast to DuckDB's type), an update cast the engines
/// do differently, SQL Spark does not accept, options Spark's writer lacks (`row_group_size`,
/// Brotli, `partition_by`).
///
/// The user's expressions are evaluated by the engine that runs the request. Written in the
/// SQL the two share — comparisons, arithmetic, `CASE`, `COALESCE`, `IS NULL`, casts between
/// the types ``SparkTypeAgreement/castAgrees(from:to:)`` lists — they give the same values;
/// functions of one dialect only are refused by Spark's analyser (422). A runtime failure
/// that DuckDB would not have (Spark's ANSI mode fails `x / 0`, where DuckDB gives NULL) is
/// refused the same way, and nothing is written.
extension Lakehouse {
    /// The modify on Spark (see ``modify(_:progress:)``): `target` and `plan` have passed the
    /// checks every modify makes before any engine runs. DuckDB checks over `input` (a local
    /// file, or the local copy of an S3 object's footer), Spark reads `sparkInput` (the same
    /// file, or the object's `s3a://` URI).
    func modifyOnSpark(_ request: ParquetModifyRequest, input: String, sparkInput: String, target: OutputDestination, plan: ModifyPlan,
                       spark: SparkEngine, started: ContinuousClock.Instant) async throws -> ParquetModifyResult {
        do {
            let (columns, expected, codec) = try await duckdb.withConnection(parquetFiles: [input]) { connection in
                try self.defineTable([input], on: connection)
                let columns = try Self.describe("SELECT * FROM t", on: connection)
                try plan.validate(columns: columns, on: connection)
                let codec = try Self.compression(of: input, on: connection)
                let expected = try Self.describe(plan.selectSQL(columns: columns), on: connection)
                return (columns, expected, codec)
            }
            let options = try ParquetWriteOptions(compression: request.compression, default: codec, rowGroupSize: request.rowGroupSize)
            let compression = try SparkParquetOutput.codec(options)
            let sources = [Self.sparkParquetSource([sparkInput])]

            let inputFields = try await Self.sparkCannot("read the input") {
                try await spark.schema(of: "SELECT * FROM t", sources: sources).fields
            }
            try SparkTypeAgreement.requireSame(columns, inputFields, role: "input column", ordered: false)
            let types = Dictionary(inputFields.map { ($0.name, $0.dataType) }, uniquingKeysWith: { first, _ in first })
            if let probe = plan.sparkUpdateTypesSQL() {
                let fields = try await Self.sparkCannot("evaluate 'updates'") { try await spark.schema(of: probe.sql, sources: sources).fields }
                for (column, field) in zip(probe.columns, fields) {
                    guard let type = types[column], SparkTypeAgreement.castAgrees(from: field.dataType, to: type) else {
                        throw SparkTypeAgreement.unsupported(
                            "The expression for '\(column)' is \(field.dataType) in Spark, and Spark converts it to the column's type (\(types[column].map(\.description) ?? "?")) differently from DuckDB (fractions to integers, text to numbers or dates, …); CAST it in the expression to the column's type (e.g. CAST(round(…) AS …)) to run on Spark.")
                    }
                }
            }
            var select = plan.sparkSelectSQL(columns: columns, types: types)
            var outputFields = try await Self.sparkCannot("compute the output") { try await spark.schema(of: select, sources: sources).fields }
            // An added decimal Spark types wider than DuckDB (same scale): cast to DuckDB's type.
            let narrowed = SparkTypeAgreement.exactDecimalNarrowings(expected, outputFields)
                .filter { request.addColumns?[$0.key] != nil }
            if !narrowed.isEmpty {
                select = plan.sparkSelectSQL(columns: columns, types: types, addedCasts: narrowed)
                outputFields = try await Self.sparkCannot("compute the output") { try await spark.schema(of: select, sources: sources).fields }
            }
            try SparkTypeAgreement.requireSame(expected, outputFields, role: "output column", ordered: true)

            let tally = try await Self.sparkCannot("count the rows") { try await spark.collect(plan.sparkCountSQL(), sources: sources) }
            let counts = (tally.first ?? []).map(\.intValue)
            let (read, deleted, updated) = (counts.first ?? 0, counts.count > 1 ? counts[1] : 0, counts.count > 2 ? counts[2] : 0)
            let written = try await SparkParquetOutput(for: target).write(select, sources: sources, compression: compression,
                                                                          expected: expected, spark: spark, duckdb: duckdb)
            let bytesWritten = try await target.commit()
            return ParquetModifyResult(
                output: target.reportedPath, rowsRead: read, rowsDeleted: deleted, rowsUpdated: updated,
                rowsWritten: written.rows, columns: written.columns, bytesWritten: bytesWritten, engine: SparkEngine.name,
                elapsedMs: (ContinuousClock.now - started).milliseconds)
        } catch {
            target.discard()
            throw error
        }
    }

    /// The merge on Spark (see ``merge(_:progress:)``): `files` are the local inputs DuckDB
    /// checks (S3 cache copies for `s3://` paths, of just the footers when Spark reads S3
    /// itself), `sparkFiles` the same inputs as Spark reads them (the files, or `s3a://`
    /// URIs), `target` and `options` have passed the checks every merge makes before any
    /// engine runs.
    func mergeOnSpark(_ request: ParquetMergeRequest, files: [String], sparkFiles: [String], target: OutputDestination, options: ParquetWriteOptions,
                      spark: SparkEngine, started: ContinuousClock.Instant) async throws -> ParquetMergeResult {
        let dedupeOn = request.dedupeOn ?? []
        let orderBy = request.orderBy ?? []
        let partitionBy = request.partitionBy ?? []
        do {
            let (columns, expected, read) = try await duckdb.withConnection(parquetFiles: files) { connection in
                let (columns, read) = try self.checkMergeInputs(files, request: request, on: connection)
                let expected = try Self.describe(Self.mergeSelect(files: files, dedupeOn: dedupeOn, orderBy: orderBy), on: connection)
                return (columns, expected, read)
            }
            if !partitionBy.isEmpty {
                throw SparkTypeAgreement.unsupported("Spark does not write a merge's partitioned directory as DuckDB does (its file names and partition directory escaping differ); leave out 'partition_by' to run on Spark.")
            }
            let compression = try SparkParquetOutput.codec(options)
            let sources = try await sparkMergeSources(sparkFiles, columns: columns, spark: spark)
            let select = Self.sparkMergeSelect(files: sparkFiles, columns: expected.map(\.name), dedupeOn: dedupeOn, orderBy: orderBy)
            let outputFields = try await Self.sparkCannot("compute the output") { try await spark.schema(of: select, sources: sources).fields }
            try SparkTypeAgreement.requireSame(expected, outputFields, role: "output column", ordered: true)
            let written = try await SparkParquetOutput(for: target).write(select, sources: sources, compression: compression,
                                                                          expected: expected, spark: spark, duckdb: duckdb)
            let bytesWritten = try await target.commit()
            return ParquetMergeResult(
                output: target.reportedPath, filesMerged: files.count, rowsRead: read, rowsWritten: written.rows,
                duplicatesRemoved: dedupeOn.isEmpty ? 0 : read - written.rows, columns: columns,
                bytesWritten: bytesWritten, engine: SparkEngine.name, elapsedMs: (ContinuousClock.now - started).milliseconds)
        } catch {
            target.discard()
            throw error
        }
    }

    /// The inputs of a merge as Spark must read them to see DuckDB's `columns`: as Spark
    /// infers their schema when that agrees, else, for files whose types differ (`INTEGER` in
    /// one, `BIGINT` in another, which Spark cannot merge by itself), with DuckDB's widened
    /// schema (``SparkReadSchema``). When neither agrees, the first refusal stands.
    private func sparkMergeSources(_ files: [String], columns: [ResultColumn], spark: SparkEngine) async throws -> [SparkFileSource] {
        let inferred = [Self.sparkParquetSource(files)]
        do {
            let fields = try await Self.sparkCannot("read the inputs") { try await spark.schema(of: "SELECT * FROM t", sources: inferred).fields }
            try SparkTypeAgreement.requireSame(columns, fields, role: "input column", ordered: false)
            return inferred
        } catch let refusal as SwiftLakeError where refusal.code == "engine_unsupported" {
            guard files.count > 1, Self.hiveBasePath(files) == nil, let schema = SparkReadSchema.ddl(columns) else { throw refusal }
            var widened = Self.sparkParquetSource(files)
            widened.schema = schema
            widened.options["mergeSchema"] = nil
            do {
                let fields = try await spark.schema(of: "SELECT * FROM t", sources: [widened]).fields
                try SparkTypeAgreement.requireSame(columns, fields, role: "input column", ordered: false)
            } catch let error as SwiftLakeError where error.code == "engine_unsupported" || error.kind == .invalidRequest {
                throw refusal
            }
            return [widened]
        }
    }

    /// The Spark query producing the merged rows in the order DuckDB's ``mergeSelect(files:dedupeOn:orderBy:)``
    /// writes them, in one partition: sorted by `orderBy` (nulls last, as DuckDB sorts them),
    /// then by the position of the row's file in `files` and its place in the file (DuckDB's
    /// order when nothing else is asked for). With `dedupeOn`, one row per key: the first by
    /// `orderBy`, else the one from the file listed last (and within it, the last).
    ///
    /// A row's file comes from `input_file_name()` (a `file:` URI, percent-encoded, with `+`
    /// left as it is; Spark Connect's named relations do not expose `_metadata`); a row from
    /// a file not in `files` fails the query rather than sorting wrongly. Its place in the
    /// file is `monotonically_increasing_id()` evaluated in the scan: partition index, then
    /// row within the partition, and Spark reads a file's splits in offset order, into
    /// partitions in that order (it sorts splits by size, stably, and a file's only smaller
    /// split is its last).
    static func sparkMergeSelect(files: [String], columns: [String], dedupeOn: [String], orderBy: [String]) -> String {
        let path = "url_decode(replace(regexp_replace(input_file_name(), '^file:(//)?', ''), '+', '%2B'))"
        let cases = files.enumerated().map { "WHEN \(SparkSQL.string($1)) THEN \($0)" }.joined(separator: " ")
        let fileIndex = "coalesce(CASE \(path) \(cases) END, raise_error(concat('SwiftLake cannot place the file ', input_file_name())))"
        let numbered = "SELECT *, \(fileIndex) AS __swiftlake_file, monotonically_increasing_id() AS __swiftlake_row FROM t"
        let order = (orderBy.map(sparkOrderKey) + ["__swiftlake_file", "__swiftlake_row"]).joined(separator: ", ")
        let items = columns.map(SparkSQL.identifier).joined(separator: ", ")
        guard !dedupeOn.isEmpty else {
            return "SELECT /*+ COALESCE(1) */ \(items) FROM (\(numbered)) AS swiftlake_rows ORDER BY \(order)"
        }
        let keys = dedupeOn.map(SparkSQL.identifier).joined(separator: ", ")
        let rank = (orderBy.map(sparkOrderKey) + ["__swiftlake_file DESC", "__swiftlake_row DESC"]).joined(separator: ", ")
        return """
            SELECT /*+ COALESCE(1) */ \(items) FROM (\
            SELECT *, row_number() OVER (PARTITION BY \(keys) ORDER BY \(rank)) AS __swiftlake_rank FROM (\(numbered)) AS swiftlake_numbered\
            ) AS swiftlake_rows WHERE __swiftlake_rank = 1 ORDER BY \(order)
            """
    }

    /// A sort key of `order_by` as Spark must read it to sort as DuckDB does: NULLs last in
    /// both directions unless the key says otherwise (Spark's default puts them first when
    /// ascending).
    static func sparkOrderKey(_ key: String) -> String {
        let trimmed = key.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.range(of: #"\s(?i:nulls)\s+(?i:first|last)$"#, options: .regularExpression) != nil { return trimmed }
        return trimmed + " NULLS LAST"
    }

    /// Runs `body`, a step of an operation DuckDB has already accepted, on Spark; a query
    /// Spark rejects or fails (its SQL differs from DuckDB's in places) is refused with 422
    /// `engine_unsupported`, saying what Spark said. An unreachable server (503), a timeout
    /// and missing files pass through.
    static func sparkCannot<T>(_ step: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SwiftLakeError where ["sql_error", "sql_syntax_error", "spark_error"].contains(error.code) {
            throw SparkTypeAgreement.unsupported("Spark could not \(step) as DuckDB does: \(error.message) Nothing was written.")
        }
    }
}
