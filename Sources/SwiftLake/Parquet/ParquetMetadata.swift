/// A Parquet file's footer: schema, row groups with per-column statistics, and file facts.
public struct ParquetMetadata: Codable, Sendable {
    /// The file.
    public var path: String
    /// Size of the file in bytes.
    public var fileSize: Int
    /// Rows in the file.
    public var numRows: Int
    /// Row groups in the file.
    public var numRowGroups: Int
    /// The writer, e.g. `parquet-cpp-arrow version 17.0.0` or `DuckDB version v2.0.0`.
    public var createdBy: String?
    /// The Parquet format version.
    public var formatVersion: Int?
    /// Codecs used by the file's column chunks.
    public var compression: [String]
    /// The schema tree, flattened in file order (the root first).
    public var schema: [SchemaElement]
    /// The columns as DuckDB reads them (logical types).
    public var columns: [ResultColumn]
    /// Row groups and their column chunks.
    public var rowGroups: [RowGroup]
    /// The footer's key-value metadata (e.g. `ARROW:schema`, `pandas`).
    public var keyValueMetadata: [String: String]
    /// The engine that read the footer: always `duckdb` (see ``Lakehouse/metadata(_:)``).
    public var engine: String = DuckDBEngine.name

    enum CodingKeys: String, CodingKey {
        case path, fileSize = "file_size", numRows = "num_rows", numRowGroups = "num_row_groups", createdBy = "created_by"
        case formatVersion = "format_version", compression, schema, columns, rowGroups = "row_groups", keyValueMetadata = "key_value_metadata"
        case engine
    }

    /// One element of the Parquet schema.
    public struct SchemaElement: Codable, Sendable {
        public var name: String
        /// The physical type (`INT32`, `BYTE_ARRAY`, …); absent for groups.
        public var physicalType: String?
        /// The logical type annotation, e.g. `TimestampType(isAdjustedToUTC=1, unit=MICROS)`.
        public var logicalType: String?
        /// The legacy converted type (`UTF8`, `DECIMAL`, …).
        public var convertedType: String?
        /// `REQUIRED`, `OPTIONAL` or `REPEATED`.
        public var repetition: String?
        public var typeLength: Int?
        public var precision: Int?
        public var scale: Int?
        public var fieldId: Int?
        /// Children of a group; absent for leaves.
        public var numChildren: Int?
        /// The type DuckDB reads this element as.
        public var duckdbType: String?

        enum CodingKeys: String, CodingKey {
            case name, physicalType = "physical_type", logicalType = "logical_type", convertedType = "converted_type"
            case repetition, typeLength = "type_length", precision, scale, fieldId = "field_id", numChildren = "num_children"
            case duckdbType = "duckdb_type"
        }
    }

    /// One row group.
    public struct RowGroup: Codable, Sendable {
        public var id: Int
        public var numRows: Int
        /// Uncompressed bytes of the row group.
        public var totalByteSize: Int
        /// Compressed bytes, when the writer recorded them.
        public var compressedSize: Int?
        public var columns: [ColumnChunk]

        enum CodingKeys: String, CodingKey {
            case id, numRows = "num_rows", totalByteSize = "total_byte_size", compressedSize = "compressed_size", columns
        }
    }

    /// One column chunk of a row group, with its statistics.
    public struct ColumnChunk: Codable, Sendable {
        /// Dotted path of the leaf column, e.g. `address.city`.
        public var path: String
        public var physicalType: String?
        public var compression: String?
        public var encodings: [String]
        public var numValues: Int?
        /// Statistics: minimum and maximum as text (absent when not recorded), NULL count.
        public var min: String?
        public var max: String?
        public var nullCount: Int?
        public var distinctCount: Int?
        public var compressedSize: Int?
        public var uncompressedSize: Int?
        public var dataPageOffset: Int?
        public var dictionaryPageOffset: Int?

        enum CodingKeys: String, CodingKey {
            case path, physicalType = "physical_type", compression, encodings, numValues = "num_values", min, max
            case nullCount = "null_count", distinctCount = "distinct_count", compressedSize = "compressed_size"
            case uncompressedSize = "uncompressed_size", dataPageOffset = "data_page_offset", dictionaryPageOffset = "dictionary_page_offset"
        }
    }
}

/// `{"path": "…", "engine"?: …}`: the file whose metadata to read.
public struct ParquetMetadataRequest: Codable, Sendable {
    /// The Parquet file.
    public var path: String
    /// Accepted as on every request, but the footer is read the same way whatever it says
    /// (see ``Lakehouse/metadata(_:)``); `spark` still needs Spark to be configured.
    public var engine: EngineChoice?

    /// Creates a request.
    public init(path: String, engine: EngineChoice? = nil) {
        self.path = path
        self.engine = engine
    }
}
