import DeltaLake
import DuckDB
import Foundation
import SparkConnect

/// Data files of a Delta table written by Spark: Spark writes the rows of a query; SwiftLake
/// checks them first (NOT NULL columns, CHECK constraints, evaluated by Spark, whose SQL the
/// constraints are written in), then reads each file's statistics from its footer (through
/// DuckDB) and hands it to a ``DataFileWriter`` (``dataFiles``), which names it as DuckDB's
/// files are named and describes it as an `add` action.
///
/// Spark writes into a private `_swiftlake-write-<uuid>` directory of the table, or of the
/// local mirror of a table in S3 (ignored by readers; VACUUM removes one a crash left behind);
/// finished files are moved to unique names in their partition directories, where no reader
/// looks until a commit names them. Committing with ``dataFiles`` as the writer uploads the
/// files of a table in S3 first; ``discard()`` deletes them again when the operation fails
/// before its commit. Spark must see the local directory (a server on this machine or on a
/// shared file system), as it must see the files of local tables.
final class SparkDeltaFileWriter: @unchecked Sendable {
    let schema: DeltaSchema
    let partitionColumns: [String]
    let configuration: [String: String]
    /// Where the files go, and what uploads or deletes them.
    let dataFiles: DataFileWriter

    /// A writer for `table`: into its directory when it is on the local disk, else into a
    /// local mirror at `staging` (a new directory) that committing uploads.
    init(table: DeltaTable, staging: @autoclosure () -> String, schema: DeltaSchema, partitionColumns: [String],
         configuration: [String: String]) {
        self.schema = schema
        self.partitionColumns = partitionColumns
        self.configuration = configuration
        dataFiles = DataFileWriter(table: table, staging: staging(), schema: schema, partitionColumns: partitionColumns,
                                   configuration: configuration)
    }

    /// A writer for the local table at `tableLocation`.
    init(tableLocation: String, schema: DeltaSchema, partitionColumns: [String], configuration: [String: String]) {
        self.schema = schema
        self.partitionColumns = partitionColumns
        self.configuration = configuration
        dataFiles = DataFileWriter(tableLocation: tableLocation, schema: schema, partitionColumns: partitionColumns,
                                   configuration: configuration)
    }

    /// Checks and writes the rows of `rows` (a Spark query over `sources`, with `t` defined
    /// as `table` when given, whose columns are the table's, in any order) and returns their
    /// `add` actions and the number of rows written.
    func write(rows: String, sources: [SparkFileSource], table: String?, spark: SparkEngine,
               duckdb: DuckDBEngine) async throws -> (adds: [AddFile], rows: Int64) {
        let with = table.map { "WITH t AS (\n\($0)\n)\n" } ?? ""
        let count = try await check(with: with, rows: rows, sources: sources, spark: spark)
        guard count > 0 else { return ([], 0) }
        let staging = dataFiles.tableLocation + "/" + DataFileWriter.stagingPrefix + UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let columns = schema.fields.map { SparkSQL.identifier($0.name) }.joined(separator: ", ")
        try await spark.writeParquet("\(with)SELECT \(columns) FROM (\n\(rows)\n) AS swiftlake_rows", sources: sources,
                                     to: staging, partitionBy: partitionColumns)
        let files = Self.parquetFiles(below: staging)
        let dataFields = schema.fields.filter { !partitionColumns.contains($0.name) }
        let configuration = configuration
        let stats = try await duckdb.withConnection { connection in
            try DataFileWriter.statistics(of: files, dataFields: dataFields, configuration: configuration, on: connection)
        }
        var adds: [AddFile] = []
        for file in files.sorted() {
            guard let fileStats = stats[file], fileStats.numRecords > 0 else { continue }
            let relativeDirectory = String((file as NSString).deletingLastPathComponent.dropFirst(staging.count))
            let values = Self.partitionValues(relativeDirectory)
            let directory = partitionColumns.isEmpty ? ""
                : partitionColumns.map { PartitionPath.directory(column: $0, value: values[$0] ?? nil) }.joined(separator: "/") + "/"
            var partitionValues: [String: String?] = [:]
            for column in partitionColumns { partitionValues[column] = values[column] ?? nil }
            adds.append(try dataFiles.adopt(file, directory: directory, partitionValues: partitionValues, stats: fileStats.json))
        }
        return (adds, count)
    }

    /// Counts the rows and refuses them (nothing written) when one breaks a NOT NULL column
    /// or a CHECK constraint; as in Spark, a constraint that is NULL for a row is broken.
    private func check(with: String, rows: String, sources: [SparkFileSource], spark: SparkEngine) async throws -> Int64 {
        let notNull = schema.fields.filter { !$0.nullable }
        let constraints = ConstraintCheck(configuration: configuration).constraints
        var items = ["count(*)"]
        items += notNull.map { "count_if(\(SparkSQL.identifier($0.name)) IS NULL)" }
        items += constraints.map { "count_if(NOT coalesce((\($0.expression)), false))" }
        let answer = try await spark.collect("\(with)SELECT \(items.joined(separator: ", ")) FROM (\n\(rows)\n) AS swiftlake_rows",
                                             sources: sources)
        let counts = answer.first?.map(\.intValue) ?? []
        let total = Int64(counts.first ?? 0)
        for (i, field) in notNull.enumerated() where counts.count > i + 1 && counts[i + 1] > 0 {
            throw SwiftLakeError.invalid("not_null_violation",
                "Column '\(field.name)' is NOT NULL, but \(counts[i + 1]) of the \(total) rows to write have no value for it. Nothing was written; give it a value (or COALESCE it in 'sql').")
        }
        for (i, constraint) in constraints.enumerated() {
            let broken = counts.count > notNull.count + i + 1 ? counts[notNull.count + i + 1] : 0
            if broken > 0 {
                throw SwiftLakeError(.unprocessable, code: "check_constraint_violation",
                    "CHECK constraint \(constraint.name) (\(constraint.expression)) is violated by \(broken) of the \(total) rows to write (a NULL result violates too). Nothing was written; fix or filter those rows, or drop the constraint.")
            }
        }
        return total
    }

    /// Deletes every file this writer moved into the table (or uploaded to it).
    func discard() {
        dataFiles.discard()
    }

    /// The Parquet files Spark wrote below `directory` (not its `_SUCCESS` or `.crc` files).
    static func parquetFiles(below directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasSuffix(".parquet"), !name.hasPrefix("."), !name.hasPrefix("_") { files.append(directory + "/" + relative) }
        }
        return files
    }

    /// The partition values of Spark's Hive directories (`/a=1/b=x%3Ay`), unescaped; NULL for
    /// `__HIVE_DEFAULT_PARTITION__`.
    static func partitionValues(_ relativeDirectory: String) -> [String: String?] {
        var values: [String: String?] = [:]
        for segment in relativeDirectory.split(separator: "/") {
            guard let equals = segment.firstIndex(of: "=") else { continue }
            let column = unescape(String(segment[..<equals]))
            let raw = String(segment[segment.index(after: equals)...])
            values[column] = raw == PartitionPath.nullDirectory ? .some(nil) : .some(unescape(raw))
        }
        return values
    }

    /// Hive's path unescaping: `%XX` is the character XX.
    static func unescape(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            if byte == UInt8(ascii: "%"), utf8.count >= 3,
               let value = UInt8(String(decoding: utf8.dropFirst().prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
                utf8 = utf8.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
