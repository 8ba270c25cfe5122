import Foundation
import Testing
@testable import SwiftLake

/// An independent reading of a Delta table with deletion vectors, in Python: the JSON log
/// replayed by (path, deletion vector), each vector decoded from its file (Z85-decoded UUID,
/// format version byte, big-endian size, magic number, CRC-32 by `zlib`, the bitmap by
/// `pyroaring`'s portable 64-bit deserializer), each data file read by `pyarrow`, and the
/// rows left after removing the deleted positions; plus delta-rs 1.6.6's rows of the same
/// table through its DataFusion `QueryBuilder`, which applies deletion vectors.
struct DeletionVectorOracleView: Sendable {
    struct File: Sendable {
        var path: String
        var numRecords: Int
        var physicalRows: Int
        var tightBounds: Bool?
        /// Deleted positions, decoded by pyroaring; nil when the file has no vector.
        var deleted: [Int]?
        var cardinality: Int?
    }
    /// Rows as `column=value|…` (sorted columns), sorted.
    var rows: [String]
    /// delta-rs's rows, the same way.
    var deltaRsRows: [String]
    var files: [File]
    /// Problems found while decoding (bad magic, CRC mismatch, wrong cardinality…).
    var problems: [String]
}

func deletionVectorOracle(_ path: String) async throws -> DeletionVectorOracleView? {
    let script = #"""
import json, os, struct, sys, uuid, zlib
import pyarrow as pa, pyarrow.parquet as pq
import pyroaring
from deltalake import DeltaTable, QueryBuilder

root = sys.argv[1]
Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
def z85_decode(text):
    out = b""
    for i in range(0, len(text), 5):
        v = 0
        for c in text[i:i + 5]:
            v = v * 85 + Z85.index(c)
        out += v.to_bytes(4, "big")
    return out

problems = []
def decode_bitmap(bitmap, where):
    magic = struct.unpack("<I", bitmap[:4])[0]
    if magic != 1681511377:
        problems.append(f"{where}: magic {magic}")
    return sorted(pyroaring.BitMap64.deserialize(bitmap[4:]))

def load_dv(dv):
    kind = dv["storageType"]
    if kind == "i":
        bitmap = z85_decode(dv["pathOrInlineDv"])[:dv["sizeInBytes"]]
        return decode_bitmap(bitmap, "inline")
    encoded = dv["pathOrInlineDv"]
    prefix, ident = encoded[:-20], encoded[-20:]
    name = "deletion_vector_" + str(uuid.UUID(bytes=z85_decode(ident))) + ".bin"
    path = os.path.join(root, prefix, name) if prefix else os.path.join(root, name)
    data = open(path, "rb").read()
    if data[0] != 1:
        problems.append(f"{name}: format version {data[0]}")
    offset = dv.get("offset", 1)
    size = struct.unpack(">I", data[offset:offset + 4])[0]
    if size != dv["sizeInBytes"]:
        problems.append(f"{name}@{offset}: size {size} but descriptor says {dv['sizeInBytes']}")
    bitmap = data[offset + 4:offset + 4 + size]
    crc = struct.unpack(">I", data[offset + 4 + size:offset + 8 + size])[0]
    if crc != zlib.crc32(bitmap):
        problems.append(f"{name}@{offset}: CRC mismatch")
    rows = decode_bitmap(bitmap, name)
    if len(rows) != dv["cardinality"]:
        problems.append(f"{name}@{offset}: {len(rows)} rows but cardinality {dv['cardinality']}")
    return rows

def key(a):
    dv = a.get("deletionVector")
    if not dv: return (a["path"], "")
    return (a["path"], dv["storageType"] + dv["pathOrInlineDv"] + ("@" + str(dv["offset"]) if "offset" in dv else ""))

active = {}
logdir = os.path.join(root, "_delta_log")
for name in sorted(n for n in os.listdir(logdir) if n.endswith(".json")):
    for line in open(os.path.join(logdir, name)):
        line = line.strip()
        if not line: continue
        action = json.loads(line)
        if "add" in action: active[key(action["add"])] = action["add"]
        if "remove" in action: active.pop(key(action["remove"]), None)

def text(v):
    return "∅" if v is None else str(v)
def render(rows):
    return sorted("|".join(k + "=" + text(r[k]) for k in sorted(r)) for r in rows)

rows, files = [], []
for add in active.values():
    table = pq.read_table(os.path.join(root, add["path"]))
    stats = json.loads(add.get("stats") or "{}")
    deleted = load_dv(add["deletionVector"]) if add.get("deletionVector") else None
    gone = set(deleted or [])
    partition = add.get("partitionValues") or {}
    rows += [r | partition for i, r in enumerate(table.to_pylist()) if i not in gone]
    files.append({"path": add["path"], "numRecords": stats.get("numRecords", -1), "physicalRows": table.num_rows,
                  "tightBounds": stats.get("tightBounds"), "deleted": deleted,
                  "cardinality": add["deletionVector"]["cardinality"] if add.get("deletionVector") else None})

dt = DeltaTable(root)
result = pa.table(QueryBuilder().register("t", dt).execute("SELECT * FROM t").read_all())
print(json.dumps({"rows": render(rows), "deltaRsRows": render(result.to_pylist()), "files": files, "problems": problems}))
"""#
    guard let output = try await runPythonOracle(script, [path]) else { return nil }
    let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    let files = (json["files"] as? [[String: Any]] ?? []).map { f in
        DeletionVectorOracleView.File(path: f["path"] as? String ?? "", numRecords: f["numRecords"] as? Int ?? -1,
                                      physicalRows: f["physicalRows"] as? Int ?? -1, tightBounds: f["tightBounds"] as? Bool,
                                      deleted: f["deleted"] as? [Int], cardinality: f["cardinality"] as? Int)
    }
    return DeletionVectorOracleView(rows: json["rows"] as? [String] ?? [], deltaRsRows: json["deltaRsRows"] as? [String] ?? [],
                                    files: files, problems: json["problems"] as? [String] ?? [])
}
