import DuckDB
import Foundation
import TestProcess
import Testing

@testable import SwiftLake

/// The Arrow IPC stream writer, checked against pyarrow as the oracle: each test writes a
/// stream to a file, has pyarrow read it, and compares what pyarrow decoded with values
/// worked out by hand from the Arrow and DuckDB type definitions.
@Suite struct ArrowIPCEncoderTests {
    /// One column of the all-types batch: its type, its four values, and what pyarrow's
    /// `to_pylist()` gives back, as JSON (`json.dumps(..., default=str)`).
    private struct Column {
        var name: String
        var type: LogicalType?
        var typeName: String?
        var values: [Value]
        var expected: String

        init(_ name: String, _ type: LogicalType?, typeName: String? = nil, _ values: [Value], _ expected: String) {
            self.name = name
            self.type = type
            self.typeName = typeName
            self.values = values
            self.expected = expected
        }

        var resultColumn: ResultColumn {
            ResultColumn(name: name, type: typeName ?? type?.description ?? "", logicalType: type)
        }
    }

    private static let uuid = UUID(uuidString: "0F8FAD5B-D9CB-469F-A165-70867728950E")!

    /// Every DuckDB type the encoder maps, four rows each, with NULLs, empty lists and nesting.
    private static var allTypes: [Column] {
        let timeTZ = Value.timeTZ(micros: 43_200_000_000, offsetSeconds: 19_800)
        return [
            Column("b", .boolean, [.boolean(true), .boolean(false), .null, .boolean(true)], "[true, false, null, true]"),
            Column("i8", .tinyint, [.tinyint(-128), .tinyint(127), .tinyint(0), .null], "[-128, 127, 0, null]"),
            Column("i16", .smallint, [.smallint(-32768), .smallint(32767), .smallint(1), .null], "[-32768, 32767, 1, null]"),
            Column("i32", .integer, [.integer(.min), .integer(.max), .integer(42), .null], "[-2147483648, 2147483647, 42, null]"),
            Column(
                "i64", .bigint, [.bigint(.min), .bigint(.max), .bigint(-1), .null],
                "[-9223372036854775808, 9223372036854775807, -1, null]"),
            Column("u8", .utinyint, [.utinyint(0), .utinyint(255), .utinyint(7), .null], "[0, 255, 7, null]"),
            Column("u16", .usmallint, [.usmallint(0), .usmallint(65535), .usmallint(7), .null], "[0, 65535, 7, null]"),
            Column("u32", .uinteger, [.uinteger(0), .uinteger(.max), .uinteger(7), .null], "[0, 4294967295, 7, null]"),
            Column("u64", .ubigint, [.ubigint(0), .ubigint(.max), .ubigint(7), .null], "[0, 18446744073709551615, 7, null]"),
            // HUGEINT is Decimal128(38, 0): the whole Int128 range round-trips bit for bit.
            Column(
                "hi", .hugeint, [.hugeint(.min), .hugeint(12_345_678_901_234_567_890_123_456_789), .hugeint(-1), .null],
                #"["-170141183460469231731687303715884105728", "12345678901234567890123456789", "-1", null]"#),
            // UHUGEINT too; values of 2^127 and more do not fit Decimal128 and become NULL.
            Column(
                "uhi", .uhugeint, [.uhugeint(UInt128(Int128.max)), .uhugeint(.max), .uhugeint(5), .null],
                #"["170141183460469231731687303715884105727", null, "5", null]"#),
            Column("f32", .float, [.float(1.5), .float(-0.25), .float(0), .null], "[1.5, -0.25, 0.0, null]"),
            Column(
                "f64", .double, [.double(3.141592653589793), .double(-1e300), .double(0.1), .null],
                "[3.141592653589793, -1e+300, 0.1, null]"),
            Column(
                "dec", .decimal(width: 18, scale: 3),
                [decimal(123_456, 18, 3), decimal(-5, 18, 3), decimal(0, 18, 3), .null],
                #"["123.456", "-0.005", "0.000", null]"#),
            Column(
                "dec38", .decimal(width: 38, scale: 10),
                [decimal(99_999_999_999_999_999_999_999_999_999_999_999_999, 38, 10), decimal(-12_345_678_901, 38, 10), .null, .null],
                #"["9999999999999999999999999999.9999999999", "-1.2345678901", null, null]"#),
            Column(
                "s", .varchar, [.varchar("hello"), .varchar(""), .varchar("h\u{E9}llo \u{2713} \u{1F600}"), .null],
                #"["hello", "", "h\u00e9llo \u2713 \ud83d\ude00", null]"#),
            Column(
                "bl", .blob, [.blob([0x00, 0x01, 0xFF]), .blob([]), .blob(Array("abc".utf8)), .null],
                #"["b'\\x00\\x01\\xff'", "b''", "b'abc'", null]"#),
            Column(
                "d", .date, [.date(days: 0), .date(days: 19_723), .date(days: -1), .null],
                #"["1970-01-01", "2024-01-01", "1969-12-31", null]"#),
            Column(
                "t", .time, [.time(micros: 0), .time(micros: 45_296_789_012), .time(micros: 86_399_999_999), .null],
                #"["00:00:00", "12:34:56.789012", "23:59:59.999999", null]"#),
            Column(
                "ts", .timestamp,
                [.timestamp(micros: 1_704_067_200_123_456), .timestamp(micros: 0), .timestamp(micros: -1), .null],
                #"["2024-01-01 00:00:00.123456", "1970-01-01 00:00:00", "1969-12-31 23:59:59.999999", null]"#),
            Column(
                "tstz", .timestampTZ,
                [.timestampTZ(micros: 1_704_067_200_123_456), .timestampTZ(micros: 0), .null, .null],
                #"["2024-01-01 00:00:00.123456+00:00", "1970-01-01 00:00:00+00:00", null, null]"#),
            Column(
                "ts_s", .timestampS, [.timestampS(seconds: 1_704_067_200), .timestampS(seconds: -86_400), .null, .null],
                #"["2024-01-01 00:00:00", "1969-12-31 00:00:00", null, null]"#),
            Column(
                "ts_ms", .timestampMS, [.timestampMS(millis: 1_704_067_200_123), .timestampMS(millis: 1), .null, .null],
                #"["2024-01-01 00:00:00.123000", "1970-01-01 00:00:00.001000", null, null]"#),
            // Without pandas, pyarrow turns nanoseconds into datetime only when they are whole
            // microseconds; `multipleBatches` checks sub-microsecond values through int64.
            Column(
                "ts_ns", .timestampNS, [.timestampNS(nanos: 1_704_067_200_123_456_000), .timestampNS(nanos: 0), .null, .null],
                #"["2024-01-01 00:00:00.123456", "1970-01-01 00:00:00", null, null]"#),
            // MONTH_DAY_NANO intervals come back as (months, days, nanoseconds) named tuples.
            Column(
                "iv", .interval,
                [
                    .interval(months: 14, days: 3, micros: 4_005_006), .interval(months: 0, days: 0, micros: 0),
                    .interval(months: -1, days: -2, micros: -3), .null,
                ],
                "[[14, 3, 4005006000], [0, 0, 0], [-1, -2, -3000], null]"),
            Column(
                "u", .uuid, [.uuid(uuid), .uuid(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))), .null, .null],
                #"["0f8fad5b-d9cb-469f-a165-70867728950e", "00000000-0000-0000-0000-000000000001", null, null]"#),
            Column(
                "l", .list(.integer),
                [.list([.integer(1), .null, .integer(3)]), .list([]), .list([.integer(7)]), .null],
                "[[1, null, 3], [], [7], null]"),
            Column(
                "arr", .array(.integer, size: 2),
                [.array([.integer(1), .integer(2)]), .array([.null, .integer(4)]), .array([.integer(5), .integer(6)]), .null],
                "[[1, 2], [null, 4], [5, 6], null]"),
            Column(
                "st", .struct([(name: "a", type: .integer), (name: "b", type: .varchar)]),
                [
                    .struct([StructField(name: "a", value: .integer(1)), StructField(name: "b", value: .varchar("x"))]),
                    .struct([StructField(name: "a", value: .null), StructField(name: "b", value: .null)]),
                    .null,
                    .struct([StructField(name: "a", value: .integer(3)), StructField(name: "b", value: .varchar("z"))]),
                ],
                #"[{"a": 1, "b": "x"}, {"a": null, "b": null}, null, {"a": 3, "b": "z"}]"#),
            // Maps come back as lists of (key, value) pairs.
            Column(
                "m", .map(key: .varchar, value: .integer),
                [
                    .map([MapEntry(key: .varchar("k1"), value: .integer(1)), MapEntry(key: .varchar("k2"), value: .null)]),
                    .map([]), .null, .map([MapEntry(key: .varchar("k3"), value: .integer(3))]),
                ],
                #"[[["k1", 1], ["k2", null]], [], null, [["k3", 3]]]"#),
            // A list of structs that hold a list.
            Column(
                "ls", .list(.struct([(name: "x", type: .integer), (name: "y", type: .list(.double))])),
                [
                    .list([
                        .struct([StructField(name: "x", value: .integer(1)), StructField(name: "y", value: .list([.double(1.5), .null]))]),
                        .null,
                    ]),
                    .list([]),
                    .list([.struct([StructField(name: "x", value: .null), StructField(name: "y", value: .null)])]),
                    .null,
                ],
                #"[[{"x": 1, "y": [1.5, null]}, null], [], [{"x": null, "y": null}], null]"#),
            Column("nul", .sqlNull, [.null, .null, .null, .null], "[null, null, null, null]"),
            Column(
                "en", .enumeration(["red", "green"]), [.enumeration("red"), .enumeration("green"), .null, .enumeration("red")],
                #"["red", "green", null, "red"]"#),
            // Types Arrow has no counterpart for are Utf8 of DuckDB's text for the value.
            Column("ttz", .timeTZ, [timeTZ, .null, .null, .null], "[\(jsonString(timeTZ.description)), null, null, null]"),
            Column("bits", .bit, [.bit("0101"), .bit(""), .null, .null], #"["0101", "", null, null]"#),
            Column(
                "big", .varint, [.bignum("-123456789012345678901234567890123456789"), .bignum("0"), .null, .null],
                #"["-123456789012345678901234567890123456789", "0", null, null]"#),
            Column(
                "un", .union([(name: "i", type: .integer), (name: "s", type: .varchar)]),
                [.union(tag: "i", value: .integer(5)), .union(tag: "s", value: .varchar("five")), .null, .null],
                #"["5", "five", null, null]"#),
            Column("tns", .other("TIME_NS"), [.varchar("12:00:00.000000001"), .null, .null, .null], #"["12:00:00.000000001", null, null, null]"#),
            // No logical type: read from the type name, else inferred from the values, else Utf8.
            Column("inf_named", nil, typeName: "DECIMAL(10,2)", [decimal(150, 10, 2), .null, .null, .null], #"["1.50", null, null, null]"#),
            Column("inf_int", nil, [.null, .integer(7), .null, .integer(9)], "[null, 7, null, 9]"),
            Column(
                "inf_nested", nil, typeName: "STRUCT(p INTEGER[])",
                [.struct([StructField(name: "p", value: .list([.integer(1), .null]))]), .null, .null, .null],
                #"[{"p": [1, null]}, null, null, null]"#),
            Column("inf_unknown", nil, [.null, .null, .null, .null], "[null, null, null, null]"),
        ]
    }

    /// What pyarrow prints for the schema, one line per field (children indented beneath).
    private static let expectedSchemaLines = [
        "b: bool", "i8: int8", "i16: int16", "i32: int32", "i64: int64",
        "u8: uint8", "u16: uint16", "u32: uint32", "u64: uint64",
        "hi: decimal128(38, 0)", "uhi: decimal128(38, 0)", "f32: float", "f64: double",
        "dec: decimal128(18, 3)", "dec38: decimal128(38, 10)", "s: string", "bl: binary",
        "d: date32[day]", "t: time64[us]", "ts: timestamp[us]", "tstz: timestamp[us, tz=UTC]",
        "ts_s: timestamp[s]", "ts_ms: timestamp[ms]", "ts_ns: timestamp[ns]",
        "iv: month_day_nano_interval", "u: extension<arrow.uuid>",
        "l: list<item: int32>", "arr: fixed_size_list<item: int32>[2]",
        "st: struct<a: int32, b: string>",
        "m: map<string, int32>", "  child 0, entries: struct<key: string not null, value: int32> not null",
        "ls: list<item: struct<x: int32, y: list<item: double>>>",
        "nul: null", "en: string", "ttz: string", "bits: string", "big: string", "un: string", "tns: string",
        "inf_named: decimal128(10, 2)", "inf_int: int32", "inf_nested: struct<p: list<item: int32>>",
        "inf_unknown: string",
    ]

    private static func decimal(_ value: Int128, _ width: Int, _ scale: Int) -> Value {
        .decimal(DecimalValue(value: value, width: width, scale: scale))
    }

    /// The stream for `batches` of `columns`, as `ResultEncoder` callers produce it.
    private static func stream(_ columns: [ResultColumn], _ batches: [RowBatch]) -> [UInt8] {
        var encoder = ArrowIPCEncoder()
        var bytes = encoder.begin(columns: columns)
        for batch in batches { bytes += encoder.encode(batch) }
        let rowCount = batches.reduce(0) { $0 + $1.count }
        bytes += encoder.end(summary: ResultSummary(rowCount: rowCount, truncated: false, engine: "duckdb", elapsedMilliseconds: 0))
        return bytes
    }

    /// The oracle command of the brief: the table pyarrow reads, as `{"schema", "rows"}` JSON.
    private static let readStream = """
        import pyarrow as pa, json, sys; r = pa.ipc.open_stream(open(sys.argv[1],'rb')); t = r.read_all(); \
        print(json.dumps({'schema': str(t.schema), 'rows': t.to_pylist()}, default=str))
        """

    @Test func everyTypeReadsBackInPyArrow() async throws {
        let columns = Self.allTypes
        let batch = RowBatch(columns: columns.map(\.values), count: 4)
        let bytes = Self.stream(columns.map(\.resultColumn), [batch])
        guard let output = try await pyArrow(Self.readStream, stream: bytes) else { return }
        let result = try ParsedJSON.parse(output)

        guard case let .string(schema)? = result["schema"] else {
            Issue.record("no schema in \(output)")
            return
        }
        let schemaLines = Set(schema.split(separator: "\n").map(String.init))
        for line in Self.expectedSchemaLines {
            #expect(schemaLines.contains(line), "schema line \(line) missing from:\n\(schema)")
        }

        guard case let .array(rows)? = result["rows"] else {
            Issue.record("no rows in \(output)")
            return
        }
        #expect(rows.count == 4)
        for column in columns {
            let expected = try ParsedJSON.parse(column.expected)
            let actual = ParsedJSON.array(rows.map { $0[column.name] ?? .missing })
            #expect(actual == expected, "column \(column.name): pyarrow read \(actual), expected \(expected)")
        }
    }

    @Test func multipleBatchesFormOneTable() async throws {
        let columns = [
            ResultColumn(name: "id", type: "BIGINT", logicalType: .bigint),
            ResultColumn(name: "name", type: "VARCHAR", logicalType: .varchar),
            ResultColumn(name: "ns", type: "TIMESTAMP_NS", logicalType: .timestampNS),
            ResultColumn(name: "tags", type: "VARCHAR[]", logicalType: .list(.varchar)),
        ]
        func batch(_ ids: Range<Int64>) -> RowBatch {
            RowBatch(
                columns: [
                    ids.map { .bigint($0) },
                    ids.map { $0 % 2 == 0 ? .varchar("row \($0)") : .null },
                    ids.map { .timestampNS(nanos: 1_704_067_200_000_000_000 + $0) },
                    ids.map { id in .list((0..<id).map { .varchar("t\($0)") }) },
                ], count: ids.count)
        }
        let bytes = Self.stream(columns, [batch(0..<3), batch(3..<3), batch(3..<12)])
        let script = """
            import pyarrow as pa, json, sys
            r = pa.ipc.open_stream(open(sys.argv[1], 'rb'))
            batches = list(r)
            t = pa.Table.from_batches(batches, schema=r.schema)
            print(json.dumps({'batches': [b.num_rows for b in batches], 'id': t.column('id').to_pylist(),
                              'name': t.column('name').to_pylist(), 'ns': t.column('ns').cast('int64').to_pylist(),
                              'tags': [len(x) for x in t.column('tags').to_pylist()]}))
            """
        guard let output = try await pyArrow(script, stream: bytes) else { return }
        let result = try ParsedJSON.parse(output)
        #expect(result["batches"] == (try ParsedJSON.parse("[3, 0, 9]")))
        #expect(result["id"] == .array((0..<12).map { .number(String($0)) }))
        #expect(result["name"] == .array((0..<12).map { $0 % 2 == 0 ? .string("row \($0)") : .null }))
        #expect(result["ns"] == .array((0..<12).map { .number(String(1_704_067_200_000_000_000 + $0)) }))
        #expect(result["tags"] == .array((0..<12).map { .number(String($0)) }))
    }

    @Test func streamWithoutBatchesStillHasSchema() async throws {
        // The type of `x` must come from a batch; with none, the schema is written at the end.
        let columns = [ResultColumn(name: "x", type: "", logicalType: nil), ResultColumn(name: "y", type: "DOUBLE")]
        let bytes = Self.stream(columns, [])
        guard let output = try await pyArrow(Self.readStream, stream: bytes) else { return }
        let result = try ParsedJSON.parse(output)
        #expect(result["schema"] == .string("x: string\ny: double"))
        #expect(result["rows"] == .array([]))
    }

    @Test func messagesAreFramedAndAligned() throws {
        var encoder = ArrowIPCEncoder()
        let schema = encoder.begin(columns: [ResultColumn(name: "n", type: "INTEGER", logicalType: .integer)])
        let batch = encoder.encode(RowBatch(columns: [[.integer(1), .null, .integer(3)]], count: 3))
        let end = encoder.end(summary: ResultSummary(rowCount: 3, truncated: false, engine: "duckdb", elapsedMilliseconds: 0))

        for message in [schema, batch] {
            #expect(Array(message.prefix(4)) == [0xFF, 0xFF, 0xFF, 0xFF])
            let metadataLength = Int(message[4]) | Int(message[5]) << 8 | Int(message[6]) << 16 | Int(message[7]) << 24
            #expect(metadataLength > 0 && (8 + metadataLength) % 8 == 0)
            #expect(message.count % 8 == 0)
        }
        // An int32 column of 3 with a null: an 8-byte validity bitmap (0b101) and 16 bytes of values.
        let body = Array(batch.suffix(24))
        #expect(body[0] == 0b101 && body[1..<8].allSatisfy { $0 == 0 })
        #expect(Array(body[8..<20]) == [1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0])
        #expect(end == [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
    }

    @Test func flatBufferTablesFollowTheWireFormat() {
        // A table with one int32 field in slot 1: root uoffset, vtable [8, 8, 0, 4], then the
        // table: soffset 8 back to the vtable and the value.
        var builder = FlatBufferBuilder()
        builder.startTable()
        builder.add(slot: 1, Int32(0x0102_0304))
        let table = builder.endTable()
        let bytes = builder.finish(root: table)
        let word = { (at: Int) in UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24 }
        let root = Int(word(0))
        let vtable = root - Int(Int32(bitPattern: word(root)))
        let vtableEntries = (0..<4).map { Int(bytes[vtable + 2 * $0]) | Int(bytes[vtable + 2 * $0 + 1]) << 8 }
        #expect(vtableEntries == [8, 8, 0, 4])
        #expect(word(root + vtableEntries[3]) == 0x0102_0304)
    }
}

// MARK: - The pyarrow oracle

/// Writes `stream` to a temporary file and runs `script` on it (`sys.argv[1]`) with pyarrow;
/// returns stdout. Returns `nil`, saying why, when pyarrow is missing and the full suite was not
/// requested; under `make test` (SWIFTLAKE_TEST_FULL=1) a missing pyarrow fails the test.
private func pyArrow(_ script: String, stream: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
    let environment = ProcessInfo.processInfo.environment
    let python = environment["SWIFTLAKE_PYTHON"] ?? "python3"
    let full = environment["SWIFTLAKE_TEST_FULL"] == "1"
    if await runPython(python, ["-c", "import pyarrow"]).status != 0 {
        if full {
            Issue.record("SWIFTLAKE_TEST_FULL=1 but pyarrow is not installed for \(python) (scripts/setup-python.sh installs it)", sourceLocation: sourceLocation)
            return nil
        }
        print("SKIPPED \(sourceLocation.fileID):\(sourceLocation.line): pyarrow (the Arrow oracle) is not installed for \(python); "
            + "`python3 -m pip install --quiet pyarrow` or scripts/setup-python.sh installs it, and SWIFTLAKE_TEST_FULL=1 makes this a failure")
        return nil
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-arrow-\(UUID().uuidString).arrows")
    try Data(stream).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let run = await runPython(python, ["-c", script, file.path])
    guard run.status == 0 else {
        Issue.record("pyarrow could not read the stream (exit \(run.status)):\n\(run.stderr)", sourceLocation: sourceLocation)
        return nil
    }
    return run.stdout
}

/// Runs `python` with `arguments` to its end (off Swift's cooperative threads).
private func runPython(_ python: String, _ arguments: [String]) async -> (status: Int32, stdout: String, stderr: String) {
    let output = await runProcess([python] + arguments)
    return (output.status, output.stdoutText, output.stderrText)
}

// MARK: - Exact JSON

/// JSON as parsed text: numbers keep their exact spelling (so `18446744073709551615` and
/// `-1e+300` compare as written), objects keep their key order.
private indirect enum ParsedJSON: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([ParsedJSON])
    case object([Member])
    /// A key absent from an object (never produced by parsing).
    case missing

    struct Member: Equatable {
        var key: String
        var value: ParsedJSON
    }

    struct SyntaxError: Error, CustomStringConvertible {
        var description: String
    }

    subscript(key: String) -> ParsedJSON? {
        guard case let .object(members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    var description: String {
        switch self {
        case .null: return "null"
        case let .bool(flag): return String(flag)
        case let .number(text): return text
        case let .string(text): return jsonString(text)
        case let .array(items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case let .object(members): return "{" + members.map { jsonString($0.key) + ": " + $0.value.description }.joined(separator: ", ") + "}"
        case .missing: return "<missing>"
        }
    }

    static func parse(_ text: String) throws -> ParsedJSON {
        var parser = Parser(bytes: Array(text.utf8))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw SyntaxError(description: "trailing text in \(text)") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw SyntaxError(description: "expected \(literal) at \(index)") }
                index += 1
            }
        }

        mutating func value() throws -> ParsedJSON {
            skipSpace()
            guard index < bytes.count else { throw SyntaxError(description: "unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                index += 1
                var items: [ParsedJSON] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skipSpace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "{"):
                index += 1
                var members: [Member] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    members.append(Member(key: key, value: try value()))
                    skipSpace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("}")
                    return .object(members)
                }
            default:
                let start = index
                while index < bytes.count, "+-.0123456789eE".utf8.contains(bytes[index]) { index += 1 }
                guard index > start else { throw SyntaxError(description: "unexpected byte at \(index)") }
                return .number(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }

        mutating func string() throws -> String {
            try expect("\"")
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") {
                    flush()
                    return String(scalars)
                }
                guard byte == UInt8(ascii: "\\") else {
                    raw.append(byte)
                    continue
                }
                flush()
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        try expect("\\u")
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw SyntaxError(description: "bad \\u escape") }
                    scalars.append(scalar)
                default: scalars.append(Unicode.Scalar(escape))
                }
            }
            throw SyntaxError(description: "unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                throw SyntaxError(description: "bad \\u escape at \(index)")
            }
            index += 4
            return code
        }
    }
}

/// `text` as a JSON string literal.
private func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// The columnar path: batches that carry DuckDB chunks (``RowBatch/chunk``) are copied vector
/// by vector (`ArrowChunkWriter`), and must give the very bytes the value path gives.
@Suite struct ArrowChunkWriterTests {
    /// Every column type with a direct layout, plus some that fall back to values, each with
    /// NULLs at a different period (so the chunks' validity masks all differ), over 5000 rows:
    /// three DuckDB chunks.
    private static let query = """
        SELECT i AS id,
          CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
          CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 100)::TINYINT END AS i8,
          CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 30000)::SMALLINT END AS i16,
          CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7)::INTEGER END AS i32,
          CASE WHEN i % 13 = 0 THEN NULL ELSE i * 1000000007 END AS i64,
          CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 200)::UTINYINT END AS u8,
          CASE WHEN i % 6 = 0 THEN NULL ELSE (i % 60000)::USMALLINT END AS u16,
          CASE WHEN i % 8 = 0 THEN NULL ELSE (i * 3)::UINTEGER END AS u32,
          CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 5)::UBIGINT END AS u64,
          CASE WHEN i % 10 = 0 THEN NULL ELSE i::HUGEINT * -(170141183460469231731687303715884::HUGEINT) END AS hi,
          CASE WHEN i % 12 = 0 THEN NULL ELSE i::UHUGEINT END AS uhi,
          CASE WHEN i % 14 = 0 THEN NULL ELSE (i / 8)::FLOAT END AS f32,
          CASE WHEN i % 15 = 0 THEN NULL ELSE i / 3 END AS f64,
          CASE WHEN i % 16 = 0 THEN NULL ELSE (i % 999 / 10)::DECIMAL(4,1) END AS dec4,
          CASE WHEN i % 17 = 0 THEN NULL ELSE (-i / 100)::DECIMAL(9,2) END AS dec9,
          CASE WHEN i % 18 = 0 THEN NULL ELSE (i * 1.001)::DECIMAL(18,3) END AS dec18,
          CASE WHEN i % 19 = 0 THEN NULL ELSE (i * 123456789.0123456789)::DECIMAL(38,10) END AS dec38,
          CASE WHEN i % 20 = 0 THEN NULL WHEN i % 3 = 0 THEN '' WHEN i % 2 = 0 THEN 'short ' || i
               ELSE 'a longer string, h\u{E9}llo \u{1F600} ' || i END AS s,
          CASE WHEN i % 21 = 0 THEN NULL ELSE ('\\x00\\xFF' || i::VARCHAR)::BLOB END AS bl,
          CASE WHEN i % 22 = 0 THEN NULL ELSE DATE '1969-12-01' + i::INTEGER END AS d,
          CASE WHEN i % 23 = 0 THEN NULL ELSE TIME '00:00:00' + to_seconds(i) END AS t,
          CASE WHEN i % 24 = 0 THEN NULL ELSE TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(i * 1234567) END AS ts,
          CASE WHEN i % 25 = 0 THEN NULL ELSE TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i) END AS tstz,
          CASE WHEN i % 26 = 0 THEN NULL ELSE (TIMESTAMP '2024-01-01' + to_seconds(i))::TIMESTAMP_S END AS ts_s,
          CASE WHEN i % 27 = 0 THEN NULL ELSE (TIMESTAMP '2024-01-01' + to_milliseconds(i))::TIMESTAMP_MS END AS ts_ms,
          CASE WHEN i % 28 = 0 THEN NULL ELSE (TIMESTAMP '2024-01-01' + to_microseconds(i))::TIMESTAMP_NS END AS ts_ns,
          CASE WHEN i % 29 = 0 THEN NULL ELSE to_days(i::INTEGER) END AS iv,
          CASE WHEN i % 30 = 0 THEN NULL ELSE [i, NULL, i + 1] END AS l,
          CASE WHEN i % 31 = 0 THEN NULL ELSE {'a': i, 'b': 'x' || i} END AS st,
          NULL AS n
        FROM range(5000) r(i)
        """

    private static func streams(limit: Int) throws -> (columnar: [UInt8], decoded: [UInt8], batches: Int) {
        let database = try Database()
        let connection = try database.connect()
        let result = try connection.query(query)
        let columns = result.columns.map(ResultColumn.init)
        var columnar = ArrowIPCEncoder()
        var decoded = ArrowIPCEncoder()
        var columnarBytes = columnar.begin(columns: columns)
        var decodedBytes = decoded.begin(columns: columns)
        var remaining = limit
        var batches = 0
        while remaining > 0, let chunk = try result.nextRawChunk() {
            let rows = min(remaining, chunk.count)
            remaining -= rows
            batches += 1
            columnarBytes += columnar.encode(RowBatch(chunk: chunk, count: rows))
            let values = try chunk.decoded(rows: rows)
            decodedBytes += decoded.encode(RowBatch(columns: values.columns, count: values.count))
        }
        let summary = ResultSummary(rowCount: limit - remaining, truncated: false, engine: "duckdb", elapsedMilliseconds: 0)
        columnarBytes += columnar.end(summary: summary)
        decodedBytes += decoded.end(summary: summary)
        return (columnarBytes, decodedBytes, batches)
    }

    @Test func columnarBatchesAreTheValuePathsBytes() throws {
        // All 5000 rows (three chunks, the last partial), and a cut inside the second chunk
        // as the cursor's row limit makes (2049 rows: the cut leaves one row, a partial byte).
        for limit in [5000, 2049] {
            let (columnar, decoded, batches) = try Self.streams(limit: limit)
            #expect(batches == (limit == 5000 ? 3 : 2))
            #expect(columnar.count == decoded.count)
            #expect(columnar == decoded, "limit \(limit): the columnar stream differs from the value path's")
        }
    }

    @Test func columnarMultiBatchStreamWithNullsReadsIdenticallyInPyArrow() async throws {
        let (columnar, decoded, _) = try Self.streams(limit: 4999)
        // pyarrow validates the columnar stream fully and reads the same table as from the value path's.
        let script = """
            import pyarrow as pa, json, sys
            def read(path):
                r = pa.ipc.open_stream(open(path, 'rb'))
                batches = list(r)
                t = pa.Table.from_batches(batches, schema=r.schema)
                t.validate(full=True)
                return [b.num_rows for b in batches], t
            sizes, t = read(sys.argv[1])
            _, expected = read(sys.argv[1] + '.decoded')
            print(json.dumps({'batches': sizes, 'rows': t.num_rows, 'equal': t.equals(expected),
                              'nulls': {c: t.column(c).null_count for c in t.column_names},
                              'schema': str(t.schema) == str(expected.schema),
                              'pylist': json.dumps(t.to_pylist(), default=str) == json.dumps(expected.to_pylist(), default=str)}))
            """
        let companion = FileManager.default.temporaryDirectory.appendingPathComponent("arrow-chunk-\(UUID().uuidString)")
        try Data(decoded).write(to: companion)
        defer { try? FileManager.default.removeItem(at: companion) }
        guard let output = try await pyArrow(script.replacingOccurrences(of: "sys.argv[1] + '.decoded'", with: "'\(companion.path)'"),
                                       stream: columnar) else { return }
        let result = try ParsedJSON.parse(output)
        #expect(result["batches"] == (try ParsedJSON.parse("[2048, 2048, 903]")))
        #expect(result["rows"] == .number("4999"))
        #expect(result["equal"] == .bool(true))
        #expect(result["schema"] == .bool(true))
        #expect(result["pylist"] == .bool(true))
        // Every nullable column has NULLs: row 0 is NULL in each CASE column.
        guard case let .object(nulls)? = result["nulls"] else {
            Issue.record("no null counts in \(output)")
            return
        }
        #expect(nulls.count == 31)
        for member in nulls where member.key != "id" {
            #expect(member.value != .number("0"), "column \(member.key) has no NULLs")
        }
        #expect(nulls.first { $0.key == "id" }?.value == .number("0"))
    }
}
