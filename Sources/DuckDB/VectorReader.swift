import CDuckDB

/// How to read the values of one vector: the physical layout behind a logical type.
///
/// Built once per result column from the C logical type (see ``VectorReader/make(_:)``), then
/// used by ``VectorDecoder`` for every chunk.
indirect enum VectorReader: Sendable {
    case boolean, int8, int16, int32, int64, int128, uint8, uint16, uint32, uint64, uint128, float, double
    /// DECIMAL stored as Int16/Int32/Int64/Int128 depending on its width.
    case decimal(width: Int, scale: Int, storage: IntegerStorage)
    case varchar, blob, date, time, timeTZ, timestamp, timestampTZ, timestampS, timestampMS, timestampNS
    case interval, uuid, bit, bignum, sqlNull
    /// Types without a ``Value`` case of their own, read as DuckDB's text form.
    case timeNS, timestampTZNS
    /// ENUM: dictionary indexes stored as UInt8/UInt16/UInt32 depending on the dictionary size.
    case enumeration(dictionary: [String], storage: IntegerStorage)
    case list(VectorReader)
    case array(VectorReader, size: Int)
    case structure(names: [String], children: [VectorReader])
    /// MAP: a list of STRUCT(key, value).
    case map(key: VectorReader, value: VectorReader)
    /// UNION: a struct whose child 0 is the UInt8 tag and child i+1 the i-th member.
    case union(names: [String], members: [VectorReader])
    /// A type this module cannot decode; reading a chunk with it fails with `.unsupportedType`.
    case unsupported(String)

    /// The integer width a DECIMAL or ENUM is stored in.
    enum IntegerStorage: Sendable {
        case bits8, bits16, bits32, bits64, bits128
    }
}

extension VectorReader {
    /// The Swift ``LogicalType`` and the reader for a C logical type (which stays owned by the caller).
    static func make(_ type: duckdb_logical_type) -> (LogicalType, VectorReader) {
        func child(_ handle: duckdb_logical_type?) -> (LogicalType, VectorReader) {
            guard let owned = CLogicalType(taking: handle) else { return (.other("INVALID"), .unsupported("INVALID")) }
            return owned.withHandle { make($0) }
        }
        switch duckdb_get_type_id(type) {
        case DUCKDB_TYPE_BOOLEAN: return (.boolean, .boolean)
        case DUCKDB_TYPE_TINYINT: return (.tinyint, .int8)
        case DUCKDB_TYPE_SMALLINT: return (.smallint, .int16)
        case DUCKDB_TYPE_INTEGER: return (.integer, .int32)
        case DUCKDB_TYPE_BIGINT: return (.bigint, .int64)
        case DUCKDB_TYPE_HUGEINT: return (.hugeint, .int128)
        case DUCKDB_TYPE_UTINYINT: return (.utinyint, .uint8)
        case DUCKDB_TYPE_USMALLINT: return (.usmallint, .uint16)
        case DUCKDB_TYPE_UINTEGER: return (.uinteger, .uint32)
        case DUCKDB_TYPE_UBIGINT: return (.ubigint, .uint64)
        case DUCKDB_TYPE_UHUGEINT: return (.uhugeint, .uint128)
        case DUCKDB_TYPE_FLOAT: return (.float, .float)
        case DUCKDB_TYPE_DOUBLE: return (.double, .double)
        case DUCKDB_TYPE_DECIMAL:
            let width = Int(duckdb_decimal_width(type))
            let scale = Int(duckdb_decimal_scale(type))
            let storage: IntegerStorage
            switch duckdb_decimal_internal_type(type) {
            case DUCKDB_TYPE_SMALLINT: storage = .bits16
            case DUCKDB_TYPE_INTEGER: storage = .bits32
            case DUCKDB_TYPE_BIGINT: storage = .bits64
            default: storage = .bits128
            }
            return (.decimal(width: width, scale: scale), .decimal(width: width, scale: scale, storage: storage))
        case DUCKDB_TYPE_VARCHAR: return (.varchar, .varchar)
        case DUCKDB_TYPE_BLOB: return (.blob, .blob)
        case DUCKDB_TYPE_GEOMETRY: return (.other("GEOMETRY"), .blob)
        case DUCKDB_TYPE_DATE: return (.date, .date)
        case DUCKDB_TYPE_TIME: return (.time, .time)
        case DUCKDB_TYPE_TIME_TZ: return (.timeTZ, .timeTZ)
        case DUCKDB_TYPE_TIME_NS: return (.other("TIME_NS"), .timeNS)
        case DUCKDB_TYPE_TIMESTAMP: return (.timestamp, .timestamp)
        case DUCKDB_TYPE_TIMESTAMP_TZ: return (.timestampTZ, .timestampTZ)
        case DUCKDB_TYPE_TIMESTAMP_S: return (.timestampS, .timestampS)
        case DUCKDB_TYPE_TIMESTAMP_MS: return (.timestampMS, .timestampMS)
        case DUCKDB_TYPE_TIMESTAMP_NS: return (.timestampNS, .timestampNS)
        case DUCKDB_TYPE_TIMESTAMP_TZ_NS: return (.other("TIMESTAMPTZ_NS"), .timestampTZNS)
        case DUCKDB_TYPE_INTERVAL: return (.interval, .interval)
        case DUCKDB_TYPE_UUID: return (.uuid, .uuid)
        case DUCKDB_TYPE_BIT: return (.bit, .bit)
        case DUCKDB_TYPE_BIGNUM: return (.varint, .bignum)
        case DUCKDB_TYPE_SQLNULL: return (.sqlNull, .sqlNull)
        case DUCKDB_TYPE_ENUM:
            let size = Int(duckdb_enum_dictionary_size(type))
            let labels = (0..<size).map { CString.takeOwnership(duckdb_enum_dictionary_value(type, idx_t($0))) ?? "" }
            let storage: IntegerStorage
            switch duckdb_enum_internal_type(type) {
            case DUCKDB_TYPE_UTINYINT: storage = .bits8
            case DUCKDB_TYPE_USMALLINT: storage = .bits16
            default: storage = .bits32
            }
            return (.enumeration(labels), .enumeration(dictionary: labels, storage: storage))
        case DUCKDB_TYPE_LIST:
            let (element, reader) = child(duckdb_list_type_child_type(type))
            return (.list(element), .list(reader))
        case DUCKDB_TYPE_ARRAY:
            let size = Int(duckdb_array_type_array_size(type))
            let (element, reader) = child(duckdb_array_type_child_type(type))
            return (.array(element, size: size), .array(reader, size: size))
        case DUCKDB_TYPE_MAP:
            let (key, keyReader) = child(duckdb_map_type_key_type(type))
            let (value, valueReader) = child(duckdb_map_type_value_type(type))
            return (.map(key: key, value: value), .map(key: keyReader, value: valueReader))
        case DUCKDB_TYPE_STRUCT:
            let count = Int(duckdb_struct_type_child_count(type))
            var fields: [(name: String, type: LogicalType)] = []
            var readers: [VectorReader] = []
            for index in 0..<count {
                let name = CString.takeOwnership(duckdb_struct_type_child_name(type, idx_t(index))) ?? ""
                let (fieldType, reader) = child(duckdb_struct_type_child_type(type, idx_t(index)))
                fields.append((name: name, type: fieldType))
                readers.append(reader)
            }
            return (.struct(fields), .structure(names: fields.map(\.name), children: readers))
        case DUCKDB_TYPE_UNION:
            let count = Int(duckdb_union_type_member_count(type))
            var members: [(name: String, type: LogicalType)] = []
            var readers: [VectorReader] = []
            for index in 0..<count {
                let name = CString.takeOwnership(duckdb_union_type_member_name(type, idx_t(index))) ?? ""
                let (memberType, reader) = child(duckdb_union_type_member_type(type, idx_t(index)))
                members.append((name: name, type: memberType))
                readers.append(reader)
            }
            return (.union(members), .union(names: members.map(\.name), members: readers))
        case DUCKDB_TYPE_VARIANT: return (.other("VARIANT"), .unsupported("VARIANT"))
        case let id: return (.other("UNKNOWN(\(id.rawValue))"), .unsupported("type id \(id.rawValue)"))
        }
    }
}
