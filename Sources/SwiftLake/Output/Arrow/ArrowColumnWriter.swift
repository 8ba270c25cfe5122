import DuckDB

/// Lays out one column of values as Arrow arrays: its field nodes and buffers, children
/// after their parent, into an ``ArrowBody``.
///
/// A value that cannot be stored as the field's type (a different kind, or out of range, such
/// as a `UHUGEINT` of 2¹²⁷ or more in `Decimal128`) is written as null rather than failing the
/// whole stream.
enum ArrowColumnWriter {
    /// Writes `values` as the array of `field`.
    static func write(_ values: [Value], as field: ArrowField, into body: inout ArrowBody) {
        switch field.type {
        case .null:
            body.addNode(length: values.count, nullCount: values.count)
        case .bool:
            let items = values.map { value -> Bool? in
                if case let .boolean(flag) = value { return flag }
                return nil
            }
            writeValidity(items, into: &body)
            body.addBitmap(items.map { $0 ?? false })
        case let .int(bitWidth, signed):
            let items = values.map { ArrowScalar.integer($0, bitWidth: bitWidth, signed: signed) }
            writeFixedWidth(items, into: &body) { bits, out in
                switch bitWidth {
                case 8: out.append(UInt8(truncatingIfNeeded: bits ?? 0))
                case 16: ArrowBody.appendLittleEndian(UInt16(truncatingIfNeeded: bits ?? 0), to: &out)
                case 32: ArrowBody.appendLittleEndian(UInt32(truncatingIfNeeded: bits ?? 0), to: &out)
                default: ArrowBody.appendLittleEndian(bits ?? 0, to: &out)
                }
            }
        case let .floatingPoint(double):
            let items = values.map(ArrowScalar.double)
            writeFixedWidth(items, into: &body) { number, out in
                if double {
                    ArrowBody.appendLittleEndian((number ?? 0).bitPattern, to: &out)
                } else {
                    ArrowBody.appendLittleEndian(Float(number ?? 0).bitPattern, to: &out)
                }
            }
        case .utf8:
            writeVariableWidth(values.map { ArrowScalar.text($0).map { Array($0.utf8) } }, into: &body)
        case .binary:
            writeVariableWidth(values.map(ArrowScalar.bytes), into: &body)
        case let .decimal128(_, scale):
            let items = values.map { ArrowScalar.decimal($0, scale: scale) }
            writeFixedWidth(items, into: &body) { ArrowBody.appendLittleEndian($0 ?? 0, to: &$1) }
        case .date32:
            writeFixedWidth(values.map(ArrowScalar.days), into: &body) { ArrowBody.appendLittleEndian($0 ?? 0, to: &$1) }
        case .time64Microseconds:
            writeFixedWidth(values.map(ArrowScalar.timeMicros), into: &body) {
                ArrowBody.appendLittleEndian($0 ?? 0, to: &$1)
            }
        case let .timestamp(unit, _):
            let items = values.map { ArrowScalar.timestamp($0, unit: unit) }
            writeFixedWidth(items, into: &body) { ArrowBody.appendLittleEndian($0 ?? 0, to: &$1) }
        case .intervalMonthDayNano:
            writeFixedWidth(values.map(ArrowScalar.interval), into: &body) { interval, out in
                ArrowBody.appendLittleEndian(interval?.months ?? 0, to: &out)
                ArrowBody.appendLittleEndian(interval?.days ?? 0, to: &out)
                ArrowBody.appendLittleEndian(interval?.nanos ?? 0, to: &out)
            }
        case let .fixedSizeBinary(width):
            let items = values.map { ArrowScalar.fixedBytes($0, width: width) }
            writeFixedWidth(items, into: &body) { bytes, out in
                out.append(contentsOf: bytes ?? [UInt8](repeating: 0, count: width))
            }
        case let .list(child):
            let items = values.map { value -> [Value]? in
                switch value {
                case let .list(elements), let .array(elements): return elements
                default: return nil
                }
            }
            writeValidity(items, into: &body)
            writeOffsets(items.map { $0?.count ?? 0 }, into: &body)
            write(items.flatMap { $0 ?? [] }, as: child, into: &body)
        case let .fixedSizeList(child, size):
            let items = values.map { value -> [Value]? in
                switch value {
                case let .list(elements), let .array(elements):
                    // A wrong-sized array is cut or padded with NULLs to the declared size.
                    return Array(elements.prefix(size)) + Array(repeating: .null, count: max(0, size - elements.count))
                default: return nil
                }
            }
            writeValidity(items, into: &body)
            write(items.flatMap { $0 ?? Array(repeating: .null, count: size) }, as: child, into: &body)
        case let .struct(fields):
            let valid = values.map { value -> Bool in
                if case .struct = value { return true }
                return false
            }
            let nullCount = body.addValidity(valid)
            body.addNode(length: values.count, nullCount: nullCount)
            for (index, childField) in fields.enumerated() {
                let children = values.map { structChild(of: $0, index: index, name: childField.name) }
                write(children, as: childField, into: &body)
            }
        case let .map(entriesField):
            let items = values.map { value -> [MapEntry]? in
                if case let .map(entries) = value { return entries }
                return nil
            }
            writeValidity(items, into: &body)
            writeOffsets(items.map { $0?.count ?? 0 }, into: &body)
            let entries = items.flatMap { $0 ?? [] }
            let entryValues = entries.map { Value.struct([StructField(name: "key", value: $0.key), StructField(name: "value", value: $0.value)]) }
            write(entryValues, as: entriesField, into: &body)
        }
    }

    /// Field `index` (named `name`) of a struct value; `NULL` for a null struct or a missing field.
    static func structChild(of value: Value, index: Int, name: String) -> Value {
        guard case let .struct(fields) = value else { return .null }
        if index < fields.count, fields[index].name == name { return fields[index].value }
        return fields.first(where: { $0.name == name })?.value ?? .null
    }

    // MARK: Layouts

    /// The field node and validity bitmap of a field whose slots are `items` (`nil` is null).
    private static func writeValidity<T>(_ items: [T?], into body: inout ArrowBody) {
        let nullCount = body.addValidity(items.map { $0 != nil })
        body.addNode(length: items.count, nullCount: nullCount)
    }

    /// Node, validity and one data buffer written value by value (nulls as zero bytes).
    private static func writeFixedWidth<T>(
        _ items: [T?], into body: inout ArrowBody, _ append: (T?, inout [UInt8]) -> Void
    ) {
        writeValidity(items, into: &body)
        body.addBuffer { out in
            for item in items { append(item, &out) }
        }
    }

    /// Node, validity, int32 offsets and the concatenated bytes of a `Utf8` or `Binary` array.
    private static func writeVariableWidth(_ items: [[UInt8]?], into body: inout ArrowBody) {
        writeValidity(items, into: &body)
        writeOffsets(items.map { $0?.count ?? 0 }, into: &body)
        body.addBuffer { out in
            for item in items { if let item { out.append(contentsOf: item) } }
        }
    }

    /// The `count + 1` int32 offsets of slots of the given lengths.
    private static func writeOffsets(_ lengths: [Int], into body: inout ArrowBody) {
        body.addBuffer { out in
            var offset: Int32 = 0
            ArrowBody.appendLittleEndian(offset, to: &out)
            for length in lengths {
                offset += Int32(length)
                ArrowBody.appendLittleEndian(offset, to: &out)
            }
        }
    }
}
