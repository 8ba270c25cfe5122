import Foundation
import Testing
@testable import SwiftLake

/// delta-rs's view of a table we wrote: version, schema, partitioning, rows, history and
/// each file's statistics as `get_add_actions()` reports them.
struct DeltaRsView: Sendable {
    var version: Int
    /// Column name → delta-rs's type name, and nullability.
    var schema: [String: String]
    var nullable: [String: Bool]
    var partitionColumns: [String]
    /// Rows as `column=value|…` strings (values as Python's `str`, None as ∅), sorted.
    var rows: [String]
    /// Operations, newest first.
    var operations: [String]
    /// One entry per file: the flattened add action (`num_records`, `min.x`, `max.x`, `null_count.x`, `partition.x`).
    var adds: [[String: String]]
}

/// Reads the table at `path` with delta-rs; nil (skipped) when delta-rs is not installed.
func deltaRsView(_ path: String) async throws -> DeltaRsView? {
    let script = #"""
import json, sys, datetime
import pyarrow as pa
from deltalake import DeltaTable
dt = DeltaTable(sys.argv[1])
def text(v):
    if v is None: return "∅"
    if isinstance(v, datetime.datetime): return v.isoformat()
    if isinstance(v, (dict, list)): return json.dumps(v, sort_keys=True, default=str)
    return str(v)
rows = dt.to_pyarrow_table().to_pylist()
schema = json.loads(dt.schema().to_json())
adds = pa.table(dt.get_add_actions(flatten=True)).to_pylist()
print(json.dumps({
  "version": dt.version(),
  "schema": {f["name"]: (f["type"] if isinstance(f["type"], str) else f["type"]["type"]) for f in schema["fields"]},
  "nullable": {f["name"]: f["nullable"] for f in schema["fields"]},
  "partitionColumns": dt.metadata().partition_columns,
  "rows": sorted("|".join(k + "=" + text(r[k]) for k in sorted(r)) for r in rows),
  "operations": [h["operation"] for h in dt.history()],
  "adds": [{k: text(v) for k, v in a.items() if k != "path"} | {"path": a["path"]} for a in adds],
}))
"""#
    guard let output = try await runPythonOracle(script, [path]) else { return nil }
    let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    return DeltaRsView(
        version: json["version"] as? Int ?? -1,
        schema: json["schema"] as? [String: String] ?? [:],
        nullable: json["nullable"] as? [String: Bool] ?? [:],
        partitionColumns: json["partitionColumns"] as? [String] ?? [],
        rows: json["rows"] as? [String] ?? [],
        operations: json["operations"] as? [String] ?? [],
        adds: json["adds"] as? [[String: String]] ?? [])
}

/// Runs a Python script that changes a table with delta-rs (e.g. creates one); nil when skipped.
func deltaRsWrite(_ script: String, _ arguments: [String]) async throws -> String? {
    try await runPythonOracle("import deltalake, pyarrow as pa\nfrom deltalake import DeltaTable, write_deltalake\nimport sys\n" + script, arguments)
}

/// Our rows of the table at `path` in the oracle's `column=value|…` form, sorted.
func ourRows(_ lake: Lakehouse, _ path: String, columns: [String]) async throws -> [String] {
    let select = columns.sorted().map { "coalesce(CAST(\(SQL.identifier($0)) AS VARCHAR), '∅')" }.joined(separator: " || '|' || ")
    let labels = columns.sorted()
    let read = try await lake.deltaRead(DeltaReadRequest(path: path, sql: "SELECT \(labels.map { SQL.identifier($0) }.joined(separator: ", ")) FROM t", limit: 100_000))
    _ = select
    let set = try await read.cursor.collect()
    return set.rows.map { row in
        zip(labels, row).map { name, value in
            let text: String
            switch value {
            case .null: text = "∅"
            case .varchar(let s): text = s
            default: text = value.description
            }
            return "\(name)=\(text)"
        }.joined(separator: "|")
    }.sorted()
}

/// Every file below `path` (relative), sorted: to check that a failed write left nothing behind.
func filesBelow(_ path: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: path)
    var files: [String] = []
    while let next = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path + "/" + next, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(next) }
    }
    return files.sorted()
}

/// A lakehouse over a fresh temporary root (and the read-only corpus).
func makeWriteLake() throws -> (Lakehouse, TemporaryDirectory) {
    let directory = try TemporaryDirectory()
    var configuration = LakehouseConfiguration(roots: [directory.path, deltaCorpus], queryTimeout: .seconds(120))
    configuration.threads = 1
    return (try Lakehouse(configuration: configuration), directory)
}
