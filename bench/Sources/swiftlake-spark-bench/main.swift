// swiftlake-spark-bench: our Swift Spark Connect client's side of bench/spark_client.py.
//
// One `SparkConnectClient` (one session, one HTTP/2 channel) for the whole run, as a service
// holds it. Commands, one per line on stdin, each answered by one JSON line on stdout, so the
// Python driver interleaves these repetitions with PySpark's in the same run:
//
//   collect <sql>    {"ms":…, "cpu_ms":…, "rows":…, "batches":…}
//   summary <sql>    {"rows":…, "columns":[{"name":…, "type":…, "nulls":…, "sum":…}, …]}
//   rows <sql>       {"rows":[[…], …]}     every value as JSON (small results)
//   quit
//
// `collect` times `client.sql(sql)` until its last batch has been decoded (the decoded batches
// are kept until the end, like a pyarrow Table): the ExecutePlan call, the streamed responses,
// the Arrow IPC decoding of each `arrow_batch` into typed columns; `cpu_ms` is the CPU time this
// process spent meanwhile, on every thread. `summary` and `rows` are for
// the driver's checks (not timed): a per-column fingerprint of a large result and the values of
// a small one.
//
// Usage: swiftlake-spark-bench sc://127.0.0.1:PORT      (then commands on stdin)
import Foundation
import SparkConnect

extension Duration {
    var milliseconds: Double {
        let (s, atto) = components
        return Double(s) * 1000 + Double(atto) / 1e15
    }
}

/// CPU time of this process so far, every thread (the client's event loops included).
func processCPUMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// A column's fingerprint: null count and a sum the Python side computes the same way with
/// pyarrow (integers, dates and timestamps as wrapping 64-bit sums of their stored values,
/// decimals as the sum of their unscaled values, doubles as a sum, strings as their total
/// UTF-8 length, booleans as the count of true). Null slots are left out.
struct ColumnSummary {
    var nulls = 0
    var integer: Int64 = 0
    var wide: Int128 = 0
    var real = 0.0
    var kind = "none"

    mutating func add(_ column: ArrowColumn) {
        nulls += column.nullCount
        func valid(_ i: Int) -> Bool { !column.isNull(i) }
        switch column.values {
        case .int64(let v), .ticks(let v):
            kind = "int"
            for i in v.indices where valid(i) { integer &+= v[i] }
        case .int32(let v), .days(let v):
            kind = "int"
            for i in v.indices where valid(i) { integer &+= Int64(v[i]) }
        case .float64(let v):
            kind = "real"
            for i in v.indices where valid(i) { real += v[i] }
        case .decimal128(let v):
            kind = "decimal"
            for i in v.indices where valid(i) { wide &+= v[i] }
        case .string(let offsets, _), .binary(let offsets, _):
            kind = "int"
            for i in 0..<column.count where valid(i) { integer &+= Int64(offsets[i + 1] - offsets[i]) }
        case .boolean(let v):
            kind = "int"
            for i in v.indices where valid(i) && v[i] { integer &+= 1 }
        default:
            kind = "unsupported"
        }
    }

    var json: Any {
        switch kind {
        case "int": return String(integer)
        case "decimal": return String(wide)
        case "real": return real
        default: return NSNull()
        }
    }
}

/// A value as JSON: numbers as numbers, decimals as their exact text, the rest as text.
func jsonValue(_ value: SparkValue) -> Any {
    switch value {
    case .null: return NSNull()
    case .boolean(let v): return v
    case .byte(let v): return Int(v)
    case .short(let v): return Int(v)
    case .int(let v): return Int(v)
    case .long(let v): return Int(v)
    case .float(let v): return Double(v)
    case .double(let v): return v
    case .decimal(let v): return v.description
    case .string(let v): return v
    default: return value.description
    }
}

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: swiftlake-spark-bench sc://HOST:PORT\n".utf8))
    exit(2)
}
let client = try SparkConnectClient(SparkConnectionString(CommandLine.arguments[1]))

while let line = readLine() {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty { continue }
    let (command, sql): (Substring, String) = {
        guard let space = trimmed.firstIndex(of: " ") else { return (Substring(trimmed), "") }
        return (trimmed[..<space], String(trimmed[trimmed.index(after: space)...]))
    }()
    if command == "quit" { break }
    do {
        switch command {
        case "collect":
            let cpuStart = processCPUMilliseconds()
            let start = ContinuousClock.now
            let batches = try await client.sql(sql).collect()
            let elapsed = ContinuousClock.now - start
            emit(["ms": elapsed.milliseconds, "cpu_ms": processCPUMilliseconds() - cpuStart,
                  "rows": batches.reduce(0) { $0 + $1.rowCount }, "batches": batches.count])
        case "summary":
            let batches = try await client.sql(sql).collect()
            var summaries: [ColumnSummary] = []
            var fields: [ArrowField] = []
            for batch in batches {
                if summaries.isEmpty {
                    summaries = Array(repeating: ColumnSummary(), count: batch.columns.count)
                    fields = batch.columns.map(\.field)
                }
                for (i, column) in batch.columns.enumerated() { summaries[i].add(column) }
            }
            emit(["rows": batches.reduce(0) { $0 + $1.rowCount },
                  "columns": zip(fields, summaries).map { field, summary in
                      ["name": field.name, "type": field.type.description, "nulls": summary.nulls, "sum": summary.json]
                  }])
        case "rows":
            let rows = try await client.sql(sql).rows()
            emit(["rows": rows.map { $0.map(jsonValue) }])
        default:
            emit(["error": "unknown command \(command)"])
        }
    } catch {
        emit(["error": "\(error)"])
    }
}
await client.close()
