import DeltaLake
import Foundation
import Testing
@testable import SwiftLake

/// A writable copy of corpus table `name` in a fresh temporary root, and a lakehouse over
/// that root. Returns the lakehouse and the copy's path.
func maintenanceCopy(of name: String) throws -> (Lakehouse, String) {
    let root = try TemporaryDirectory()
    let target = root.file(name)
    try FileManager.default.copyItem(atPath: deltaCorpus + "/" + name, toPath: target)
    try makeWritable(target)
    let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [root.path], queryTimeout: .seconds(120)))
    return (lake, target)
}

/// A fresh temporary root with an empty directory `table` in it, and a lakehouse over the root.
func maintenanceRoot(table: String = "table") throws -> (Lakehouse, String) {
    let root = try TemporaryDirectory()
    let lake = try Lakehouse(configuration: LakehouseConfiguration(roots: [root.path], queryTimeout: .seconds(120)))
    return (lake, root.file(table))
}

/// Makes every file and directory below `path` writable (the corpus is read-only).
func makeWritable(_ path: String) throws {
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    let enumerator = FileManager.default.enumerator(atPath: path)
    while let item = enumerator?.nextObject() as? String {
        let full = path + "/" + item
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
        try FileManager.default.setAttributes([.posixPermissions: isDirectory.boolValue ? 0o755 : 0o644], ofItemAtPath: full)
    }
}

/// Sets a file's modification time to `daysAgo` days before now.
func setModificationTime(_ path: String, daysAgo: Double) throws {
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -daysAgo * 86_400)], ofItemAtPath: path)
}

/// The entries of a table's `_delta_log/` (names only, sorted).
func logEntries(_ table: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: table + "/_delta_log").sorted()
}

/// Moves every JSON commit of version ≤ `version` out of the log (into a sibling directory),
/// so that only a checkpoint can describe those versions.
func hideCommits(_ table: String, through version: Int64) throws {
    let aside = table + "-hidden-commits"
    try FileManager.default.createDirectory(atPath: aside, withIntermediateDirectories: true)
    for name in try logEntries(table) where name.hasSuffix(".json") && !name.contains(".checkpoint.") {
        if let v = Int64(name.prefix(20)), v <= version {
            try FileManager.default.moveItem(atPath: table + "/_delta_log/" + name, toPath: aside + "/" + name)
        }
    }
}

/// delta-rs's view of a table version: the version, the active files (relative, sorted),
/// and its rows as a count and an order-independent digest.
struct DeltaRsDigest: Decodable, Equatable, Sendable {
    var version: Int64
    var files: [String]
    var count: Int
    var digest: String
    var columns: [String]
}

/// Asks delta-rs 1.6.6 (one python process) how it reads each `(path, version)`; `nil`
/// when python is missing (the test is then skipped, unless the full suite was asked for).
/// A table delta-rs cannot open fails the test with its error.
func deltaRsViews(_ tables: [(path: String, version: Int64?)]) async throws -> [DeltaRsDigest]? {
    let script = #"""
import hashlib, json, os, sys, urllib.parse
import deltalake
import pyarrow as pa
from deltalake import DeltaTable, QueryBuilder
assert deltalake.__version__ == "1.6.6", deltalake.__version__
def relative(uri, root):
    path = urllib.parse.unquote(uri[len("file://"):] if uri.startswith("file://") else uri)
    return os.path.relpath(os.path.realpath(path), os.path.realpath(root))
out = []
for request in json.loads(sys.argv[1]):
    dt = DeltaTable(request["path"], version=request["version"]) if request["version"] is not None else DeltaTable(request["path"])
    table = pa.table(QueryBuilder().register("t", dt).execute("SELECT * FROM t").read_all())
    rows = sorted(json.dumps(r, sort_keys=True, default=str) for r in table.to_pylist())
    out.append({"version": dt.version(), "files": sorted(relative(u, request["path"]) for u in dt.file_uris()), "count": len(rows),
                "digest": hashlib.sha256("\n".join(rows).encode()).hexdigest(), "columns": sorted(table.column_names)})
print(json.dumps(out))
"""#
    let request = "[" + tables.map { "{\"path\": \(DeltaLake.JSONValue.string($0.path)), \"version\": \($0.version.map(String.init) ?? "null")}" }
        .joined(separator: ", ") + "]"
    guard let output = try await runPythonOracle(script, [request]) else { return nil }
    return try JSONDecoder().decode([DeltaRsDigest].self, from: Data(output.utf8))
}

/// Runs a delta-rs (`deltalake`) python snippet with `sys.argv[1]` = `table`; `nil` when
/// python is missing. Use it to write the tables a test needs.
@discardableResult
func deltaRs(_ table: String, _ body: String) async throws -> String? {
    let script = """
import sys, json, datetime
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake, PostCommitHookProperties
path = sys.argv[1]
no_checkpoints = PostCommitHookProperties(create_checkpoint=False, cleanup_expired_logs=False)
def write(rows, mode="append", **kw):
    write_deltalake(path, pa.Table.from_pylist(rows), mode=mode, post_commithook_properties=no_checkpoints, **kw)

""" + body
    return try await runPythonOracle(script, [table])
}

/// The rows of `sql` over the Delta table at `path` (at `version`), as text.
func deltaRows(_ lake: Lakehouse, _ path: String, version: Int64? = nil, _ sql: String = "SELECT * FROM t") async throws -> [[String]] {
    let result = try await lake.deltaRead(DeltaReadRequest(path: path, version: version, sql: sql))
    return try await result.cursor.collect().rows.map { $0.map { $0.description } }
}
