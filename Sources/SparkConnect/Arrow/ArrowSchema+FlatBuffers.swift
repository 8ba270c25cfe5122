// Reading `Schema.fbs` tables: Schema { endianness: short = 0; fields: [Field] = 1;
// custom_metadata: [KeyValue] = 2; features = 3 }, Field { name = 0; nullable = 1;
// type_type = 2; type = 3; dictionary = 4; children = 5; custom_metadata = 6 },
// KeyValue { key = 0; value = 1 }.

extension ArrowSchema {
    init(flatBuffer table: FlatBufferTable) throws {
        let endianness: Int16 = try table.scalar(0, default: 0)
        guard endianness == 0 else {
            throw ArrowDecodingError.unsupported("big-endian data")
        }
        self.init(fields: try table.tables(1).map(ArrowField.init(flatBuffer:)),
                  metadata: try keyValues(table.tables(2)))
    }
}

extension ArrowField {
    init(flatBuffer table: FlatBufferTable) throws {
        let name = try table.string(0) ?? ""
        if try table.has(4) {
            throw ArrowDecodingError.unsupported("dictionary-encoded field '\(name)'")
        }
        let typeID: UInt8 = try table.scalar(2, default: 0)
        let type = try ArrowType(typeID: typeID, table: try table.table(3), field: name)
        self.init(name: name, type: type, nullable: try table.bool(1),
                  children: try table.tables(5).map(ArrowField.init(flatBuffer:)),
                  metadata: try keyValues(table.tables(6)))
        switch type {
        case .list, .largeList, .fixedSizeList, .map:
            guard children.count == 1 else {
                throw ArrowDecodingError.malformed("\(type) field '\(name)' has \(children.count) children, not 1")
            }
            if case .map = type, children[0].children.count != 2 {
                throw ArrowDecodingError.malformed("map field '\(name)' entries are not a key and a value")
            }
        default:
            break
        }
    }
}

private func keyValues(_ tables: [FlatBufferTable]) throws -> [String: String] {
    var result: [String: String] = [:]
    for table in tables {
        if let key = try table.string(0) { result[key] = try table.string(1) ?? "" }
    }
    return result
}

extension ArrowType {
    /// The `Type` union's member `typeID` (Schema.fbs order) with its table.
    init(typeID: UInt8, table: FlatBufferTable?, field: String) throws {
        func required() throws -> FlatBufferTable {
            guard let table else { throw ArrowDecodingError.malformed("field '\(field)' has no type table") }
            return table
        }
        func timeUnit(_ raw: Int16) throws -> TimeUnit {
            guard let unit = TimeUnit(rawValue: Int(raw)) else {
                throw ArrowDecodingError.malformed("field '\(field)' has time unit \(raw)")
            }
            return unit
        }
        switch typeID {
        case 1: self = .null
        case 2:
            let t = try required()
            let bits: Int32 = try t.scalar(0, default: 0)
            guard [8, 16, 32, 64].contains(bits) else {
                throw ArrowDecodingError.malformed("field '\(field)' is an int of \(bits) bits")
            }
            self = .int(bitWidth: Int(bits), signed: try t.bool(1))
        case 3:
            let precision: Int16 = try required().scalar(0, default: 0)
            switch precision {
            case 0: self = .float16
            case 1: self = .float32
            case 2: self = .float64
            default: throw ArrowDecodingError.malformed("field '\(field)' has float precision \(precision)")
            }
        case 4: self = .binary
        case 5: self = .utf8
        case 6: self = .boolean
        case 7:
            let t = try required()
            self = .decimal(precision: Int(try t.scalar(0, default: Int32(0))),
                            scale: Int(try t.scalar(1, default: Int32(0))),
                            bitWidth: Int(try t.scalar(2, default: Int32(128))))
        case 8:
            // DateUnit: DAY = 0, MILLISECOND = 1 (the default).
            self = .date(unit: try required().scalar(0, default: Int16(1)) == 0 ? .day : .millisecond)
        case 9:
            let t = try required()
            self = .time(unit: try timeUnit(t.scalar(0, default: Int16(1))),
                         bitWidth: Int(try t.scalar(1, default: Int32(32))))
        case 10:
            let t = try required()
            self = .timestamp(unit: try timeUnit(t.scalar(0, default: Int16(0))), timeZone: try t.string(1))
        case 11:
            let raw: Int16 = try required().scalar(0, default: 0)
            guard let unit = IntervalUnit(rawValue: Int(raw)) else {
                throw ArrowDecodingError.malformed("field '\(field)' has interval unit \(raw)")
            }
            self = .interval(unit: unit)
        case 12: self = .list
        case 13: self = .structure
        case 14: throw ArrowDecodingError.unsupported("union field '\(field)'")
        case 15: self = .fixedSizeBinary(byteWidth: Int(try required().scalar(0, default: Int32(0))))
        case 16: self = .fixedSizeList(size: Int(try required().scalar(0, default: Int32(0))))
        case 17: self = .map(keysSorted: try table?.bool(0) ?? false)
        case 18: self = .duration(unit: try timeUnit(required().scalar(0, default: Int16(1))))
        case 19: self = .largeBinary
        case 20: self = .largeUTF8
        case 21: self = .largeList
        default:
            throw ArrowDecodingError.unsupported("type #\(typeID) of field '\(field)' (run-end encoded or view types)")
        }
    }
}
