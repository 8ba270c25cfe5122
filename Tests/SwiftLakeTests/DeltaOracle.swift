import Foundation
import Testing
@testable import SwiftLake

/// The shared corpus of Delta tables (`../shared/corpus/delta-rs-tables` next to the repository).
let deltaCorpus: String = {
    if let env = ProcessInfo.processInfo.environment["SWIFTLAKE_CORPUS"] { return env + "/delta-rs-tables" }
    let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus/delta-rs-tables").path
}()

/// delta-rs's rows for every corpus table at every version that has data files, from ONE
/// python process: `{table: {version: {"columns": [...], "rows": [[text|null, ...]]}}}`.
/// Values are rendered by DuckDB (`CAST(… AS VARCHAR)`, UTC) so both sides print alike.
/// delta-rs's answer for one table version.
struct OracleRows: Sendable {
    var columns: [String]
    /// The rows as text, for tables of at most 2,000 rows (empty otherwise).
    var rows: [[String?]]
    /// Row count and an order-independent digest (``digestSQL``), as text.
    var count: String
    var digest: String
}

/// The same row digest on both sides: count, and the sum of the hashes of each row's values
/// as text (columns in name order). `{columns}` and `{table}` are filled in.
let digestSQL = "SELECT CAST(count(*) AS VARCHAR), CAST(coalesce(sum(CAST(hash(concat_ws('|', {columns})) AS HUGEINT)), 0) AS VARCHAR) FROM {table}"

/// The digest's column list for `columns`.
func digestColumns(_ columns: [String]) -> String {
    columns.sorted().map { "coalesce(CAST(\(SQL.identifier($0)) AS VARCHAR), '<null>')" }.joined(separator: ", ")
}

/// Computes the oracle on a thread of its own: the python process runs for seconds, and
/// waiting for it on a Swift concurrency thread would starve other tests' timers.
func loadDeltaRowsOracle() async -> (json: [String: [Int64: OracleRows]]?, problem: String?) {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: computeDeltaRowsOracle()) }.start()
    }
}

private func computeDeltaRowsOracle() -> (json: [String: [Int64: OracleRows]]?, problem: String?) {
    let script = #"""
import json, os, sys
import deltalake, duckdb
from deltalake import DeltaTable, QueryBuilder
assert deltalake.__version__ == "1.6.6", deltalake.__version__
root = sys.argv[1]
con = duckdb.connect()
con.execute("SET TimeZone='UTC'")
def digest_columns(cols):
    return ", ".join("coalesce(CAST(\"%s\" AS VARCHAR), '<null>')" % c.replace('"', '""') for c in sorted(cols))
out = {}
for name in sorted(os.listdir(root)):
    path = os.path.join(root, name)
    if not os.path.isdir(os.path.join(path, "_delta_log")):
        continue
    try:
        latest = DeltaTable(path).version()
    except Exception:
        continue
    for version in range(0, latest + 1):
        try:
            dt = DeltaTable(path, version=version)
            files = dt.file_uris()
            if not files or not all(os.path.exists(f.replace("file://", "")) for f in files):
                continue
            table = QueryBuilder().register("t", dt).execute("SELECT * FROM t").read_all()
            arrow = table
            cols = arrow.column_names
            digest = con.execute(sys.argv[2].replace("{columns}", digest_columns(cols)).replace("{table}", "arrow")).fetchall()[0]
            rows = []
            if len(arrow) <= 2000:
                sel = ", ".join('CAST("%s" AS VARCHAR)' % c.replace('"', '""') for c in cols)
                rows = [list(r) for r in con.execute("SELECT %s FROM arrow" % sel).fetchall()]
            out.setdefault(name, {})[str(version)] = {"columns": cols, "rows": rows, "count": digest[0], "digest": digest[1]}
        except Exception as e:
            continue
with open(sys.argv[3], "w") as f:
    json.dump(out, f)
"""#
    let full = ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1"
    let python = ProcessInfo.processInfo.environment["SWIFTLAKE_PYTHON"] ?? "python3"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    // At the lowest priority: the suite runs in parallel, and its timing tests need the CPU more.
    // The answer goes to a file, not a pipe: the suite spawns other processes concurrently.
    let answerFile = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlake-delta-oracle-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: answerFile) }
    process.arguments = ["nice", "-n", "19", python, "-c", script, deltaCorpus, digestSQL, answerFile]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    do { try process.run() } catch { return (nil, "cannot run \(python): \(error)") }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let reason = "python3 with deltalake==1.6.6 and duckdb is needed (scripts/setup-python.sh): "
            + String(decoding: errData, as: UTF8.self).suffix(400)
        _ = full
        return (nil, reason)
    }
    _ = data
    guard let answer = FileManager.default.contents(atPath: answerFile),
          let json = try? JSONSerialization.jsonObject(with: answer) as? [String: [String: [String: Any]]] else {
        return (nil, "the delta-rs oracle wrote no JSON to \(answerFile)")
    }
    var answers: [String: [Int64: OracleRows]] = [:]
    for (table, versions) in json {
        for (version, answer) in versions {
            let columns = answer["columns"] as? [String] ?? []
            let rows = (answer["rows"] as? [[Any]] ?? []).map { $0.map { $0 as? String } }
            answers[table, default: [:]][Int64(version)!] = OracleRows(columns: columns, rows: rows,
                count: answer["count"] as? String ?? "", digest: answer["digest"] as? String ?? "")
        }
    }
    return (answers, nil)
}

/// The oracle, or nil after printing why it is skipped (failing instead when SWIFTLAKE_TEST_FULL=1).
func deltaOracleOrSkip() async -> [String: [Int64: OracleRows]]? {
    let oracle = await loadDeltaRowsOracle()
    if let json = oracle.json { return json }
    let reason = oracle.problem ?? "unknown"
    if ProcessInfo.processInfo.environment["SWIFTLAKE_TEST_FULL"] == "1" {
        Issue.record("delta-rs oracle unavailable: \(reason)")
    } else {
        print("SKIPPED: delta-rs oracle unavailable (set SWIFTLAKE_TEST_FULL=1 to fail instead): \(reason)")
    }
    return nil
}
