import CDuckDB
import Foundation

/// Turns DuckDB vectors into ``Value``s.
///
/// Vectors in result chunks are flat (DuckDB copies each chunk into fresh flat vectors before
/// handing it out). Only rows that are valid at every level are read: a child of a NULL list,
/// struct or array is never touched, so undefined child memory is never interpreted.
enum VectorDecoder {
    /// Decodes `rows` (indexes into `vector`) with `reader`.
    static func decode(_ vector: duckdb_vector, _ reader: VectorReader, rows: [Int]) throws -> [Value] {
        let validity = duckdb_vector_get_validity(vector)
        func isValid(_ row: Int) -> Bool {
            guard let validity else { return true }
            return duckdb_validity_row_is_valid(validity, idx_t(row))
        }
        func fixed<T>(_: T.Type, _ make: (T) -> Value) -> [Value] {
            guard let data = duckdb_vector_get_data(vector) else { return rows.map { _ in .null } }
            let typed = data.assumingMemoryBound(to: T.self)
            return rows.map { isValid($0) ? make(typed[$0]) : .null }
        }
        func bytes(_ make: (UnsafeRawBufferPointer) -> Value) -> [Value] {
            guard let data = duckdb_vector_get_data(vector) else { return rows.map { _ in .null } }
            let strings = data.assumingMemoryBound(to: duckdb_string_t.self)
            return rows.map { row in
                guard isValid(row) else { return .null }
                let string = strings + row
                let length = Int(duckdb_string_t_length(string.pointee))
                let start = duckdb_string_t_data(string)
                return make(UnsafeRawBufferPointer(start: start, count: length))
            }
        }

        switch reader {
        case .boolean: return fixed(Bool.self) { .boolean($0) }
        case .int8: return fixed(Int8.self) { .tinyint($0) }
        case .int16: return fixed(Int16.self) { .smallint($0) }
        case .int32: return fixed(Int32.self) { .integer($0) }
        case .int64: return fixed(Int64.self) { .bigint($0) }
        case .int128: return fixed(duckdb_hugeint.self) { .hugeint(Int128($0)) }
        case .uint8: return fixed(UInt8.self) { .utinyint($0) }
        case .uint16: return fixed(UInt16.self) { .usmallint($0) }
        case .uint32: return fixed(UInt32.self) { .uinteger($0) }
        case .uint64: return fixed(UInt64.self) { .ubigint($0) }
        case .uint128: return fixed(duckdb_uhugeint.self) { .uhugeint(UInt128($0)) }
        case .float: return fixed(Float.self) { .float($0) }
        case .double: return fixed(Double.self) { .double($0) }
        case let .decimal(width, scale, storage):
            func decimal(_ value: Int128) -> Value { .decimal(DecimalValue(value: value, width: width, scale: scale)) }
            switch storage {
            case .bits8: return fixed(Int8.self) { decimal(Int128($0)) }
            case .bits16: return fixed(Int16.self) { decimal(Int128($0)) }
            case .bits32: return fixed(Int32.self) { decimal(Int128($0)) }
            case .bits64: return fixed(Int64.self) { decimal(Int128($0)) }
            case .bits128: return fixed(duckdb_hugeint.self) { decimal(Int128($0)) }
            }
        case .varchar: return bytes { .varchar(String(decoding: $0, as: UTF8.self)) }
        case .blob: return bytes { .blob(Array($0)) }
        case .bit: return bytes { .bit(BitString.text(fromStorage: Array($0))) }
        case .bignum: return bytes { .bignum(Bignum.text(fromStorage: Array($0))) }
        case .date: return fixed(Int32.self) { .date(days: $0) }
        case .time: return fixed(Int64.self) { .time(micros: $0) }
        case .timeNS: return fixed(Int64.self) { .varchar(TemporalFormat.timeNS(nanos: $0)) }
        case .timeTZ:
            return fixed(duckdb_time_tz.self) { packed in
                let parts = duckdb_from_time_tz(packed)
                let clock = parts.time
                let micros =
                    ((Int64(clock.hour) * 60 + Int64(clock.min)) * 60 + Int64(clock.sec)) * 1_000_000
                    + Int64(clock.micros)
                return .timeTZ(micros: micros, offsetSeconds: parts.offset)
            }
        case .timestamp: return fixed(Int64.self) { .timestamp(micros: $0) }
        case .timestampTZ: return fixed(Int64.self) { .timestampTZ(micros: $0) }
        case .timestampS: return fixed(Int64.self) { .timestampS(seconds: $0) }
        case .timestampMS: return fixed(Int64.self) { .timestampMS(millis: $0) }
        case .timestampNS: return fixed(Int64.self) { .timestampNS(nanos: $0) }
        case .timestampTZNS:
            return fixed(Int64.self) { .varchar(TemporalFormat.timestampNS(nanos: $0, withTimeZone: true)) }
        case .interval:
            return fixed(duckdb_interval.self) { .interval(months: $0.months, days: $0.days, micros: $0.micros) }
        case .uuid: return fixed(duckdb_hugeint.self) { .uuid(UUID(duckDBStorage: $0)) }
        case .sqlNull: return rows.map { _ in .null }
        case let .enumeration(dictionary, storage):
            func label(_ index: Int) -> Value {
                index < dictionary.count ? .enumeration(dictionary[index]) : .null
            }
            switch storage {
            case .bits8: return fixed(UInt8.self) { label(Int($0)) }
            case .bits16: return fixed(UInt16.self) { label(Int($0)) }
            default: return fixed(UInt32.self) { label(Int($0)) }
            }
        case let .list(element):
            guard let layout = listLayout(vector, rows: rows, isValid: isValid) else { return rows.map { _ in .null } }
            let values = try decode(layout.child, element, rows: layout.childRows)
            return layout.ranges.map { range in range.map { .list(Array(values[$0])) } ?? .null }
        case let .array(element, size):
            guard let child = duckdb_array_vector_get_child(vector) else { return rows.map { _ in .null } }
            var childRows: [Int] = []
            for row in rows where isValid(row) { childRows += (row * size)..<((row + 1) * size) }
            let values = try decode(child, element, rows: childRows)
            var next = 0
            return rows.map { row in
                guard isValid(row) else { return .null }
                defer { next += size }
                return .array(Array(values[next..<(next + size)]))
            }
        case let .structure(names, children):
            let validRows = rows.filter(isValid)
            let columns = try children.indices.map { index in
                try decode(duckdb_struct_vector_get_child(vector, idx_t(index)), children[index], rows: validRows)
            }
            var next = 0
            return rows.map { row in
                guard isValid(row) else { return .null }
                defer { next += 1 }
                return .struct(names.indices.map { StructField(name: names[$0], value: columns[$0][next]) })
            }
        case let .map(keyReader, valueReader):
            guard let layout = listLayout(vector, rows: rows, isValid: isValid),
                let keyVector = duckdb_struct_vector_get_child(layout.child, 0),
                let valueVector = duckdb_struct_vector_get_child(layout.child, 1)
            else { return rows.map { _ in .null } }
            let keys = try decode(keyVector, keyReader, rows: layout.childRows)
            let values = try decode(valueVector, valueReader, rows: layout.childRows)
            return layout.ranges.map { range in
                guard let range else { return .null }
                return .map(range.map { MapEntry(key: keys[$0], value: values[$0]) })
            }
        case let .union(names, members):
            guard let tagVector = duckdb_struct_vector_get_child(vector, 0),
                let tagData = duckdb_vector_get_data(tagVector)
            else { return rows.map { _ in .null } }
            let tags = tagData.assumingMemoryBound(to: UInt8.self)
            var rowsByTag = [[Int]](repeating: [], count: members.count)
            for row in rows where isValid(row) && Int(tags[row]) < members.count {
                rowsByTag[Int(tags[row])].append(row)
            }
            var decoded: [[Int: Value]] = []
            for (tag, member) in members.enumerated() {
                let memberRows = rowsByTag[tag]
                let values = memberRows.isEmpty
                    ? [] : try decode(duckdb_struct_vector_get_child(vector, idx_t(tag + 1)), member, rows: memberRows)
                decoded.append(Dictionary(uniqueKeysWithValues: zip(memberRows, values)))
            }
            return rows.map { row in
                guard isValid(row), Int(tags[row]) < members.count else { return .null }
                let tag = Int(tags[row])
                return .union(tag: names[tag], value: decoded[tag][row] ?? .null)
            }
        case let .unsupported(name):
            throw DuckDBError(
                code: .unsupportedType,
                message: "The DuckDB module cannot decode values of type \(name); CAST the column to VARCHAR in SQL")
        }
    }

    /// Where the elements of each row of a list-shaped vector (LIST or MAP) are: the child vector,
    /// the child rows to read, and for each requested row its range in those child rows (`nil` if NULL).
    private static func listLayout(_ vector: duckdb_vector, rows: [Int], isValid: (Int) -> Bool)
        -> (child: duckdb_vector, childRows: [Int], ranges: [Range<Int>?])?
    {
        guard let data = duckdb_vector_get_data(vector), let child = duckdb_list_vector_get_child(vector) else {
            return nil
        }
        let entries = data.assumingMemoryBound(to: duckdb_list_entry.self)
        var childRows: [Int] = []
        var ranges: [Range<Int>?] = []
        ranges.reserveCapacity(rows.count)
        for row in rows {
            guard isValid(row) else {
                ranges.append(nil)
                continue
            }
            let entry = entries[row]
            let start = childRows.count
            childRows += Int(entry.offset)..<Int(entry.offset + entry.length)
            ranges.append(start..<childRows.count)
        }
        return (child, childRows, ranges)
    }
}

extension Int128 {
    /// DuckDB's HUGEINT: `upper * 2^64 + lower`.
    init(_ value: duckdb_hugeint) {
        self = Int128(value.upper) << 64 | Int128(value.lower)
    }
}

extension UInt128 {
    /// DuckDB's UHUGEINT: `upper * 2^64 + lower`.
    init(_ value: duckdb_uhugeint) {
        self = UInt128(value.upper) << 64 | UInt128(value.lower)
    }
}

extension duckdb_hugeint {
    init(_ value: Int128) {
        self.init(lower: UInt64(truncatingIfNeeded: value), upper: Int64(truncatingIfNeeded: value >> 64))
    }
}

extension duckdb_uhugeint {
    init(_ value: UInt128) {
        self.init(lower: UInt64(truncatingIfNeeded: value), upper: UInt64(truncatingIfNeeded: value >> 64))
    }
}

extension UUID {
    /// DuckDB stores a UUID as a HUGEINT whose top bit is flipped (so that signed order is byte order).
    init(duckDBStorage value: duckdb_hugeint) {
        let upper = UInt64(bitPattern: value.upper) ^ (1 << 63)
        self.init(uuid128: UInt128(upper) << 64 | UInt128(value.lower))
    }

    /// Builds a UUID from its 16 bytes read as one big-endian integer.
    init(uuid128 value: UInt128) {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<16 { bytes[index] = UInt8(truncatingIfNeeded: value >> (8 * (15 - index))) }
        self.init(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// The 16 bytes as one big-endian integer (what `duckdb_create_uuid` expects).
    var uuid128: UInt128 {
        withUnsafeBytes(of: uuid) { raw in raw.reduce(UInt128(0)) { $0 << 8 | UInt128($1) } }
    }
}
