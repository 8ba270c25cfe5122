#!/usr/bin/env python3
"""SwiftLake vs delta-rs: Delta writes (update, delete, merge, optimize) on a 10M-row table.

What it answers: how fast does SwiftLake change a Delta table compared with
delta-rs (the `deltalake` Python package, 1.6.6)? Both sides run the same
operations on identical fresh copies of the same tables, in one run, and the
result is reported as ratios SwiftLake/delta-rs (below 1 means SwiftLake is
faster).

One run does all of this:

1. Makes two Delta tables once, with delta-rs itself, into a cache directory
   outside the clone (`${XDG_CACHE_HOME:-~/.cache}/swiftlake/bench/`, keyed by
   their parameters and DATA_FORMAT so a rerun reuses them), plus the merge
   sources as Parquet files next to them:
   - `delta-write-rows-<R>-files<F>`: R rows (default 10,000,000) of mixed
     types (BIGINT id, TIMESTAMP ts, STRING category, DOUBLE amount, INT
     quantity, BOOLEAN flag) as an empty create and F appends (default 100),
     so F data files; delta-rs checkpoints it by itself (at version 99).
   - `delta-write-small-<R>-files<F>`: R rows (default 10,000,000) as F
     appends (default 1,000) of R/F rows each: the small files to compact.
   - `merge-sources/<case>.parquet`: the merge sources, shaped as delta-rs's
     own merge benchmark shapes them (crates/benchmarks/src/merge.rs): a random
     sample of the table's rows (fraction "matched", same keys, here with
     changed amount and quantity so an update is visible) plus another random
     sample with new keys (fraction "not matched").
2. For every case and every repetition, each side gets a fresh copy of the
   table (the `_delta_log/` copied, the data files hard-linked: Delta writers
   never change a data file in place; the copy is not timed) and runs the
   operation on it:
   - SwiftLake: the release server (`swiftlake serve --host 127.0.0.1`) over
     one keep-alive HTTP connection: `POST /api/delta/update|delete|merge|
     optimize`, timed from sending the request to having the JSON answer (the
     server loads the snapshot of the new copy, runs, commits).
   - delta-rs, in-process: `DeltaTable(path)` then `.update(…)`,
     `.delete(…)`, `.merge(…).when_…().execute()` (the Parquet source read
     with `pyarrow.parquet.read_table` inside the timing, since the server
     reads it too) or `.optimize.compact(…)`.
3. Checks before timing: one run per side on fresh copies, then both results
   are read with delta-rs (`DeltaTable(path).to_pyarrow_table()`; so delta-rs
   reads SwiftLake's table) and compared by row count and an order-independent
   hash over all columns (DuckDB `sum(hash(…))`), against the expected row
   count; SwiftLake also reads its own result through REST (count and sums).
   A mismatch stops the run.
4. Warm-up, then interleaved repetitions alternating which side goes first;
   medians and minimums; ratios. Raw timings as JSON in bench/results/ (not
   committed); with --write-docs, the section "Delta writing vs delta-rs" of
   docs/BENCHMARKS.md is replaced (or appended), nothing else touched.

Usage (from the repository root; `make bench-delta-write` builds and runs it):
    python3 bench/delta_write.py --write-docs docs/BENCHMARKS.md
    python3 bench/delta_write.py --generate-only
    python3 bench/delta_write.py --only update,delete --reps 3
    python3 bench/delta_write.py --docs-from bench/results/delta_write-….json --write-docs docs/BENCHMARKS.md
"""

from __future__ import annotations

import bench_docs
import argparse
import datetime as dt
import http.client
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only address this program talks to
SECTION = "## Delta writing vs delta-rs"
# Bump when the generated data changes, so old caches are not reused.
DATA_FORMAT = "w1"
CATEGORIES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
COLUMNS = ["id", "ts", "category", "amount", "quantity", "flag"]
# The order-independent fingerprint of a table's rows, over DuckDB.
FINGERPRINT_SQL = """SELECT count(*) AS n,
    sum(hash(id::BIGINT, epoch_us(ts::TIMESTAMPTZ), category::VARCHAR, amount::DOUBLE, quantity::INTEGER, flag::BOOLEAN)::HUGEINT) AS h
FROM t"""
CHECK_SQL = "SELECT count(*) AS n, sum(amount) AS amount, sum(quantity) AS quantity, max(id) AS max_id FROM t"
# Both sides compact into files of at most this size.
COMPACT_TARGET = 128 * 1024 * 1024


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Data generation (delta-rs writes the tables; numpy draws the merge sources)
# --------------------------------------------------------------------------

def _info(out: Path) -> dict | None:
    f = out / "_bench_generated.json"
    return json.loads(f.read_text()) if f.exists() else None


def _finish(tmp: Path, out: Path, info: dict) -> None:
    (tmp / "_bench_generated.json").write_text(json.dumps(info, indent=2))
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)


def _rows_batch(rng, lo: int, hi: int):
    import numpy as np
    import pyarrow as pa
    n = hi - lo
    ids = np.arange(lo, hi, dtype=np.int64)
    base_us = 1_700_000_000_000_000
    return pa.table({
        "id": pa.array(ids),
        "ts": pa.array(base_us + ids * 1_000_000 + rng.integers(0, 1_000_000, n), pa.timestamp("us", tz="UTC")),
        "category": pa.DictionaryArray.from_arrays(
            pa.array(rng.integers(0, len(CATEGORIES), n).astype(np.int32)), pa.array(CATEGORIES)
        ).cast(pa.string()),
        "amount": pa.array(np.round(rng.random(n) * 1000, 2)),
        "quantity": pa.array(rng.integers(1, 100, n).astype(np.int32)),
        "flag": pa.array(rng.random(n) < 0.3),
    })


def ensure_table(cache: Path, kind: str, rows: int, files: int) -> tuple[Path, dict]:
    """`rows` rows as an empty create and `files` appends (one data file each)."""
    out = cache / f"delta-write-{kind}-{rows}-files{files}-{DATA_FORMAT}"
    info = _info(out)
    if info:
        log(f"using cached {out} ({info['rows']:,} rows, {info['files']} files, {info['bytes'] / 1e6:.0f} MB)")
        return out, info
    import numpy as np
    import pyarrow as pa
    import deltalake
    from deltalake import DeltaTable, write_deltalake

    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{out.name}.{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"generating {rows:,} rows in {files:,} appends with delta-rs {deltalake.__version__} into {out}")
    rng = np.random.default_rng(20261125 + files)
    started = time.monotonic()
    schema = _rows_batch(rng, 0, 1).schema
    DeltaTable.create(str(tmp), schema=schema, name=f"bench_write_{kind}")
    per = -(-rows // files)
    for f in range(files):
        lo, hi = f * per, min(rows, (f + 1) * per)
        if hi <= lo:
            break
        write_deltalake(str(tmp), _rows_batch(rng, lo, hi), mode="append")
        if f % 100 == 99:
            log(f"  {f + 1:,} appends, {time.monotonic() - started:.0f} s")
    seconds = time.monotonic() - started
    data = list(tmp.glob("*.parquet"))
    table = DeltaTable(str(tmp))
    info = {"rows": rows, "files": len(data), "bytes": sum(p.stat().st_size for p in data),
            "version": table.version(), "seconds": seconds, "writer": f"deltalake {deltalake.__version__}",
            "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    _finish(tmp, out, info)
    log(f"wrote {out}: {rows:,} rows, {len(data)} files, {info['bytes'] / 1e6:.0f} MB, version {info['version']}, "
        f"in {seconds:.0f} s")
    return out, info


def ensure_source(table_path: Path, name: str, matched: float, not_matched: float, rows: int) -> tuple[Path, dict]:
    """A merge source: a `matched` fraction of the table's rows (same ids, amount + 1 and
    quantity + 1) and a `not_matched` fraction of rows with new, distinct ids (>= rows)."""
    out_dir = table_path / "_bench_sources"
    out = out_dir / f"{name}.parquet"
    meta = out_dir / f"{name}.json"
    if out.exists() and meta.exists():
        return out, json.loads(meta.read_text())
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from deltalake import DeltaTable

    log(f"making merge source {name} ({matched:.1%} matched, {not_matched:.1%} new)")
    seed = int(matched * 1e6) * 1000 + int(not_matched * 1e6)
    rng = np.random.default_rng(seed)
    table = DeltaTable(str(table_path)).to_pyarrow_table().combine_chunks()
    parts = []
    n_matched = 0
    if matched > 0:
        pick = np.sort(rng.choice(table.num_rows, size=int(table.num_rows * matched), replace=False))
        m = table.take(pa.array(pick))
        m = m.set_column(m.column_names.index("amount"), "amount", pc.add(m["amount"], 1.0))
        m = m.set_column(m.column_names.index("quantity"), "quantity", pc.add(m["quantity"], pa.scalar(1, pa.int32())))
        parts.append(m)
        n_matched = m.num_rows
    n_new = 0
    if not_matched > 0:
        k = int(table.num_rows * not_matched)
        pick = rng.choice(table.num_rows, size=k, replace=False)
        new = table.take(pa.array(pick))
        # New keys: distinct random ids in [rows, 2^32), as delta-rs draws random u32 keys.
        ids = np.unique(rng.integers(rows, 2**32, size=k + k // 10 + 16, dtype=np.int64))
        ids = rng.permutation(ids)[:k]
        if len(ids) < k:
            sys.exit(f"bench: could not draw {k:,} distinct new ids")
        new = new.set_column(0, "id", pa.array(ids))
        parts.append(new)
        n_new = new.num_rows
    source = pa.concat_tables(parts)
    out_dir.mkdir(exist_ok=True)
    pq.write_table(source, out, compression="snappy")
    info = {"rows": source.num_rows, "matched": n_matched, "new": n_new}
    meta.write_text(json.dumps(info))
    return out, info


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """`swiftlake serve` on 127.0.0.1, stopped at the end."""

    def __init__(self, binary: Path, root: Path, threads: int, log_path: Path, start_timeout: float):
        self.port = free_port()
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_file = open(log_path, "wb")
        cmd = [str(binary), "serve", "--host", HOST, "--port", str(self.port), "--root", str(root),
               "--threads", str(threads), "--query-timeout", "0", "--log-level", "warning"]
        log(f"starting {' '.join(cmd)} (log: {log_path})")
        self.proc = subprocess.Popen(cmd, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + start_timeout
        while not self.health():
            if self.proc.poll() is not None:
                self.stop()
                sys.exit(f"bench: the server exited with {self.proc.returncode}; see {log_path}")
            if time.monotonic() > deadline:
                self.stop()
                sys.exit(f"bench: the server did not answer on {HOST}:{self.port} within {start_timeout:.0f} s")
            time.sleep(0.1)
        log(f"server up on http://{HOST}:{self.port} (pid {self.proc.pid})")

    def health(self) -> bool:
        try:
            c = http.client.HTTPConnection(HOST, self.port, timeout=2)
            c.request("GET", "/health")
            c.getresponse().read()
            c.close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()


class Rest:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def json(self, route: str, body: dict) -> dict:
        payload = json.dumps(body).encode()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", route, payload, {"Content-Type": "application/json"})
                resp = self.conn.getresponse()
                data = resp.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if resp.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            if resp.status != 200:
                sys.exit(f"bench: POST {route} -> {resp.status}: {data[:2000].decode(errors='replace')}")
            return json.loads(data, parse_float=Decimal)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


# --------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------

@dataclass
class Case:
    key: str                      # for --only
    label: str                    # in the docs
    table: str                    # "rows" or "small"
    expected_rows: Callable[[dict], int]
    swift: Callable[[str], tuple[str, dict]]          # relative table path -> (route, body)
    deltars: Callable[[Path], dict]                   # absolute path -> metrics
    source: tuple[float, float] | None = None         # merge source: (matched, not matched)
    source_info: dict = field(default_factory=dict)


def merge_body(rel: str, source_rel: str, clauses: dict) -> tuple[str, dict]:
    return "/api/delta/merge", {"path": rel, "source": {"parquet": [source_rel]}, "source_alias": "s",
                                "target_alias": "t", "on": "t.id = s.id", **clauses}


def deltars_merge(path: Path, source: Path, build: Callable) -> dict:
    import pyarrow.parquet as pq
    from deltalake import DeltaTable
    table = DeltaTable(str(path))
    src = pq.read_table(source)
    # streamed_exec=False: the source is materialized, so delta-rs may prune target files
    # from the source's keys, as its own benchmark (a DataFusion DataFrame source) allows.
    merger = table.merge(src, "t.id = s.id", source_alias="s", target_alias="t", streamed_exec=False)
    return build(merger).execute()


def make_cases(sources_rel: Callable[[str], str], sources_abs: Callable[[str], Path]) -> list[Case]:
    from deltalake import DeltaTable

    def upsert(key: str, matched: float, new: float) -> Case:
        label = f"merge upsert, {matched:.1%} matched + {new:.1%} new rows (update all, insert all)"
        return Case(
            key, label.replace(".0%", "%"), "rows",
            lambda info, s=None: info["rows"] + 0,  # replaced below with the source's new rows
            lambda rel: merge_body(rel, sources_rel(key), {"when_matched": [{"action": "update", "set": "all"}],
                                                          "when_not_matched": [{"action": "insert", "values": "all"}]}),
            lambda path: deltars_merge(path, sources_abs(key),
                                       lambda m: m.when_matched_update_all().when_not_matched_insert_all()),
            source=(matched, new))

    cases = [
        Case("update", "update 1% of rows (`id % 100 = 42`: every file)", "rows",
             lambda info: info["rows"],
             lambda rel: ("/api/delta/update", {"path": rel, "predicate": "id % 100 = 42",
                                                "updates": {"amount": "amount + 1", "quantity": "quantity + 1"}}),
             lambda path: DeltaTable(str(path)).update(predicate="id % 100 = 42",
                                                       updates={"amount": "amount + 1", "quantity": "quantity + 1"})),
        Case("delete", "delete 5% of rows (`id % 20 = 3`: every file)", "rows",
             lambda info: info["rows"] - info["rows"] // 20,
             lambda rel: ("/api/delta/delete", {"path": rel, "predicate": "id % 20 = 3"}),
             lambda path: DeltaTable(str(path)).delete(predicate="id % 20 = 3")),
        upsert("upsert-1-10", 0.01, 0.10),
        upsert("upsert-1-0.1", 0.01, 0.001),
        upsert("upsert-10-10", 0.10, 0.10),
        upsert("upsert-10-0.1", 0.10, 0.001),
        Case("delete-only", "merge delete-only, 5% matched (when matched delete)", "rows",
             lambda info: info["rows"],
             lambda rel: merge_body(rel, sources_rel("delete-only"), {"when_matched": [{"action": "delete"}]}),
             lambda path: deltars_merge(path, sources_abs("delete-only"), lambda m: m.when_matched_delete()),
             source=(0.05, 0.0)),
        Case("insert-only", "merge insert-only, 5% new rows (when not matched insert all)", "rows",
             lambda info: info["rows"],
             lambda rel: merge_body(rel, sources_rel("insert-only"),
                                    {"when_not_matched": [{"action": "insert", "values": "all"}]}),
             lambda path: deltars_merge(path, sources_abs("insert-only"), lambda m: m.when_not_matched_insert_all()),
             source=(0.0, 0.05)),
        Case("optimize", "optimize: compact 1,000 small files (10,000 rows each)", "small",
             lambda info: info["rows"],
             lambda rel: ("/api/delta/optimize", {"path": rel, "target_size": COMPACT_TARGET}),
             lambda path: DeltaTable(str(path)).optimize.compact(target_size=COMPACT_TARGET)),
    ]
    return cases


def expected_rows(case: Case, info: dict) -> int:
    if case.source is None:
        return case.expected_rows(info)
    if case.key == "delete-only":
        return info["rows"] - case.source_info["matched"]
    return info["rows"] + case.source_info["new"]


# --------------------------------------------------------------------------
# Copies, runs and checks
# --------------------------------------------------------------------------

def fresh_copy(src: Path, dst: Path) -> None:
    """`_delta_log/` copied, data files hard-linked (no writer changes a data file in place)."""
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    shutil.copytree(src / "_delta_log", dst / "_delta_log")
    for p in src.iterdir():
        if p.is_file() and p.suffix == ".parquet":
            os.link(p, dst / p.name)


def fingerprint(path: Path) -> tuple[int, int]:
    import duckdb
    from deltalake import DeltaTable
    t = DeltaTable(str(path)).to_pyarrow_table()
    con = duckdb.connect()
    con.register("t", t)
    n, h = con.execute(FINGERPRINT_SQL).fetchone()
    con.close()
    return int(n), int(h or 0)


def deltars_facts(path: Path) -> list:
    import duckdb
    from deltalake import DeltaTable
    t = DeltaTable(str(path)).to_pyarrow_table()
    con = duckdb.connect()
    con.register("t", t)
    row = list(con.execute(CHECK_SQL).fetchone())
    con.close()
    return row


def same_value(a, b) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    except (TypeError, ValueError):
        return str(a) == str(b)


def table_shape(path: Path) -> dict:
    from deltalake import DeltaTable
    t = DeltaTable(str(path))
    return {"version": t.version(), "files": len(t.file_uris())}


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "n": len(values)}


def machine_info() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        commit = "unknown"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem_gib,
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "commit": commit, "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

def secs(s: float) -> str:
    return f"{s:.2f}" if s < 10 else f"{s:.1f}"


def results_table(results: dict) -> str:
    lines = ["| operation | SwiftLake median (s) | SwiftLake min (s) | delta-rs median (s) | delta-rs min (s) "
             "| ratio SwiftLake/delta-rs (medians) | ratio (minimums) | reps | files removed/added: SwiftLake, delta-rs |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in results["rows"]:
        s, d = row["swiftlake"], row["deltars"]
        ratio = s["median"] / d["median"]
        mark = "**" if ratio < 1 else ""
        f = row.get("files", {})
        lines.append(f"| {row['label']} | {secs(s['median'])} | {secs(s['min'])} | {secs(d['median'])} | {secs(d['min'])} "
                     f"| {mark}{ratio:.2f}×{mark} | {s['min'] / d['min']:.2f}× | {s['n']} "
                     f"| {f.get('swiftlake', '?')}, {f.get('deltars', '?')} |")
    return "\n".join(lines)


DOC_METHOD = """\
### What is measured

`bench/delta_write.py` (run it with `make bench-delta-write`) compares
SwiftLake's Delta writes with delta-rs (`deltalake` 1.6.6, Python), side by
side in one run. Every number is a ratio SwiftLake/delta-rs: below 1 SwiftLake
is faster.

- **Data** (written once by delta-rs itself, cached under
  `${XDG_CACHE_HOME:-~/.cache}/swiftlake/bench/delta-write-*/`):
  - a table of **10,000,000 rows in 100 files** (an empty create, then 100
    appends of 100,000 rows, versions 0–100; delta-rs checkpointed it at 99), columns
    `id BIGINT, ts TIMESTAMP, category STRING (8 values), amount DOUBLE,
    quantity INT, flag BOOLEAN`; no partitions, no deletion vectors, so both
    sides copy-on-write;
  - a table of the same shape in **1,000 small files** (1,000 appends of
    10,000 rows) for compaction;
  - the merge sources, one Parquet file per case, shaped as in delta-rs's own
    merge benchmark (`crates/benchmarks/src/merge.rs`): a random sample of
    the table's rows with their ids (*matched*; here with `amount + 1` and
    `quantity + 1` so the update is visible) plus a random sample given new,
    distinct ids (*new*, not matched). The samples are random over the whole
    table, so matched rows fall in every file.
- **Cases**: update 1% of rows (`id % 100 = 42`, `amount + 1`,
  `quantity + 1`); delete 5% (`id % 20 = 3`); MERGE on `t.id = s.id`
  upserting (when matched update all, when not matched insert all) with 1% or
  10% of the rows matched and 0.1% or 10% new rows; delete-only (5% matched,
  when matched delete); insert-only (5% new, when not matched insert all);
  OPTIMIZE (bin-packing compaction) of the 1,000 small files with a target
  size of 128 MiB on both sides.
- **Each repetition gets a fresh copy** of the table per side (the
  `_delta_log/` copied, data files hard-linked; not timed), at a new path.
  - SwiftLake: the release server (`swiftlake serve --host 127.0.0.1 --threads
    N`), one keep-alive connection, `POST /api/delta/update|delete|merge|optimize`;
    timed around the HTTP request: the server loads the new copy's snapshot,
    scans, writes, commits and answers.
  - delta-rs in-process: `DeltaTable(path)` and the operation
    (`.update(predicate=…, updates=…)`, `.delete(…)`,
    `.merge(source, "t.id = s.id", source_alias="s", target_alias="t",
    streamed_exec=False).when_…().execute()`, `.optimize.compact(target_size=…)`);
    for MERGE the source Parquet is read (`pyarrow.parquet.read_table`) inside
    the timing, since the server reads it inside its own.
- **Checks before timing**: each case runs once per side on fresh copies;
  both results are read by delta-rs (so delta-rs reads SwiftLake's table) and
  must hold the same rows: the same count, equal to the expected one, and the
  same order-independent hash over all columns (DuckDB `sum(hash(…))`);
  SwiftLake reads its own result through REST (count, sums). A mismatch stops
  the run.
- **Fairness**: same files, same machine, same run; DuckDB threads = cores,
  delta-rs's runtime uses every core. Warm-up first, then repetitions
  interleaved with the order alternating (the checked first run is the
  warm-up: page cache, allocators, the server's engine). Medians and minimums
  are reported.
"""


def section_markdown(results: dict, others: list[dict] | None = None) -> str:
    m = results["machine"]
    parts = [SECTION, "", DOC_METHOD, "### Results", ""]
    extra_warmup = f" plus {results['warmup']}" if results["warmup"] else ""
    parts.append(
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}; "
        f"commit `{m['commit']}`. delta-rs: deltalake {results['deltalake_version']} (pyarrow "
        f"{results['pyarrow_version']}); SwiftLake: DuckDB threads {results['threads']}. "
        f"Warm-up: the checked first run per side{extra_warmup}. "
        f"Answers identical on both sides: checked. "
        f"Load average (1 min) at start/end: {results['loadavg_1min']['start']}/{results['loadavg_1min']['end']}.")
    if results.get("build_note"):
        parts.append("")
        parts.append(f"SwiftLake binary: {results['build_note']}")
    parts.append("")
    gen = results["data"]
    notes = [f"{name}: {d['rows']:,} rows in {d['files']:,} files ({d['bytes'] / 1e6:.0f} MB), written in "
             f"{d['seconds']:.0f} s by {d['writer']}" for name, d in gen.items()]
    parts += ["Data generation (once, then cached): " + "; ".join(notes) + ".", ""]
    if results["loadavg_1min"]["start"] > (m["cores"] or 1) / 2:
        parts += ["**The machine was busy with other work when this run started (load average above half the "
                  "cores), so these numbers are noisy; re-run on a quiet machine.**", ""]
    parts += [results_table(results), ""]
    if others:
        labels = [row["label"] for row in results["rows"]]
        parts += ["Other runs kept for this section (ratios of medians):", "",
                  "| run | load start/end | " + " | ".join(labels) + " |", "|---|---|" + "---:|" * len(labels)]
        for run in others:
            by = {row["label"]: row for row in run["rows"]}
            cells = [f"{by[l]['swiftlake']['median'] / by[l]['deltars']['median']:.2f}×" if l in by else "n/a"
                     for l in labels]
            parts.append(f"| {run['machine']['date']} (`{run['machine']['commit']}`) | "
                         f"{run['loadavg_1min']['start']}/{run['loadavg_1min']['end']} | " + " | ".join(cells) + " |")
        parts.append("")
    parts += ["Re-run with `make bench-delta-write`; raw timings are saved under `bench/results/` (not committed).", ""]
    return "\n".join(parts)


# The analysis under this heading is prose written by hand in docs/BENCHMARKS.md: a re-run
# keeps it (bench_docs.write_section) and replaces only the measurements.
ANALYSIS_HEADING = "### Where the time goes"


def write_section(path: Path, text: str) -> None:
    """Replaces this program's section of `path`, keeping its hand-written analysis."""
    bench_docs.write_section(path, SECTION, text, analysis_heading=ANALYSIS_HEADING, log=log)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main() -> None:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "swiftlake" / "bench"
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", type=Path, default=REPO / ".build/release/swiftlake",
                   help="the swiftlake release binary (default: %(default)s)")
    p.add_argument("--cache-dir", type=Path, default=cache, help="where the tables are cached (default: %(default)s)")
    p.add_argument("--rows", type=int, default=10_000_000, help="rows in each table (default: 10000000)")
    p.add_argument("--files", type=int, default=100, help="data files in the main table (default: 100)")
    p.add_argument("--small-files", type=int, default=1000, help="data files in the table to compact (default: 1000)")
    p.add_argument("--only", help="comma-separated case keys: update, delete, upsert-1-10, upsert-1-0.1, "
                                  "upsert-10-10, upsert-10-0.1, delete-only, insert-only, optimize")
    p.add_argument("--warmup", type=int, default=0,
                   help="extra warm-up runs per side and case, after the checked first run, which warms up too (default: 0)")
    p.add_argument("--reps", type=int, default=3, help="timed repetitions per side and case (default: 3)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="DuckDB threads (default: cores)")
    p.add_argument("--max-seconds", type=float, default=300, help="stop repeating a case after this long (default: 300)")
    p.add_argument("--start-timeout", type=float, default=60, help="seconds to wait for the server (default: 60)")
    p.add_argument("--no-check", action="store_true", help="skip the answer checks (only for profiling runs)")
    p.add_argument("--build-note", default="",
                   help="what the SwiftLake binary was built from, when not the repository's commit (shown in the docs)")
    p.add_argument("--results-dir", type=Path, default=REPO / "bench/results")
    p.add_argument("--write-docs", type=Path, help="replace (or append) the section in this Markdown file")
    p.add_argument("--generate-only", action="store_true", help="make (or reuse) the tables and sources, and stop")
    p.add_argument("--docs-from", type=Path, nargs="+", metavar="RESULTS_JSON",
                   help="measure nothing: write the --write-docs section from saved bench/results/delta_write-*.json "
                        "files; the first gives the table, the others a summary of their ratios")
    a = p.parse_args()
    if a.docs_from:
        if not a.write_docs:
            p.error("--docs-from needs --write-docs")
        runs = [json.loads(f.read_text()) for f in a.docs_from]
        write_section(a.write_docs, section_markdown(runs[0], runs[1:]))
        return
    if a.reps < 1 or a.warmup < 0:
        p.error("--reps must be >= 1, --warmup >= 0")

    import deltalake
    import pyarrow as pa

    root = a.cache_dir.resolve()
    tables: dict[str, Path] = {}
    data: dict[str, dict] = {}
    rows_table = root / f"delta-write-rows-{a.rows}-files{a.files}-{DATA_FORMAT}"   # ensure_table's name

    def sources_abs(key: str) -> Path:
        return rows_table / "_bench_sources" / f"{key}.parquet"

    def sources_rel(key: str) -> str:
        return str(sources_abs(key).relative_to(root))

    cases = make_cases(sources_rel, sources_abs)
    if a.only:
        wanted = [w.strip() for w in a.only.split(",") if w.strip()]
        unknown = set(wanted) - {c.key for c in cases}
        if unknown:
            p.error(f"unknown cases {sorted(unknown)}; known: {[c.key for c in cases]}")
        cases = [c for c in cases if c.key in wanted]
    # Only the tables the chosen cases use (the small-files table takes minutes to write).
    tables["rows"], data["rows"] = ensure_table(root, "rows", a.rows, a.files)
    if any(c.table == "small" for c in cases):
        tables["small"], data["small"] = ensure_table(root, "small", a.rows, a.small_files)
    for c in cases:
        if c.source:
            _, c.source_info = ensure_source(tables["rows"], c.key, c.source[0], c.source[1], a.rows)
    if a.generate_only:
        return
    if not a.binary.exists():
        sys.exit(f"bench: {a.binary} does not exist; build it with `make bench-delta-write` or "
                 "`scripts/swift.sh build -c release --product swiftlake`")

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    cores = os.cpu_count() or 1
    load_start = os.getloadavg()[0]
    if load_start > cores / 2:
        log(f"warning: load average {load_start:.2f} on {cores} cores: other work is running, "
            "so the timings will be noisy; they are reported with the load")
    work = root / f"delta-write-work-{os.getpid()}"
    counter = [0]

    def copy_of(case: Case, side: str) -> Path:
        counter[0] += 1
        dst = work / f"{case.key}-{side}-{counter[0]}"
        fresh_copy(tables[case.table], dst)
        return dst

    def run_swift(case: Case, path: Path) -> tuple[float, dict]:
        route, body = case.swift(str(path.relative_to(root)))
        t0 = time.perf_counter()
        doc = rest.json(route, body)
        return time.perf_counter() - t0, doc

    def run_deltars(case: Case, path: Path) -> tuple[float, dict]:
        t0 = time.perf_counter()
        metrics = case.deltars(path)
        return time.perf_counter() - t0, metrics

    rows_out: list[dict] = []
    server = rest = None
    try:
        server = Server(a.binary.resolve(), root, a.threads, a.results_dir / f"delta-write-server-{stamp}.log",
                        a.start_timeout)
        rest = Rest(server.port, timeout=max(1200.0, a.max_seconds))
        for case in cases:
            info = data[case.table]
            files: dict[str, str] = {}
            # Correctness first: one run per side, then the same rows on both.
            ours, theirs = copy_of(case, "swiftlake"), copy_of(case, "deltars")
            s_time, s_doc = run_swift(case, ours)
            d_time, d_metrics = run_deltars(case, theirs)
            so, do = table_shape(ours), table_shape(theirs)
            files = {"swiftlake": f"{info['files']}→{so['files']}", "deltars": f"{info['files']}→{do['files']}"}
            log(f"{case.key}: first run SwiftLake {s_time:.2f} s (version {so['version']}, {so['files']} files), "
                f"delta-rs {d_time:.2f} s (version {do['version']}, {do['files']} files)")
            if not a.no_check:
                want = expected_rows(case, info)
                fo, ft = fingerprint(ours), fingerprint(theirs)
                if fo != ft or fo[0] != want:
                    sys.exit(f"bench: {case.key}: SwiftLake's table has {fo[0]:,} rows (hash {fo[1]}), delta-rs's "
                             f"{ft[0]:,} (hash {ft[1]}); expected {want:,} rows")
                rest_row = rest.json("/api/delta/read", {"path": str(ours.relative_to(root)), "sql": CHECK_SQL,
                                                         "limit": 10})["rows"][0]
                facts = deltars_facts(theirs)
                if not all(same_value(x, y) for x, y in zip(rest_row, facts)):
                    sys.exit(f"bench: {case.key}: SwiftLake reads {rest_row} from its table, delta-rs {facts} from its own")
                log(f"{case.key}: both tables hold the same {fo[0]:,} rows (delta-rs read both; SwiftLake read its own)")
            shutil.rmtree(ours)
            shutil.rmtree(theirs)

            sides = [("swiftlake", run_swift), ("deltars", run_deltars)]
            times: dict[str, list[float]] = {"swiftlake": [], "deltars": []}
            answers: dict[str, dict] = {}
            deadline = time.monotonic() + a.max_seconds
            for rep in range(a.warmup + a.reps):
                order = sides if rep % 2 == 0 else list(reversed(sides))
                copies = {side: copy_of(case, side) for side, _ in order}
                for side, fn in order:
                    elapsed, answer = fn(case, copies[side])
                    if rep >= a.warmup:
                        times[side].append(elapsed)
                    answers[side] = answer
                for path in copies.values():
                    shutil.rmtree(path)
                if rep >= a.warmup + 1 and time.monotonic() > deadline:
                    log(f"{case.key}: --max-seconds reached after {rep + 1 - a.warmup} repetitions")
                    break
            row = {"key": case.key, "label": case.label, "swiftlake": stats(times["swiftlake"]),
                   "deltars": stats(times["deltars"]), "raw": times, "files": files,
                   "answers": {"swiftlake": answers.get("swiftlake"), "deltars": answers.get("deltars")}}
            if case.source_info:
                row["source"] = case.source_info
            rows_out.append(row)
            log(f"{case.key}: SwiftLake {statistics.median(times['swiftlake']):.2f} s, delta-rs "
                f"{statistics.median(times['deltars']):.2f} s (medians): "
                f"{statistics.median(times['swiftlake']) / statistics.median(times['deltars']):.2f}×")
    finally:
        if rest:
            rest.close()
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    results = {
        "machine": machine_info(),
        "loadavg_1min": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)},
        "deltalake_version": deltalake.__version__,
        "pyarrow_version": pa.__version__,
        "threads": a.threads,
        "warmup": a.warmup,
        "build_note": a.build_note,
        "data": data,
        "rows": rows_out,
    }
    print()
    print(results_table(results))
    a.results_dir.mkdir(parents=True, exist_ok=True)
    raw = a.results_dir / f"delta_write-{stamp}.json"
    raw.write_text(json.dumps(results, indent=2, default=str))
    log(f"raw timings: {raw}")
    if a.write_docs:
        write_section(a.write_docs, section_markdown(results))


if __name__ == "__main__":
    main()
