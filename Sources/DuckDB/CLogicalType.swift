import Foundation
import CDuckDB

/// Owns one `duckdb_logical_type` and destroys it in `deinit`.
final class CLogicalType {
    let handle: duckdb_logical_type

    /// Takes ownership of `handle`; `nil` if DuckDB returned no type.
    init?(taking handle: duckdb_logical_type?) {
        guard let handle else { return nil }
        self.handle = handle
    }

    deinit {
        var handle: duckdb_logical_type? = self.handle
        duckdb_destroy_logical_type(&handle)
    }

    /// Calls `body` with the handle, keeping this owner (and so the handle) alive during the call.
    func withHandle<R>(_ body: (duckdb_logical_type) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(handle) }
    }
}

extension CLogicalType {
    /// Builds the C type for `type`, e.g. to create list or struct values for binding and appending.
    convenience init(_ type: LogicalType) throws {
        func primitive(_ id: duckdb_type) -> duckdb_logical_type? { duckdb_create_logical_type(id) }
        let created: duckdb_logical_type?
        switch type {
        case .boolean: created = primitive(DUCKDB_TYPE_BOOLEAN)
        case .tinyint: created = primitive(DUCKDB_TYPE_TINYINT)
        case .smallint: created = primitive(DUCKDB_TYPE_SMALLINT)
        case .integer: created = primitive(DUCKDB_TYPE_INTEGER)
        case .bigint: created = primitive(DUCKDB_TYPE_BIGINT)
        case .hugeint: created = primitive(DUCKDB_TYPE_HUGEINT)
        case .utinyint: created = primitive(DUCKDB_TYPE_UTINYINT)
        case .usmallint: created = primitive(DUCKDB_TYPE_USMALLINT)
        case .uinteger: created = primitive(DUCKDB_TYPE_UINTEGER)
        case .ubigint: created = primitive(DUCKDB_TYPE_UBIGINT)
        case .uhugeint: created = primitive(DUCKDB_TYPE_UHUGEINT)
        case .float: created = primitive(DUCKDB_TYPE_FLOAT)
        case .double: created = primitive(DUCKDB_TYPE_DOUBLE)
        case let .decimal(width, scale):
            created = duckdb_create_decimal_type(UInt8(clamping: width), UInt8(clamping: scale))
        case .varchar: created = primitive(DUCKDB_TYPE_VARCHAR)
        case .blob: created = primitive(DUCKDB_TYPE_BLOB)
        case .date: created = primitive(DUCKDB_TYPE_DATE)
        case .time: created = primitive(DUCKDB_TYPE_TIME)
        case .timeTZ: created = primitive(DUCKDB_TYPE_TIME_TZ)
        case .timestamp: created = primitive(DUCKDB_TYPE_TIMESTAMP)
        case .timestampTZ: created = primitive(DUCKDB_TYPE_TIMESTAMP_TZ)
        case .timestampS: created = primitive(DUCKDB_TYPE_TIMESTAMP_S)
        case .timestampMS: created = primitive(DUCKDB_TYPE_TIMESTAMP_MS)
        case .timestampNS: created = primitive(DUCKDB_TYPE_TIMESTAMP_NS)
        case .interval: created = primitive(DUCKDB_TYPE_INTERVAL)
        case .uuid: created = primitive(DUCKDB_TYPE_UUID)
        case .bit: created = primitive(DUCKDB_TYPE_BIT)
        case .varint: created = primitive(DUCKDB_TYPE_BIGNUM)
        case .sqlNull: created = primitive(DUCKDB_TYPE_SQLNULL)
        // Child types must outlive the call that copies them: `withExtendedLifetime` keeps Swift
        // from releasing them right after their handle is read.
        case let .list(child):
            let element = try CLogicalType(child)
            created = element.withHandle { duckdb_create_list_type($0) }
        case let .array(child, size):
            let element = try CLogicalType(child)
            created = element.withHandle { duckdb_create_array_type($0, idx_t(size)) }
        case let .map(key, value):
            let keyType = try CLogicalType(key)
            let valueType = try CLogicalType(value)
            created = withExtendedLifetime((keyType, valueType)) { duckdb_create_map_type(keyType.handle, valueType.handle) }
        case let .struct(fields):
            created = try CLogicalType.withMembers(fields) { duckdb_create_struct_type($0, $1, $2) }
        case let .union(members):
            created = try CLogicalType.withMembers(members) { duckdb_create_union_type($0, $1, $2) }
        case let .enumeration(labels):
            created = CString.withArray(labels) { names in
                var pointers = names
                return duckdb_create_enum_type(&pointers, idx_t(labels.count))
            }
        case let .other(name):
            throw DuckDBError(code: .unsupportedType, message: "Cannot create a value of type \(name)")
        }
        guard let created, duckdb_get_type_id(created) != DUCKDB_TYPE_INVALID else {
            var leftover = created
            if leftover != nil { duckdb_destroy_logical_type(&leftover) }
            throw DuckDBError(code: .unsupportedType, message: "DuckDB rejected the type \(type)")
        }
        self.init(taking: created)!
    }

    /// Calls `body` with C arrays of member types and names (valid only during the call).
    private static func withMembers(
        _ members: [(name: String, type: LogicalType)],
        _ body: (UnsafeMutablePointer<duckdb_logical_type?>, UnsafeMutablePointer<UnsafePointer<CChar>?>, idx_t)
            -> duckdb_logical_type?
    ) throws -> duckdb_logical_type? {
        let types = try members.map { try CLogicalType($0.type) }
        var handles: [duckdb_logical_type?] = types.map(\.handle)
        return CString.withArray(members.map(\.name)) { names in
            var pointers = names
            return withExtendedLifetime(types) {
                body(&handles, &pointers, idx_t(members.count))
            }
        }
    }
}

/// Helpers for C strings DuckDB hands out or takes.
enum CString {
    /// Copies a string DuckDB allocated and frees it with `duckdb_free`.
    static func takeOwnership(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { duckdb_free(pointer) }
        return String(cString: pointer)
    }

    /// Calls `body` with NUL-terminated copies of `strings`, valid only during the call.
    static func withArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return body(copies.map { UnsafePointer($0) })
    }
}
