import Foundation
import Testing

@testable import SparkConnect

/// The decoder against pyarrow: pyarrow writes IPC streams of every type Spark sends, and
/// reports each value in a canonical text form; the decoded values, put in the same form,
/// must be equal.
@Suite("Arrow IPC stream decoder")
struct ArrowStreamDecoderTests {
    /// Writes `sys.argv[1]` (the stream) and `sys.argv[2]` (the expected values as JSON).
    static let oracleScript = #"""
import datetime, decimal, json, math, sys
import pyarrow as pa

D = decimal.Decimal
def dt(*a): return datetime.datetime(*a)
columns = {
  "i8": pa.array([1, -128, 127, None, 0], pa.int8()),
  "i16": pa.array([-32768, 32767, None, 7, 0], pa.int16()),
  "i32": pa.array([-2147483648, 2147483647, 5, None, 0], pa.int32()),
  "i64": pa.array([-9223372036854775808, 9223372036854775807, None, 42, -1], pa.int64()),
  "f32": pa.array([1.5, -0.1, None, float("inf"), 3.4e38], pa.float32()),
  "f64": pa.array([0.1, -2.5e300, None, float("-inf"), 1e-7], pa.float64()),
  "dec": pa.array([D("1.50"), D("-0.01"), None, D("12345678.90"), D("0.00")], pa.decimal128(10, 2)),
  "dec38": pa.array([D("1234567890123456789012345678.0123456789"), D("-0.0000000001"), None, D("0E-10"), D("1")], pa.decimal128(38, 10)),
  "dec0": pa.array([D("12345678901234567890"), D("-5"), None, D("0"), D("99999999999999999999")], pa.decimal128(20, 0)),
  "s": pa.array(["a", "h\u00e9llo \U0001F30D", None, "", "line\nbreak"], pa.string()),
  "ls": pa.array(["x", None, "yy", "", "zzz"], pa.large_string()),
  "b": pa.array([b"\x00\x01", b"", None, b"xyz", b"\xff"], pa.binary()),
  "lb": pa.array([None, b"\x10", b"", b"ab", b"c"], pa.large_binary()),
  "bool": pa.array([True, False, None, True, False], pa.bool_()),
  "d": pa.array([datetime.date(2024, 1, 2), datetime.date(1969, 12, 31), None, datetime.date(1, 1, 1), datetime.date(9999, 12, 31)], pa.date32()),
  "ts": pa.array([dt(2024, 1, 2, 3, 4, 5, 123456), dt(1969, 12, 31, 23, 59, 59, 999999), None, dt(1, 1, 1), dt(1970, 1, 1)], pa.timestamp("us")),
  "tsz": pa.array([dt(2024, 1, 2, 3, 4, 5, 123456), dt(1900, 1, 1), None, dt(2262, 4, 11), dt(1970, 1, 1, 0, 0, 0, 1)], pa.timestamp("us", tz="UTC")),
  "tsla": pa.array([dt(2024, 6, 1, 12), None, dt(2000, 1, 1), dt(2000, 1, 1), dt(2000, 1, 1)], pa.timestamp("us", tz="America/Los_Angeles")),
  "arr": pa.array([[1, None, 3], [], None, [4], [None]], pa.list_(pa.int32())),
  "larr": pa.array([["a"], None, [], ["b", None], ["c", "d"]], pa.large_list(pa.string())),
  "nested": pa.array([[[1, 2], None], [[]], None, [[3]], []], pa.list_(pa.list_(pa.int64()))),
  "st": pa.array([{"a": 1, "b": "x"}, {"a": None, "b": None}, None, {"a": 2, "b": "y"}, {"a": 3, "b": ""}],
                 pa.struct([("a", pa.int32()), ("b", pa.string())])),
  "stnest": pa.array([{"p": {"q": [1.5]}, "r": D("2.5")}, None, {"p": None, "r": None}, {"p": {"q": None}, "r": D("-1.0")}, {"p": {"q": []}, "r": D("0.0")}],
                     pa.struct([("p", pa.struct([("q", pa.list_(pa.float64()))])), ("r", pa.decimal128(5, 1))])),
  "m": pa.array([[("a", 1), ("b", None)], [], None, [("z", 26)], [("k", -1), ("l", 0), ("m", 1)]], pa.map_(pa.string(), pa.int32())),
  "marr": pa.array([[(1, ["x"])], None, [(2, None)], [], [(3, [])]], pa.map_(pa.int64(), pa.list_(pa.string()))),
  "n": pa.array([None] * 5, pa.null()),
}
table = pa.table(columns)

def canon(arr):
    t = arr.type
    n = len(arr)
    valid = [v is not None for v in arr.to_pylist()] if not pa.types.is_null(t) else [False] * n
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        child = canon(arr.values)
        offs = arr.offsets.to_pylist()
        vals = ["[" + ",".join(child[offs[i]:offs[i + 1]]) + "]" for i in range(n)]
    elif pa.types.is_map(t):
        keys, items = canon(arr.keys), canon(arr.items)
        offs = arr.offsets.to_pylist()
        vals = ["<" + ",".join(keys[j] + ":" + items[j] for j in range(offs[i], offs[i + 1])) + ">" for i in range(n)]
    elif pa.types.is_struct(t):
        kids = [(t.field(k).name, canon(arr.field(k))) for k in range(t.num_fields)]
        vals = ["{" + ",".join(name + "=" + c[i] for name, c in kids) + "}" for i in range(n)]
    elif pa.types.is_timestamp(t):
        tz = "@" + t.tz if t.tz else ""
        vals = ["t:%d%s" % (v, tz) if v is not None else None for v in arr.cast(pa.int64()).to_pylist()]
    elif pa.types.is_date32(t):
        vals = ["d:%d" % v if v is not None else None for v in arr.cast(pa.int32()).to_pylist()]
    elif pa.types.is_decimal(t):
        vals = [format(v, "f") if v is not None else None for v in arr.to_pylist()]
    elif pa.types.is_floating(t):
        vals = [repr(float(v)) if v is not None else None for v in arr.to_pylist()]
    elif pa.types.is_boolean(t):
        vals = [("true" if v else "false") if v is not None else None for v in arr.to_pylist()]
    elif pa.types.is_string(t) or pa.types.is_large_string(t):
        vals = ["s:" + v if v is not None else None for v in arr.to_pylist()]
    elif pa.types.is_binary(t) or pa.types.is_large_binary(t):
        vals = ["b:" + v.hex() if v is not None else None for v in arr.to_pylist()]
    elif pa.types.is_null(t):
        vals = [None] * n
    else:
        vals = [str(v) if v is not None else None for v in arr.to_pylist()]
    return [v if ok else "null" for v, ok in zip(vals, valid)]

with pa.OSFile(sys.argv[1], "wb") as sink:
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=int(sys.argv[3]))
expected = {name: canon(table.column(name).combine_chunks()) for name in table.column_names}
json.dump({"names": table.column_names, "values": expected,
           "batches": len(table.to_batches(max_chunksize=int(sys.argv[3])))}, open(sys.argv[2], "w"))
"""#

    /// Writes pyarrow's stream and expected values; nil when pyarrow is unavailable.
    static func oracle(chunkSize: Int) async throws -> (stream: [UInt8], names: [String], values: [String: [String]], batches: Int)? {
        guard await pyArrowAvailable() else { return nil }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-arrow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let streamFile = directory.appendingPathComponent("stream.arrows").path
        let expectedFile = directory.appendingPathComponent("expected.json").path
        let run = await runPython(oracleScript, [streamFile, expectedFile, String(chunkSize)])
        guard run.status == 0 else {
            Issue.record("the pyarrow oracle failed (exit \(run.status)):\n\(run.stderr)")
            return nil
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: expectedFile))) as! [String: Any]
        return ([UInt8](try Data(contentsOf: URL(fileURLWithPath: streamFile))),
                json["names"] as! [String], json["values"] as! [String: [String]], json["batches"] as! Int)
    }

    @Test(arguments: [5, 2])
    func everyTypeMatchesPyArrow(chunkSize: Int) async throws {
        guard let oracle = try await Self.oracle(chunkSize: chunkSize) else { return }
        let (schema, batches) = try ArrowStreamDecoder.decodeStream(oracle.stream)
        #expect(schema.fields.map(\.name) == oracle.names)
        #expect(batches.count == oracle.batches)
        #expect(batches.map(\.rowCount).reduce(0, +) == 5)
        for (index, name) in oracle.names.enumerated() {
            let decoded = batches.flatMap { batch in batch.columns[index].sparkValues.map(canonical) }
            #expect(decoded == oracle.values[name], "column \(name)")
        }
    }

    @Test func fieldTypesAreDecoded() async throws {
        guard let oracle = try await Self.oracle(chunkSize: 5) else { return }
        let schema = try ArrowStreamDecoder.decodeStream(oracle.stream).schema
        let types = Dictionary(uniqueKeysWithValues: schema.fields.map { ($0.name, $0.type) })
        #expect(types["i8"] == .int(bitWidth: 8, signed: true))
        #expect(types["i64"] == .int(bitWidth: 64, signed: true))
        #expect(types["f32"] == .float32)
        #expect(types["dec"] == .decimal(precision: 10, scale: 2, bitWidth: 128))
        #expect(types["ls"] == .largeUTF8)
        #expect(types["d"] == .date(unit: .day))
        #expect(types["ts"] == .timestamp(unit: .microsecond, timeZone: nil))
        #expect(types["tsz"] == .timestamp(unit: .microsecond, timeZone: "UTC"))
        #expect(types["m"] == .map(keysSorted: false))
        #expect(types["n"] == .null)
        let st = schema.fields.first { $0.name == "st" }!
        #expect(st.type == .structure)
        #expect(st.children.map(\.name) == ["a", "b"])
        #expect(st.children.map(\.type) == [.int(bitWidth: 32, signed: true), .utf8])
    }

    @Test func typedColumnsHoldTheValues() async throws {
        guard let oracle = try await Self.oracle(chunkSize: 5) else { return }
        let batch = try ArrowStreamDecoder.decodeStream(oracle.stream).batches[0]
        guard case .int64(let longs) = batch.column(named: "i64")!.values else {
            Issue.record("i64 is not an int64 column"); return
        }
        #expect(longs[0] == Int64.min && longs[1] == Int64.max && longs[3] == 42)
        #expect(batch.column(named: "i64")!.isNull(2))
        #expect(batch.column(named: "i64")!.nullCount == 1)
        // Hand-reasoned: 2024-01-02 is 19724 days after 1970-01-01; 03:04:05.123456 adds 11045.123456 s.
        #expect(batch.column(named: "d")![0] == .date(daysSinceEpoch: 19724))
        #expect(batch.column(named: "tsz")![0] == .timestamp(microsecondsSinceEpoch: 19724 * 86_400_000_000 + 11_045_123_456, timeZone: "UTC"))
        #expect(batch.column(named: "dec")![0] == .decimal(SparkDecimal(unscaled: 150, precision: 10, scale: 2)))
        #expect(batch.row(0)[0] == .byte(1))
    }

    @Test func truncatedStreamsAreMalformed() async throws {
        guard let oracle = try await Self.oracle(chunkSize: 5) else { return }
        let truncated = Array(oracle.stream.prefix(oracle.stream.count - 100))
        #expect(throws: ArrowDecodingError.self) { try ArrowStreamDecoder.decodeStream(truncated) }
        #expect(throws: ArrowDecodingError.self) { try ArrowStreamDecoder.decodeStream([0xFF, 0xFF, 0xFF, 0xFF, 0x10]) }
    }

    @Test func decimalsPrintWithTheirScale() {
        #expect(SparkDecimal(unscaled: 150, precision: 10, scale: 2).description == "1.50")
        #expect(SparkDecimal(unscaled: -1, precision: 10, scale: 2).description == "-0.01")
        #expect(SparkDecimal(unscaled: 0, precision: 5, scale: 3).description == "0.000")
        #expect(SparkDecimal(unscaled: 42, precision: 5, scale: 0).description == "42")
        #expect(SparkDecimal(unscaled: -12345, precision: 5, scale: 5).description == "-0.12345")
    }
}

/// A decoded value in the oracle's canonical text form.
func canonical(_ value: SparkValue) -> String {
    switch value {
    case .null: return "null"
    case .boolean(let v): return v ? "true" : "false"
    case .byte(let v): return "\(v)"
    case .short(let v): return "\(v)"
    case .int(let v): return "\(v)"
    case .long(let v): return "\(v)"
    case .float(let v): return Double(v).description
    case .double(let v): return v.description
    case .decimal(let v): return v.description
    case .string(let v): return "s:" + v
    case .binary(let v): return "b:" + v.map { String(format: "%02x", $0) }.joined()
    case .date(let days): return "d:\(days)"
    case .timestamp(let micros, let zone): return "t:\(micros)" + (zone.map { "@" + $0 } ?? "")
    case .time(let nanos): return "time:\(nanos)"
    case .yearMonthInterval(let months): return "ym:\(months)"
    case .dayTimeInterval(let micros): return "dt:\(micros)"
    case .array(let values): return "[" + values.map(canonical).joined(separator: ",") + "]"
    case .structure(let names, let values):
        return "{" + zip(names, values).map { $0 + "=" + canonical($1) }.joined(separator: ",") + "}"
    case .map(let keys, let values):
        return "<" + zip(keys, values).map { canonical($0) + ":" + canonical($1) }.joined(separator: ",") + ">"
    }
}
