import DeltaLake
import DuckDB
import Foundation
import ObjectStore

extension Lakehouse {
    /// Makes the directory of Parquet files at the request's path a Delta table, in place
    /// (CONVERT TO DELTA): version 0 names every Parquet file (``ParquetDirectoryListing``)
    /// with its size, Hive partition values and statistics (``FileStatistics``); no data is
    /// rewritten.
    ///
    /// - The schema is the files' (DuckDB's reading of their Parquet schemas) minus the
    ///   partition columns, which follow with the types `partitionBy` gives. Files whose
    ///   schemas differ are a 400 naming them.
    /// - The commit is a `CONVERT` with Spark's parameters (`numFiles`, `partitionedBy`,
    ///   `collectStats`, `sourceFormat`) and `numConvertedFiles`.
    ///
    /// - In S3 (`s3://` inside an S3 root) the prefix is listed, and schema and statistics
    ///   come from the files' footers, fetched with ranged reads into the S3 cache (files
    ///   whose footers lack complete statistics are fetched whole and scanned); version 0 is
    ///   committed with a conditional PUT, so a concurrent convert or writer cannot be
    ///   overwritten.
    ///
    /// - Throws: ``SwiftLakeError``: 409 `table_exists` when `_delta_log` exists; 400 for no
    ///   Parquet files, mismatched schemas, files outside the partition directories, a bad
    ///   partition type or value; 404 for a missing directory.
    public func deltaConvert(_ request: DeltaConvertRequest) async throws -> DeltaConvertResult {
        let started = ContinuousClock.now
        let table = try deltaWriteTable(request.path, create: false)
        let location = table.builder.location
        let partitionBy = request.partitionBy ?? [:]
        // In S3: listed, and read through the cache from the footers alone (ranged reads).
        var s3: S3ConvertSource?
        defer { s3?.lease.release() }
        let listing: ParquetDirectoryListing
        if let store = table.store as? S3Store {
            let source = try await s3ConvertSource(store, location: location, path: request.path, partitionNames: Set(partitionBy.keys))
            s3 = source
            listing = source.listing
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw SwiftLakeError.notFound("directory_not_found", "'\(request.path)' is not a directory of Parquet files. Check the path.")
            }
            if FileManager.default.fileExists(atPath: location + "/_delta_log") {
                throw Self.convertTargetIsTable(request.path)
            }
            listing = try ParquetDirectoryListing(directory: location, partitionNames: Set(partitionBy.keys))
        }
        guard !listing.files.isEmpty else {
            throw SwiftLakeError.invalid("no_parquet_files", "'\(request.path)' holds no Parquet files (*.parquet, outside _ and . directories); nothing to convert.")
        }
        let partitionFields = listing.partitionColumns.isEmpty ? []
            : try Self.deltaSchema(listing.partitionColumns.map { DeltaColumnSpec(name: $0, type: .string(partitionBy[$0]!)) }).fields
        let files = listing.files
        let absolute = files.map(\.absolute)
        let footersOnly = s3 != nil
        let (schema, footerStats) = try await duckdb.withConnection(parquetFiles: absolute) { connection -> (DeltaSchema, [String: (numRecords: Int64, json: String)]?) in
            let dataFields = try Self.unifiedParquetFields(files, excluding: Set(listing.partitionColumns), on: connection)
            let schema = DeltaSchema(fields: dataFields + partitionFields)
            let statistics = FileStatistics(dataFields: dataFields, configuration: [:])
            if footersOnly {
                // Only the footers are cached: their statistics, when they are complete.
                guard statistics.footerEligible else { return (schema, nil) }
                return (schema, statistics.statistics(fromFooter: try connection.query(statistics.footerQuery(files: absolute)).rows(), files: absolute))
            }
            return (schema, statistics.statistics(from: try connection.query(statistics.query(files: absolute, fileColumn: DataFileWriter.fileColumn)).rows()))
        }
        var stats = footerStats
        if stats == nil, let s3 {
            // Footers without complete statistics: fetch the files whole and scan them.
            _ = try await requireS3Cache().localFiles(s3.objects, reading: .wholeObject, lease: s3.lease)
            let fields = schema.fields.filter { !listing.partitionColumns.contains($0.name) }
            stats = try await duckdb.withConnection(parquetFiles: absolute) { connection in
                let statistics = FileStatistics(dataFields: fields, configuration: [:])
                return statistics.statistics(from: try connection.query(statistics.query(files: absolute, fileColumn: DataFileWriter.fileColumn)).rows())
            }
        }
        let fileStats = stats ?? [:]
        var adds: [AddFile] = []
        for file in files {
            do {
                _ = try PartitionValues.typed(file.partitionValues, schema: schema, partitionColumns: listing.partitionColumns)
            } catch let error as DeltaError {
                throw SwiftLakeError.invalid("invalid_partition_value",
                    "'\(file.relative)': \(error.message). Give each partition column the type its directory values have in 'partition_by' (e.g. \"string\").")
            }
            adds.append(AddFile(path: PartitionPath.logPath(file.relative), partitionValues: file.partitionValues, size: file.size,
                                modificationTime: file.modificationTime, dataChange: true, stats: fileStats[file.absolute]?.json))
        }
        let metadata = Metadata.newTable(schema: schema, partitionColumns: listing.partitionColumns, configuration: [:])
        let parameters: [String: DeltaLake.JSONValue] = [
            "numFiles": .int(Int64(files.count)), "partitionedBy": .array(listing.partitionColumns.map(DeltaLake.JSONValue.string)),
            "collectStats": .bool(true), "sourceFormat": .string("parquet"),
        ]
        var transaction: Transaction
        do {
            transaction = try table.createTransaction(metadata: metadata, protocol: DeltaColumnTypes.newTableProtocol(for: schema),
                                                      operation: "CONVERT", parameters: parameters)
        } catch let error as DeltaError {
            throw SwiftLakeError(error)
        }
        transaction.add(adds)
        let version = try await commitDelta(transaction, metrics: Self.sparkMetrics([("numConvertedFiles", Int64(files.count))],
                                                                                     elapsedMs: (ContinuousClock.now - started).milliseconds),
                                            writer: nil)
        var result = DeltaConvertResult(version: version, numFiles: files.count, numRows: fileStats.values.reduce(0) { $0 + $1.numRecords },
                                        sizeInBytes: files.reduce(0) { $0 + $1.size }, columns: schema.fields.map(\.name),
                                        partitionColumns: listing.partitionColumns)
        result.elapsedMs = (ContinuousClock.now - started).milliseconds
        return result
    }

    /// The 409 for converting what is a Delta table already.
    static func convertTargetIsTable(_ path: String) -> SwiftLakeError {
        SwiftLakeError(.conflict, code: "table_exists",
            "'\(path)' already has a _delta_log: it is a Delta table (or a failed one). Read or write it as a Delta table; to convert again, remove _delta_log first.")
    }

    /// The Delta fields every file has (DuckDB's types, converted); files whose columns
    /// differ from the first file's are a 400 naming both.
    static func unifiedParquetFields(_ files: [ParquetDirectoryListing.File], excluding: Set<String>,
                                     on connection: Connection) throws -> [DeltaLake.StructField] {
        var first: (file: String, columns: [DuckDB.Column], signature: String)?
        for file in files {
            let columns = try connection.query("SELECT * FROM \(SQL.readParquet([file.absolute], extraOptions: ["hive_partitioning = false"])) LIMIT 0").columns
            let signature = columns.map { "\($0.name) \($0.type)" }.sorted().joined(separator: ", ")
            if let first, first.signature != signature {
                throw SwiftLakeError.invalid("schema_mismatch",
                    "The files' schemas differ: '\(first.file)' has (\(first.signature)) but '\(file.relative)' has (\(signature)). A Delta table has one schema; rewrite or move the odd files before converting.")
            }
            if first == nil { first = (file.relative, columns, signature) }
        }
        return try first!.columns.filter { !excluding.contains($0.name) }.map {
            DeltaLake.StructField(name: $0.name, type: try DeltaColumnTypes.deltaType(of: $0.type, column: $0.name), nullable: true)
        }
    }
}
