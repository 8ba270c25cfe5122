"""Dumps what delta-rs (the `deltalake` package) reads from every Delta table under a
directory, at every version, as one JSON document on stdout. Used as the oracle by
DeltaLakeTests/DeltaRsOracleTests.swift; one process per test run.

    python3 delta_rs_oracle.py /work/shared/corpus/delta-rs-tables
"""
import datetime
import decimal
import json
import os
import sys


def canonical(value):
    """Partition values as text the Swift side renders the same way."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def tables(root):
    for dirpath, dirnames, _ in os.walk(root):
        if "_delta_log" in dirnames:
            yield dirpath
            dirnames[:] = []
        dirnames.sort()


def dump_version(dt):
    import pyarrow
    adds = pyarrow.table(dt.get_add_actions(flatten=False)).to_pylist()
    files = []
    for add in adds:
        part = add.get("partition") or {}
        files.append({
            "path": add["path"],
            "size": add["size_bytes"],
            "partitionValues": {k: canonical(v) for k, v in part.items()},
        })
    m = dt.metadata()
    p = dt.protocol()
    return {
        "version": dt.version(),
        "files": sorted(files, key=lambda f: f["path"]),
        "metadata": {
            "id": m.id,
            "name": m.name,
            "description": m.description,
            "partitionColumns": list(m.partition_columns),
            "configuration": dict(m.configuration),
            "createdTime": m.created_time,
            "schema": json.loads(dt.schema().to_json()),
        },
        "protocol": {
            "minReaderVersion": p.min_reader_version,
            "minWriterVersion": p.min_writer_version,
            "readerFeatures": sorted(p.reader_features) if p.reader_features is not None else None,
            "writerFeatures": sorted(p.writer_features) if p.writer_features is not None else None,
        },
    }


def main():
    from deltalake import DeltaTable
    root = sys.argv[1]
    out = {}
    for path in tables(root):
        name = os.path.relpath(path, root)
        entry = {"path": path}
        try:
            dt = DeltaTable(path)
            latest = dt.version()
            entry["latest"] = latest
            entry["history"] = [
                {"version": h.get("version"), "timestamp": h.get("timestamp"),
                 "operation": h.get("operation")}
                for h in dt.history()
            ]
            versions = {}
            for v in range(0, latest + 1):
                try:
                    versions[str(v)] = dump_version(DeltaTable(path, version=v))
                except Exception as e:  # a version delta-rs cannot load
                    versions[str(v)] = {"error": str(e).splitlines()[0][:300]}
            entry["versions"] = versions
        except Exception as e:
            entry["error"] = str(e).splitlines()[0][:300] if str(e) else type(e).__name__
        out[name] = entry
    json.dump(out, sys.stdout, default=str)


if __name__ == "__main__":
    main()
# Leave without interpreter teardown: deltalake's native threads sometimes abort the
# process while Python shuts down ("terminate called without an active exception").
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
