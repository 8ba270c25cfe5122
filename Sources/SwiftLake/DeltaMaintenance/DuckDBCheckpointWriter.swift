import DeltaLake
import DuckDB
import Foundation

/// Writes checkpoint Parquet with DuckDB: the inverse of ``DuckDBCheckpointReader``.
///
/// Each action is rendered as its Delta JSON line (``DeltaLake/Action/jsonLine``), appended
/// into a temporary table, and turned into the protocol's checkpoint columns by
/// `json_transform` with ``columns``: one struct column per action type, so every row has
/// exactly one non-null action column, a field the action lacks is NULL, and
/// `partitionValues`, `tags`, `configuration` and `format.options` are Parquet maps of
/// strings (SQL NULL values kept) as Spark and delta-rs write them.
struct DuckDBCheckpointWriter: Sendable {
    /// The checkpoint's columns and their DuckDB types, in the order Spark writes them.
    /// `stats_parsed` and `partitionValues_parsed` are not written (they are optional; the
    /// `stats` string is).
    static let columns: [(name: String, type: String)] = {
        let map = "MAP(VARCHAR, VARCHAR)"
        let deletionVector = "STRUCT(storageType VARCHAR, pathOrInlineDv VARCHAR, \"offset\" INTEGER, sizeInBytes INTEGER, cardinality BIGINT, maxRowIndex BIGINT)"
        return [
            ("txn", "STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)"),
            ("add", "STRUCT(path VARCHAR, partitionValues \(map), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, tags \(map), deletionVector \(deletionVector), baseRowId BIGINT, defaultRowCommitVersion BIGINT, clusteringProvider VARCHAR, stats VARCHAR)"),
            ("remove", "STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues \(map), size BIGINT, tags \(map), deletionVector \(deletionVector), baseRowId BIGINT, defaultRowCommitVersion BIGINT)"),
            ("metaData", "STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, options \(map)), schemaString VARCHAR, partitionColumns VARCHAR[], configuration \(map), createdTime BIGINT)"),
            ("protocol", "STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])"),
            ("domainMetadata", "STRUCT(domain VARCHAR, configuration VARCHAR, removed BOOLEAN)"),
        ]
    }()

    let engine: DuckDBEngine

    /// Writes `actions` as a checkpoint Parquet file at `path` (a path DuckDB may write: the
    /// engine's staging directory). Returns the file's size in bytes.
    func write(_ actions: [Action], to path: String) async throws -> Int64 {
        let lines = actions.map(\.jsonLine)
        let table = "swiftlake_checkpoint_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let structure = "{" + Self.columns.map { "\"\($0.name)\": \"\($0.type.replacingOccurrences(of: "\"", with: "\\\""))\"" }
            .joined(separator: ", ") + "}"
        let select = Self.columns.map { "s.\(SQL.identifier($0.name))" }.joined(separator: ", ")
        try await engine.withConnection { connection in
            try connection.execute("CREATE TEMP TABLE \(SQL.identifier(table)) (line VARCHAR)")
            defer { try? connection.execute("DROP TABLE IF EXISTS \(SQL.identifier(table))") }
            let appender = try Appender(connection: connection, table: table)
            for line in lines { try appender.append(row: [.varchar(line)]) }
            try appender.close()
            try connection.execute("""
                COPY (SELECT \(select) FROM (SELECT json_transform(line, \(SQL.literal(structure))) AS s FROM \(SQL.identifier(table))))
                TO \(SQL.literal(path)) (FORMAT parquet)
                """)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }
}
