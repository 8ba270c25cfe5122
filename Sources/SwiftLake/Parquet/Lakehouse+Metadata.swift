import DuckDB
import Foundation

extension Lakehouse {
    /// Reads a Parquet file's footer: schema, row groups, statistics and file facts.
    ///
    /// The footer is the file's own description, the same whoever reads it, and reading it
    /// is a few kilobytes of I/O: it is always read here, through DuckDB's `parquet_metadata`
    /// functions, and the answer says `"engine": "duckdb"`. `engine` is accepted for
    /// uniformity with the other operations; an explicit `spark` is still refused (503) when
    /// Spark is not configured, as everywhere, so a misconfigured server does not go unnoticed.
    /// (Spark has no footer API of its own: it would hand back the same footer, slower.)
    public func metadata(_ request: ParquetMetadataRequest) async throws -> ParquetMetadata {
        _ = try selectEngine(request.engine, bytesToScan: 0)
        var lease: S3FileCache.Lease?
        defer { lease?.release() }
        let (file, reported) = try await singleParquetFile(request.path, operation: "metadata", lease: &lease)
        let fileSize = FileManager.default.totalSize(atPath: file)
        return try await duckdb.withConnection(parquetFiles: [file]) { connection in
            let literal = SQL.literal(file)
            let facts = try Record.rows(connection.query("SELECT * FROM parquet_file_metadata(\(literal))"))
            guard let fact = facts.first else {
                throw SwiftLakeError(.unprocessable, code: "corrupt_parquet", "'\(request.path)' has no readable Parquet footer.")
            }
            let schema = try Record.rows(connection.query("SELECT * FROM parquet_schema(\(literal))")).map { row in
                ParquetMetadata.SchemaElement(
                    name: row.string("name") ?? "", physicalType: row.string("type"), logicalType: row.string("logical_type"),
                    convertedType: row.string("converted_type"), repetition: row.string("repetition_type"),
                    typeLength: row.int("type_length"), precision: row.int("precision"), scale: row.int("scale"),
                    fieldId: row.int("field_id"), numChildren: row.int("num_children"), duckdbType: row.string("duckdb_type"))
            }
            let chunks = try Record.rows(connection.query("SELECT * FROM parquet_metadata(\(literal)) ORDER BY row_group_id, column_id"))
            var groups: [ParquetMetadata.RowGroup] = []
            for chunk in chunks {
                let id = chunk.int("row_group_id") ?? 0
                if groups.last?.id != id {
                    groups.append(ParquetMetadata.RowGroup(
                        id: id, numRows: chunk.int("row_group_num_rows") ?? 0, totalByteSize: chunk.int("row_group_bytes") ?? 0,
                        compressedSize: chunk.int("row_group_compressed_bytes"), columns: []))
                }
                groups[groups.count - 1].columns.append(ParquetMetadata.ColumnChunk(
                    path: chunk.string("path_in_schema") ?? "", physicalType: chunk.string("type"), compression: chunk.string("compression"),
                    encodings: (chunk.string("encodings") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                    numValues: chunk.int("num_values"),
                    min: chunk.string("stats_min_value") ?? chunk.string("stats_min"),
                    max: chunk.string("stats_max_value") ?? chunk.string("stats_max"),
                    nullCount: chunk.int("stats_null_count"), distinctCount: chunk.int("stats_distinct_count"),
                    compressedSize: chunk.int("total_compressed_size"), uncompressedSize: chunk.int("total_uncompressed_size"),
                    dataPageOffset: chunk.int("data_page_offset"), dictionaryPageOffset: chunk.int("dictionary_page_offset")))
            }
            var keyValues: [String: String] = [:]
            for row in try Record.rows(connection.query("SELECT decode(key) AS key, try(decode(value)) AS value, value AS raw FROM parquet_kv_metadata(\(literal))")) {
                guard let key = row.string("key") else { continue }
                keyValues[key] = row.string("value") ?? row.values["raw"]?.description
            }
            let columns = try Self.describe("SELECT * FROM read_parquet(\(literal))", on: connection)
            let codecs = Set(groups.flatMap { $0.columns.compactMap(\.compression) })
            return ParquetMetadata(
                path: reported, fileSize: fileSize, numRows: fact.int("num_rows") ?? 0, numRowGroups: fact.int("num_row_groups") ?? groups.count,
                createdBy: fact.string("created_by"), formatVersion: fact.int("format_version"), compression: codecs.sorted(),
                schema: schema, columns: columns, rowGroups: groups, keyValueMetadata: keyValues)
        }
    }
}

/// A result row addressed by column name.
struct Record {
    let values: [String: Value]

    static func rows(_ result: QueryResult) throws -> [Record] {
        let names = result.columns.map(\.name)
        return try result.rows().map { row in
            Record(values: Dictionary(zip(names, row), uniquingKeysWith: { first, _ in first }))
        }
    }

    func string(_ name: String) -> String? {
        switch values[name] {
        case nil, .null?: nil
        case .varchar(let s)?: s
        case let other?: other.description
        }
    }

    func int(_ name: String) -> Int? {
        switch values[name] {
        case nil, .null?: nil
        case .varchar(let s)?: Int(s)
        case let other?: other.intValue
        }
    }
}
