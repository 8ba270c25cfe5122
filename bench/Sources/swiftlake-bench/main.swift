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
//   quit
//
// `snapshot` times `DeltaTable(store:location:checkpointReader:).snapshot(version:)`, i.e. the
// listing of `_delta_log/`, the checkpoint Parquet read through DuckDB, the JSON commits after
// it and the reconciliation into the active file list. The DuckDB engine is created once at
// start (as in a running server) and is not part of the time.
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

while let line = readLine() {
    let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    if parts.isEmpty { continue }
    if parts[0] == "quit" { break }
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
