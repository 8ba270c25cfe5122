import CDuckDB

/// Owns one `duckdb_value` and destroys it in `deinit`.
final class CValue {
    let handle: duckdb_value

    /// Takes ownership of `handle`; `nil` if DuckDB could not create the value.
    init?(taking handle: duckdb_value?) {
        guard let handle else { return nil }
        self.handle = handle
    }

    deinit {
        var handle: duckdb_value? = self.handle
        duckdb_destroy_value(&handle)
    }

    /// Calls `body` with the handle, keeping this owner (and so the handle) alive during the call.
    func withHandle<R>(_ body: (duckdb_value) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(handle) }
    }
}

extension Value {
    /// The type DuckDB should give this value when it is bound or appended on its own.
    /// Lists take their element type from the first non-NULL element.
    var inferredType: LogicalType {
        switch self {
        case .null: return .sqlNull
        case .boolean: return .boolean
        case .tinyint: return .tinyint
        case .smallint: return .smallint
        case .integer: return .integer
        case .bigint: return .bigint
        case .hugeint: return .hugeint
        case .utinyint: return .utinyint
        case .usmallint: return .usmallint
        case .uinteger: return .uinteger
        case .ubigint: return .ubigint
        case .uhugeint: return .uhugeint
        case .float: return .float
        case .double: return .double
        case let .decimal(value): return .decimal(width: value.width, scale: value.scale)
        case .varchar, .enumeration: return .varchar
        case .blob: return .blob
        case .date: return .date
        case .time: return .time
        case .timeTZ: return .timeTZ
        case .timestamp: return .timestamp
        case .timestampTZ: return .timestampTZ
        case .timestampS: return .timestampS
        case .timestampMS: return .timestampMS
        case .timestampNS: return .timestampNS
        case .interval: return .interval
        case .uuid: return .uuid
        case .bit: return .bit
        case .bignum: return .varint
        case let .list(elements):
            return .list(Value.commonType(elements))
        case let .array(elements):
            return .array(Value.commonType(elements), size: elements.count)
        case let .struct(fields):
            return .struct(fields.map { (name: $0.name, type: $0.value.inferredType) })
        case let .map(entries):
            return .map(key: Value.commonType(entries.map(\.key)), value: Value.commonType(entries.map(\.value)))
        case let .union(tag, value):
            return .union([(name: tag, type: value.inferredType)])
        }
    }

    private static func commonType(_ values: [Value]) -> LogicalType {
        values.first(where: { !$0.isNull })?.inferredType ?? .sqlNull
    }

    /// Creates the C value for binding or appending. The caller owns the result.
    func makeCValue() throws -> CValue {
        let created: duckdb_value?
        switch self {
        case .null: created = duckdb_create_null_value()
        case let .boolean(value): created = duckdb_create_bool(value)
        case let .tinyint(value): created = duckdb_create_int8(value)
        case let .smallint(value): created = duckdb_create_int16(value)
        case let .integer(value): created = duckdb_create_int32(value)
        case let .bigint(value): created = duckdb_create_int64(value)
        case let .hugeint(value): created = duckdb_create_hugeint(duckdb_hugeint(value))
        case let .utinyint(value): created = duckdb_create_uint8(value)
        case let .usmallint(value): created = duckdb_create_uint16(value)
        case let .uinteger(value): created = duckdb_create_uint32(value)
        case let .ubigint(value): created = duckdb_create_uint64(value)
        case let .uhugeint(value): created = duckdb_create_uhugeint(duckdb_uhugeint(value))
        case let .float(value): created = duckdb_create_float(value)
        case let .double(value): created = duckdb_create_double(value)
        case let .decimal(value):
            guard (1...38).contains(value.width), (0...value.width).contains(value.scale) else {
                throw DuckDBError(code: .bind, message: "Invalid DECIMAL(\(value.width),\(value.scale))")
            }
            created = duckdb_create_decimal(
                duckdb_decimal(width: UInt8(value.width), scale: UInt8(value.scale), value: duckdb_hugeint(value.value)))
        case let .varchar(text), let .enumeration(text):
            var copy = text
            created = copy.withUTF8 { buffer in
                buffer.withMemoryRebound(to: CChar.self) { duckdb_create_varchar_length($0.baseAddress, idx_t($0.count)) }
            }
        case let .blob(bytes):
            created = bytes.withUnsafeBufferPointer { duckdb_create_blob($0.baseAddress, idx_t($0.count)) }
        case let .date(days): created = duckdb_create_date(duckdb_date(days: days))
        case let .time(micros): created = duckdb_create_time(duckdb_time(micros: micros))
        case let .timeTZ(micros, offset): created = duckdb_create_time_tz_value(duckdb_create_time_tz(micros, offset))
        case let .timestamp(micros): created = duckdb_create_timestamp(duckdb_timestamp(micros: micros))
        case let .timestampTZ(micros): created = duckdb_create_timestamp_tz(duckdb_timestamp(micros: micros))
        case let .timestampS(seconds): created = duckdb_create_timestamp_s(duckdb_timestamp_s(seconds: seconds))
        case let .timestampMS(millis): created = duckdb_create_timestamp_ms(duckdb_timestamp_ms(millis: millis))
        case let .timestampNS(nanos): created = duckdb_create_timestamp_ns(duckdb_timestamp_ns(nanos: nanos))
        case let .interval(months, days, micros):
            created = duckdb_create_interval(duckdb_interval(months: months, days: days, micros: micros))
        case let .uuid(uuid): created = duckdb_create_uuid(duckdb_uhugeint(uuid.uuid128))
        case let .bit(text):
            guard var storage = BitString.storage(fromText: text) else {
                throw DuckDBError(code: .bind, message: "Invalid BIT string '\(text)': expected only 0 and 1")
            }
            created = storage.withUnsafeMutableBufferPointer {
                duckdb_create_bit(duckdb_bit(data: $0.baseAddress, size: idx_t($0.count)))
            }
        case let .bignum(text):
            guard let magnitude = Bignum.bigEndianMagnitude(ofDecimal: text) else {
                throw DuckDBError(code: .bind, message: "Invalid BIGNUM '\(text)': expected decimal digits")
            }
            var bytes = magnitude.bytes
            let negative = magnitude.negative
            created = bytes.withUnsafeMutableBufferPointer {
                duckdb_create_bignum(duckdb_bignum(data: $0.baseAddress, size: idx_t($0.count), is_negative: negative))
            }
        // The C values and types must outlive the calls that copy them, hence `withExtendedLifetime`.
        case let .list(elements), let .array(elements):
            let type = try CLogicalType(Value.commonType(elements))
            let children = try elements.map { try $0.makeCValue() }
            var handles: [duckdb_value?] = children.map(\.handle)
            let isArray = if case .array = self { true } else { false }
            created = withExtendedLifetime((type, children)) {
                isArray
                    ? duckdb_create_array_value(type.handle, &handles, idx_t(handles.count))
                    : duckdb_create_list_value(type.handle, &handles, idx_t(handles.count))
            }
        case let .struct(fields):
            let type = try CLogicalType(inferredType)
            let children = try fields.map { try $0.value.makeCValue() }
            var handles: [duckdb_value?] = children.map(\.handle)
            created = withExtendedLifetime((type, children)) { duckdb_create_struct_value(type.handle, &handles) }
        case let .map(entries):
            let type = try CLogicalType(inferredType)
            let keys = try entries.map { try $0.key.makeCValue() }
            let values = try entries.map { try $0.value.makeCValue() }
            var keyHandles: [duckdb_value?] = keys.map(\.handle)
            var valueHandles: [duckdb_value?] = values.map(\.handle)
            created = withExtendedLifetime((type, keys, values)) {
                duckdb_create_map_value(type.handle, &keyHandles, &valueHandles, idx_t(entries.count))
            }
        case let .union(_, value):
            let type = try CLogicalType(inferredType)
            let member = try value.makeCValue()
            created = withExtendedLifetime((type, member)) { duckdb_create_union_value(type.handle, 0, member.handle) }
        }
        guard let value = CValue(taking: created) else {
            throw DuckDBError(code: .bind, message: "DuckDB could not create a value from \(self) (\(inferredType))")
        }
        return value
    }
}
