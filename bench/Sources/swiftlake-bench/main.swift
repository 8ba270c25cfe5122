// swiftlake-bench: SwiftLake's side of bench/delta_read.py, in-process.
//
// It loads Delta snapshots cold — a new `DeltaTable` and a full log replay each time, with the
// production checkpoint reader (`DuckDBCheckpointReader` on a `DuckDBEngine`, as the server
// builds it) — and answers one command per line on stdin with one JSON line on stdout, so the
// Python driver can interleave its repetitions with delta-rs's in the same run:
//
//   snapshot <table dir> <version|latest>   {"ms":…, "version":…, "files":…, "bytes":…}
//   files <table dir> <version|latest>      {"version":…, "files":[sorted relative paths]}
//   phases <table dir> <version|latest>     {"ms":…, "list_ms":…, "checkpoint_ms":…, "checkpoint_actions":…,
//                                            "replay_ms":…, "commits":…, "checkpoint_files":…}
//   arrow <table dir> <rows|-> [<out file>]  {"ms":…, "rows":…, "bytes":…, "batches":…}
//   quit
//
// `snapshot` times `DeltaTable(store:location:checkpointReader:).snapshot(version:)`, i.e. the
// listing of `_delta_log/`, the checkpoint Parquet read through DuckDB, the JSON commits after
// it and the reconciliation into the active file list. The DuckDB engine is created once at
// start (as in a running server) and is not part of the time.
//
// `arrow` times an in-process read of every row as Arrow: `Lakehouse.deltaRead` of
// `SELECT * FROM t` (its snapshot cached, as in a server), the rows encoded as the REST
// server encodes them (`ArrowIPCEncoder.encodeMessages`, record batches of 128K rows, the next
// rows fetched while a batch is written) into
// memory that is kept until the end, like a pyarrow Table; nothing is sent anywhere. With an
// out file it also writes the stream there, after timing, for the driver to check.
//
// Usage: swiftlake-bench [--threads N]      (then commands on stdin)
import DeltaLake
import Foundation
import ObjectStore
import SwiftLake

/// Delegates to the production reader and adds up the time spent in it.
final class TimingCheckpointReader: CheckpointReader, @unchecked Sendable {
    let inner: DuckDBCheckpointReader
    var seconds = 0.0
    var actions = 0
    init(_ inner: DuckDBCheckpointReader) { self.inner = inner }
    func readActions(from files: [String]) async throws -> [Action] {
        let start = ContinuousClock.now
        let result = try await inner.readActions(from: files)
        seconds += (ContinuousClock.now - start).seconds
        actions += result.count
        return result
    }
    func readCheckpoint(from files: [String]) async throws -> CheckpointActions {
        let start = ContinuousClock.now
        let result = try await inner.readCheckpoint(from: files)
        seconds += (ContinuousClock.now - start).seconds
        actions += result.count
        return result
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func table(_ dir: String, _ reader: any CheckpointReader) -> DeltaTable {
    let store = LocalStore(root: dir)
    return DeltaTable(store: store, location: store.root, checkpointReader: reader)
}

var threads: Int? = nil
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
    switch arg {
    case "--threads": threads = args.popFirst().flatMap { Int($0) }
    default:
        FileHandle.standardError.write(Data("usage: swiftlake-bench [--threads N]\n".utf8))
        exit(2)
    }
}

let configuration = LakehouseConfiguration(roots: ["/"], queryTimeout: nil, threads: threads, tracksProgress: false)
let engine = try DuckDBEngine(configuration: configuration, roots: DataRoots(["/"]))
let reader = DuckDBCheckpointReader(engine: engine)

/// The REST server's rows per Arrow record batch (`QueryStreamer.arrowRowsPerBatch`).
let arrowRowsPerBatch = 128 * 1024
/// A lakehouse configured as the bench's REST server (`swiftlake serve --threads N`, no timeout).
let lakehouse = try Lakehouse(configuration: LakehouseConfiguration(
    roots: ["/"], defaultLimit: Int.max, maxRows: Int.max, queryTimeout: nil, threads: threads, tracksProgress: false))

/// Reads every row of the Delta table at `dir` as an Arrow IPC stream held in memory.
func arrowRead(_ lakehouse: Lakehouse, _ dir: String, rows: Int?) async throws -> (ms: Double, rows: Int, batches: Int, stream: [[UInt8]]) {
    let start = ContinuousClock.now
    let result = try await lakehouse.deltaRead(DeltaReadRequest(path: dir, sql: "SELECT * FROM t", limit: rows ?? Int.max,
                                                                 format: .arrow))
    let cursor = result.cursor
    cursor.columnar = true
    var encoder = ArrowIPCEncoder()
    var stream: [[UInt8]] = [encoder.begin(columns: cursor.columns)]
    var messages = 0
    // As the server streams: the next rows are fetched while a batch is written.
    var batches = try await cursor.nextBatches(rows: arrowRowsPerBatch)
    while !batches.isEmpty {
        let laidOut = encoder.encodeMessages(batches)
        async let following = cursor.nextBatches(rows: arrowRowsPerBatch)
        for message in laidOut {
            // Each message into memory of its own, written once, as the server writes it into
            // the buffer it sends.
            stream.append([UInt8](unsafeUninitializedCapacity: message.byteCount) { out, count in
                let header = message.header
                _ = UnsafeMutableRawBufferPointer(out).initializeMemory(as: UInt8.self, from: header)
                message.writeBody(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(out)[header.count...]))
                count = message.byteCount
            })
            messages += 1
        }
        batches = try await following
    }
    stream.append(encoder.end(summary: ResultSummary(rowCount: cursor.rowCount, truncated: cursor.truncated,
                                                      engine: cursor.engine, elapsedMilliseconds: 0)))
    let elapsed = (ContinuousClock.now - start).seconds
    return (elapsed * 1000, cursor.rowCount, messages, stream)
}

while let line = readLine() {
    let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    if parts.isEmpty { continue }
    if parts[0] == "quit" { break }
    if parts[0] == "arrow", parts.count == 3 || parts.count == 4 {
        do {
            let read = try await arrowRead(lakehouse, parts[1], rows: Int(parts[2]))
            if parts.count == 4, !FileManager.default.createFile(atPath: parts[3], contents: Data(read.stream.joined())) {
                emit(["error": "cannot write \(parts[3])"])
                continue
            }
            emit(["ms": read.ms, "rows": read.rows, "batches": read.batches,
                  "bytes": read.stream.reduce(0) { $0 + $1.count }])
        } catch {
            emit(["error": "\(error)"])
        }
        continue
    }
    guard parts.count == 3 else { emit(["error": "bad command: \(line)"]); continue }
    let dir = parts[1]
    let version: Int64? = parts[2] == "latest" ? nil : Int64(parts[2])
    do {
        switch parts[0] {
        case "snapshot":
            let start = ContinuousClock.now
            let snapshot = try await table(dir, reader).snapshot(version: version)
            let elapsed = (ContinuousClock.now - start).seconds
            emit(["ms": elapsed * 1000, "version": snapshot.version, "files": snapshot.activeFiles.count,
                  "bytes": snapshot.totalBytes])
        case "files":
            let snapshot = try await table(dir, reader).snapshot(version: version)
            emit(["version": snapshot.version, "files": snapshot.activeFiles.map(\.path).sorted()])
        case "phases":
            let timing = TimingCheckpointReader(reader)
            let t = table(dir, timing)
            let start = ContinuousClock.now
            let segment = try await LogSegment.build(store: t.store, version: version)
            let listed = ContinuousClock.now
            let snapshot = try await t.builder.build(segment: segment)
            let end = ContinuousClock.now
            let total = (end - start).seconds
            let list = (listed - start).seconds
            emit(["ms": total * 1000, "list_ms": list * 1000, "checkpoint_ms": timing.seconds * 1000,
                  "checkpoint_actions": timing.actions,
                  "replay_ms": (total - list - timing.seconds) * 1000, "commits": segment.commits.count,
                  "checkpoint_files": segment.checkpointFiles.count, "version": snapshot.version,
                  "files": snapshot.activeFiles.count])
        default:
            emit(["error": "unknown command \(parts[0])"])
        }
    } catch {
        emit(["error": "\(error)"])
    }
}
