/// Writes an Arrow `Schema` (Schema.fbs) into a flatbuffer.
enum ArrowSchemaEncoder {
    /// The `Type` union's member numbers (Schema.fbs `union Type`, 1-based; 0 is NONE).
    enum TypeID: UInt8 {
        case null = 1, int, floatingPoint, binary, utf8, bool, decimal, date, time, timestamp, interval
        case list, structType, union, fixedSizeBinary, fixedSizeList, map
    }

    /// Writes the `Schema` table for `fields` (little endian, no features) and returns it.
    static func writeSchema(_ fields: [ArrowField], into builder: inout FlatBufferBuilder) -> FlatBufferBuilder.Offset {
        let fieldOffsets = fields.map { writeField($0, into: &builder) }
        let fieldVector = builder.createVector(offsets: fieldOffsets)
        builder.startTable()
        builder.add(slot: 0, Int16(0))  // endianness: Little
        builder.add(slot: 1, fieldVector)
        return builder.endTable()
    }

    /// Writes one `Field` table, its children first.
    static func writeField(_ field: ArrowField, into builder: inout FlatBufferBuilder) -> FlatBufferBuilder.Offset {
        let name = builder.createString(field.name)
        let (typeID, type) = writeType(field.type, into: &builder)
        let children = field.children.map { writeField($0, into: &builder) }
        // Readers (Arrow C++ among them) expect the children vector even when it is empty.
        let childVector = builder.createVector(offsets: children)
        var metadata: FlatBufferBuilder.Offset?
        if let extensionName = field.extensionName {
            let pair = writeKeyValue(key: "ARROW:extension:name", value: extensionName, into: &builder)
            metadata = builder.createVector(offsets: [pair])
        }
        builder.startTable()
        builder.add(slot: 0, name)
        builder.add(slot: 1, field.nullable)
        builder.add(slot: 2, typeID.rawValue)  // type_type
        builder.add(slot: 3, type)
        builder.add(slot: 5, childVector)
        if let metadata { builder.add(slot: 6, metadata) }
        return builder.endTable()
    }

    /// Writes a `KeyValue` table.
    private static func writeKeyValue(key: String, value: String, into builder: inout FlatBufferBuilder) -> FlatBufferBuilder.Offset {
        let keyOffset = builder.createString(key)
        let valueOffset = builder.createString(value)
        builder.startTable()
        builder.add(slot: 0, keyOffset)
        builder.add(slot: 1, valueOffset)
        return builder.endTable()
    }

    /// Writes the type-specific table of `type` and returns its union member number with it.
    private static func writeType(_ type: ArrowType, into builder: inout FlatBufferBuilder) -> (TypeID, FlatBufferBuilder.Offset) {
        switch type {
        case .null: return (.null, emptyTable(&builder))
        case .bool: return (.bool, emptyTable(&builder))
        case .utf8: return (.utf8, emptyTable(&builder))
        case .binary: return (.binary, emptyTable(&builder))
        case .list: return (.list, emptyTable(&builder))
        case .struct: return (.structType, emptyTable(&builder))
        case let .int(bitWidth, signed):
            builder.startTable()
            builder.add(slot: 0, Int32(bitWidth))
            builder.add(slot: 1, signed)
            return (.int, builder.endTable())
        case let .floatingPoint(double):
            builder.startTable()
            builder.add(slot: 0, Int16(double ? 2 : 1))  // Precision: HALF, SINGLE, DOUBLE
            return (.floatingPoint, builder.endTable())
        case let .decimal128(precision, scale):
            builder.startTable()
            builder.add(slot: 0, Int32(precision))
            builder.add(slot: 1, Int32(scale))
            builder.add(slot: 2, Int32(128))
            return (.decimal, builder.endTable())
        case .date32:
            builder.startTable()
            builder.add(slot: 0, Int16(0))  // DateUnit.DAY
            return (.date, builder.endTable())
        case .time64Microseconds:
            builder.startTable()
            builder.add(slot: 0, ArrowTimeUnit.microsecond.rawValue)
            builder.add(slot: 1, Int32(64))
            return (.time, builder.endTable())
        case let .timestamp(unit, timeZone):
            let zone = timeZone.map { builder.createString($0) }
            builder.startTable()
            builder.add(slot: 0, unit.rawValue)
            if let zone { builder.add(slot: 1, zone) }
            return (.timestamp, builder.endTable())
        case .intervalMonthDayNano:
            builder.startTable()
            builder.add(slot: 0, Int16(2))  // IntervalUnit: YEAR_MONTH, DAY_TIME, MONTH_DAY_NANO
            return (.interval, builder.endTable())
        case let .fixedSizeBinary(byteWidth):
            builder.startTable()
            builder.add(slot: 0, Int32(byteWidth))
            return (.fixedSizeBinary, builder.endTable())
        case let .fixedSizeList(_, size):
            builder.startTable()
            builder.add(slot: 0, Int32(size))
            return (.fixedSizeList, builder.endTable())
        case .map:
            builder.startTable()
            builder.add(slot: 0, false)  // keysSorted
            return (.map, builder.endTable())
        }
    }

    private static func emptyTable(_ builder: inout FlatBufferBuilder) -> FlatBufferBuilder.Offset {
        builder.startTable()
        return builder.endTable()
    }
}
