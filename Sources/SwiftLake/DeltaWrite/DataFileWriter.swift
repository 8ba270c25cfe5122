import DeltaLake
import DuckDB
import Foundation
import ObjectStore

/// Writes rows into a Delta table's directory as Parquet data files and describes them as
/// `add` actions (with statistics), ready for a commit.
///
/// - Files are named as Spark names them, `part-00000-<uuid>-c000.snappy.parquet`, and
///   compressed with Snappy (what every Delta reader reads; Spark's default).
/// - Partitioned tables get Hive-style directories (`region=north/`, NULL as
///   `__HIVE_DEFAULT_PARTITION__`, escaped as Spark escapes them); partition columns are
///   not stored in the files, only in the `add` action's `partitionValues`.
/// - Files hold at most about ``targetFileSize`` bytes each (DuckDB's `FILE_SIZE_BYTES`,
///   checked per row group; rows known to fit in one file skip it, see
///   ``write(relation:sizeHint:on:)``).
///
/// DuckDB writes into a private `_swiftlake-write-<uuid>` directory inside the table
/// (ignored by readers, on the same file system); each finished file is then moved to a new,
/// unique name in its partition directory, where no reader looks until a commit names it.
/// ``discard()`` deletes every file written, for operations that fail before committing.
///
/// A table in an object store (S3) is written the same way into a local directory that
/// mirrors the table's layout (``init(table:staging:schema:partitionColumns:configuration:targetFileSize:)``);
/// ``publish()`` then uploads each file under its name in the table, before the commit that
/// names it. Nothing is uploaded for a local table.
final class DataFileWriter: @unchecked Sendable {
    /// The default target size of a data file: 128 MiB.
    static let defaultTargetFileSize: Int64 = 128 * 1024 * 1024
    static let partColumn = "__swiftlake_part"
    static let fileColumn = "__swiftlake_file"

    let tableLocation: String
    let schema: DeltaSchema
    let partitionColumns: [String]
    let configuration: [String: String]
    let targetFileSize: Int64
    /// Absolute paths of the files moved into the table (or its local mirror) so far.
    private(set) var written: [String] = []
    private var fileIndex = 0
    /// The store files are uploaded to, for a table that is not on the local disk; then
    /// ``tableLocation`` is a local mirror of the table's layout.
    let remote: (any ObjectStore)?
    /// Table-relative paths uploaded by ``publish()``.
    private(set) var published: [String] = []

    /// A writer for the table at `tableLocation` (an absolute directory) with `schema`.
    convenience init(tableLocation: String, schema: DeltaSchema, partitionColumns: [String], configuration: [String: String],
         targetFileSize: Int64? = nil) {
        self.init(location: tableLocation, remote: nil, schema: schema, partitionColumns: partitionColumns,
                  configuration: configuration, targetFileSize: targetFileSize)
    }

    /// Files go to `location`; with `remote`, that is a local mirror (created here) whose
    /// files ``publish()`` uploads.
    private init(location: String, remote: (any ObjectStore)?, schema: DeltaSchema, partitionColumns: [String],
                 configuration: [String: String], targetFileSize: Int64?) {
        self.remote = remote
        self.tableLocation = location
        if remote != nil { try? FileManager.default.createDirectory(atPath: location, withIntermediateDirectories: true) }
        self.schema = schema
        self.partitionColumns = partitionColumns
        self.configuration = configuration
        self.targetFileSize = targetFileSize ?? Int64(configuration["delta.targetFileSize"] ?? "").flatMap { $0 > 0 ? $0 : nil }
            ?? Self.defaultTargetFileSize
    }

    /// The name prefix of the private directories writes stage files in, at the table root.
    /// A writer killed mid-write leaves one behind; VACUUM removes it once it is older than
    /// the retention (``VacuumPlan``).
    static let stagingPrefix = "_swiftlake-write-"

    /// Writes the rows of `relation` (a table or view on `connection` with the table's
    /// columns, typed as the table's DuckDB types) and returns their `add` actions.
    /// Nothing is written for no rows.
    ///
    /// - Parameter sizeHint: about how many bytes the rows take as Parquet, when the caller
    ///   knows (the size of the source files they come from). Rows of an unpartitioned table
    ///   that fit in half the target size are written as one file without DuckDB's file
    ///   rotation (`FILE_SIZE_BYTES`), which costs a fifth of a small write.
    func write(relation: String, sizeHint: Int64? = nil, on connection: Connection) throws -> [AddFile] {
        let staging = tableLocation + "/" + Self.stagingPrefix + UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let oneFile = partitionColumns.isEmpty && sizeHint.map { $0 <= targetFileSize / 2 } == true
        let dataFields = schema.fields.filter { !partitionColumns.contains($0.name) }
        guard !dataFields.isEmpty else {
            throw SwiftLakeError.invalid("no_data_columns", "Every column of the table is a partition column; a Delta data file needs at least one other column.")
        }
        let dataList = dataFields.map { "r." + SQL.identifier($0.name) }.joined(separator: ", ")
        var options = ["FORMAT parquet", "COMPRESSION snappy", "RETURN_FILES true"]
        if !oneFile { options.append("FILE_SIZE_BYTES \(targetFileSize)") }
        var partitionValues: [Int: [String: String?]] = [:]
        let select: String
        let partsTable = "__swiftlake_parts_" + UUID().uuidString.prefix(8).lowercased()
        if partitionColumns.isEmpty {
            select = "SELECT \(dataList) FROM \(relation) AS r"
        } else {
            let names = partitionColumns.map(SQL.identifier).joined(separator: ", ")
            try connection.execute("CREATE TEMP TABLE \(partsTable) AS SELECT row_number() OVER () AS id, * FROM (SELECT DISTINCT \(names) FROM \(relation))")
            let rows = try connection.query("SELECT id, \(names) FROM \(partsTable)").rows()
            for row in rows {
                var values: [String: String?] = [:]
                for (i, column) in partitionColumns.enumerated() {
                    let type = schema.field(named: column)?.type ?? .primitive(.string)
                    values[column] = try PartitionPath.serialize(row[i + 1], type: type, column: column)
                }
                partitionValues[row[0].intValue] = values
            }
            let join = partitionColumns.map { "r.\(SQL.identifier($0)) IS NOT DISTINCT FROM p.\(SQL.identifier($0))" }.joined(separator: " AND ")
            select = "SELECT \(dataList), p.id AS \(Self.partColumn) FROM \(relation) AS r JOIN \(partsTable) AS p ON \(join)"
            options.append("PARTITION_BY (\(Self.partColumn))")
        }
        defer { if !partitionColumns.isEmpty { try? connection.execute("DROP TABLE IF EXISTS \(partsTable)") } }

        var destination = staging
        if oneFile {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            destination += "/data_0.parquet"
        }
        let result = try connection.query("COPY (\(select)) TO \(SQL.literal(destination)) (\(options.joined(separator: ", ")))").rows()
        var files: [String] = []
        if let row = result.first, row.count > 1, case .list(let items) = row[1] {
            for case .varchar(let file) in items { files.append(file) }
        }
        guard !files.isEmpty else { return [] }

        let stats = try Self.statistics(of: files, dataFields: dataFields, configuration: configuration, on: connection)
        var adds: [AddFile] = []
        for file in files.sorted() {
            guard let fileStats = stats[file], fileStats.numRecords > 0 else { continue }
            var values: [String: String?] = [:]
            var directory = ""
            if !partitionColumns.isEmpty {
                let parent = (file as NSString).deletingLastPathComponent
                let id = Int((parent as NSString).lastPathComponent.split(separator: "=").last ?? "") ?? -1
                guard let found = partitionValues[id] else {
                    throw SwiftLakeError(.internal, code: "partition_lost", "DuckDB wrote \(file) into an unknown partition directory.")
                }
                values = found
                directory = partitionColumns.map { PartitionPath.directory(column: $0, value: found[$0] ?? nil) }.joined(separator: "/") + "/"
            }
            adds.append(try adopt(file, directory: directory, partitionValues: values, stats: fileStats.json))
        }
        return adds
    }

    /// Moves `file`, a finished Parquet file on the same file system, into the table (or its
    /// local mirror) under a new unique name in `directory` (a partition's directory with a
    /// trailing `/`, or empty), remembers it for ``publish()`` and ``discard()``, and returns
    /// its `add` action.
    func adopt(_ file: String, directory: String, partitionValues: [String: String?], stats: String) throws -> AddFile {
        let name = String(format: "part-%05d-", fileIndex) + UUID().uuidString.lowercased() + "-c000.snappy.parquet"
        fileIndex += 1
        let relative = directory + name
        let destination = tableLocation + "/" + relative
        try FileManager.default.createDirectory(atPath: tableLocation + "/" + directory, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: file, toPath: destination)
        written.append(destination)
        let attributes = try FileManager.default.attributesOfItem(atPath: destination)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        return AddFile(path: PartitionPath.logPath(relative), partitionValues: partitionValues, size: size,
                       modificationTime: CommitInfoBuilder.now(), dataChange: true, stats: stats)
    }

    /// The statistics of files DuckDB has just written: from their Parquet footers when
    /// every statistics column allows it (no row read again), else from a scan of the rows.
    static func statistics(of files: [String], dataFields: [DeltaLake.StructField], configuration: [String: String],
                           on connection: Connection) throws -> [String: (numRecords: Int64, json: String)] {
        let statistics = FileStatistics(dataFields: dataFields, configuration: configuration)
        if statistics.footerEligible,
           let fromFooter = statistics.statistics(fromFooter: try connection.query(statistics.footerQuery(files: files)).rows(), files: files) {
            return fromFooter
        }
        return statistics.statistics(from: try connection.query(statistics.query(files: files, fileColumn: fileColumn)).rows())
    }

    /// A writer for `table`: its own directory when the table is on the local disk, else a
    /// local mirror at `staging` (a new directory) whose files ``publish()`` uploads.
    convenience init(table: DeltaTable, staging: @autoclosure () -> String, schema: DeltaSchema, partitionColumns: [String],
                     configuration: [String: String], targetFileSize: Int64? = nil) {
        if table.store is LocalStore {
            self.init(tableLocation: table.builder.location, schema: schema, partitionColumns: partitionColumns,
                      configuration: configuration, targetFileSize: targetFileSize)
        } else {
            self.init(location: staging(), remote: table.store, schema: schema, partitionColumns: partitionColumns,
                      configuration: configuration, targetFileSize: targetFileSize)
        }
    }

    /// Uploads the files written so far to the table's store (a table on the local disk has
    /// them in place already), each under the name its `add` action gives; the local mirror
    /// is removed afterwards. Call before committing.
    func publish() async throws {
        guard let remote else { return }
        let done = Set(published)
        let pending = written.filter { !done.contains(relativePath($0)) }
        for file in pending {
            let relative = relativePath(file)
            if let s3 = remote as? S3Store {
                try await s3.uploadFile(file, to: relative)
            } else {
                try await remote.put(relative, try [UInt8](Data(contentsOf: URL(fileURLWithPath: file))))
            }
            published.append(relative)
            try? FileManager.default.removeItem(atPath: file)
        }
        try? FileManager.default.removeItem(atPath: tableLocation)
    }

    /// Deletes every file this writer moved into the table, or uploaded to it (after a
    /// failure, before any commit names them). Uploaded objects are deleted in the
    /// background; any that remain are unreferenced, and VACUUM removes them.
    func discard() {
        for file in written { try? FileManager.default.removeItem(atPath: file) }
        written = []
        if let remote {
            try? FileManager.default.removeItem(atPath: tableLocation)
            let uploaded = published
            published = []
            if !uploaded.isEmpty { Task { try? await remote.delete(uploaded) } }
        }
    }

    /// `file`'s path relative to ``tableLocation`` (the table root).
    private func relativePath(_ file: String) -> String {
        String(file.dropFirst(tableLocation.count + 1))
    }
}
