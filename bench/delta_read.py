#!/usr/bin/env python3
"""SwiftLake vs delta-rs: Delta snapshot loading and a full read of 10M rows.

What it answers: how fast does SwiftLake read Delta tables compared with
delta-rs (the `deltalake` Python package, 1.6.6), the reference reader most
people use outside Spark? Everything is measured side by side in one run and
reported as ratios SwiftLake/delta-rs (below 1 means SwiftLake is faster).

One run does all of this:

1. Makes two Delta tables once, with delta-rs itself, into a cache directory
   outside the clone (`${XDG_CACHE_HOME:-~/.cache}/swiftlake/bench/delta-*/`,
   keyed by their parameters so a rerun reuses them):
   - `delta-commits-<N>-ckpt<K>`: N commits (default 10,000): a create and
     N-1 appends of 10 rows each (`write_deltalake(..., mode="append")`), with
     `delta.checkpointInterval` = K (default 100) and delta-rs's
     `create_checkpoint()` after every K-th commit (versions 99, 199, …).
   - `delta-rows-<R>-files<F>`: R rows (default 10,000,000) of mixed types
     (BIGINT id, TIMESTAMP ts, STRING category, DOUBLE amount, INT quantity,
     BOOLEAN flag) written as F appends (default 10), so F data files.
2. Snapshot loading, cold, at the latest version and at older ones
   (`--versions`, default latest,5000,150):
   - delta-rs: `DeltaTable(path, version=v)` (a new object each time, which
     replays the log and loads the file list), then `.version()` and
     `len(.file_uris())`.
   - SwiftLake: `swiftlake-bench`, a small Swift program linking the DeltaLake
     and SwiftLake modules (bench/Sources/swiftlake-bench), times
     `DeltaTable(store:location:checkpointReader:).snapshot(version:)` with a
     new table each time and the production `DuckDBCheckpointReader`. It runs
     as one child process that answers commands on stdin, so its repetitions
     interleave with delta-rs's. Both are timed in-process.
   - Also reported, labelled as extra information: the server's REST
     `POST /api/delta/detail` for the same versions, first call (the server
     builds the snapshot) and then warm (served from its snapshot cache).
3. Full read of the 10M-row table:
   - aggregate: the same SQL over all rows, through SwiftLake's REST
     `POST /api/delta/read` with `sql` (DuckDB) vs delta-rs's `QueryBuilder`
     (DataFusion), results fetched;
   - all rows as Arrow: REST `format: "arrow"` (the IPC stream read into a
     pyarrow Table) vs `DeltaTable.to_pyarrow_table()`.
4. Checks before timing: same version and same set of active files for every
   snapshot; same aggregate rows; same row count and column aggregates for the
   Arrow reads. A mismatch stops the run.
5. Warm-up, then interleaved repetitions alternating which side goes first;
   medians and minimums; ratios of medians (and of minimums). Raw timings as
   JSON in bench/results/ (not committed); with --write-docs, the section
   "Delta reading vs delta-rs" of docs/BENCHMARKS.md is replaced (or appended),
   and nothing else in that file is touched.

Usage (from the repository root; `make bench-delta` builds and runs it):
    python3 bench/delta_read.py --write-docs docs/BENCHMARKS.md
    python3 bench/delta_read.py --generate-only            # just make/reuse the tables
    python3 bench/delta_read.py --only snapshot --reps 20  # one part only
    python3 bench/delta_read.py --docs-from bench/results/delta_read-….json --write-docs docs/BENCHMARKS.md
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
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only address this program talks to
SECTION = "## Delta reading vs delta-rs"
# Bump when the generated data changes, so old caches are not reused.
DATA_FORMAT = "v1"

AGGREGATE_SQL = """SELECT category,
    count(*) AS n,
    sum(quantity) AS quantity,
    sum(amount) AS amount,
    min(id) AS min_id,
    max(id) AS max_id,
    sum(CASE WHEN flag THEN 1 ELSE 0 END) AS flagged,
    min(ts) AS first_ts,
    max(ts) AS last_ts
FROM t
GROUP BY category
ORDER BY category"""
CATEGORIES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Data generation (delta-rs writes both tables)
# --------------------------------------------------------------------------

def _finish(tmp: Path, out: Path, info: dict) -> None:
    (tmp / "_bench_generated.json").write_text(json.dumps(info, indent=2))
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)


def _info(out: Path) -> dict | None:
    f = out / "_bench_generated.json"
    return json.loads(f.read_text()) if f.exists() else None


def ensure_commits_table(cache: Path, commits: int, interval: int) -> tuple[Path, dict]:
    """A table of `commits` commits (versions 0 … commits-1), checkpoints every `interval`."""
    out = cache / f"delta-commits-{commits}-ckpt{interval}-{DATA_FORMAT}"
    info = _info(out)
    if info:
        log(f"using cached {out} ({info['commits']:,} commits, generated in {info['seconds']:.0f} s)")
        return out, info
    import pyarrow as pa
    import deltalake
    from deltalake import DeltaTable, PostCommitHookProperties, write_deltalake

    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{out.name}.{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"generating {commits:,} commits with delta-rs {deltalake.__version__} "
        f"(checkpointInterval {interval}) into {out}; a few minutes")

    def batch(i: int):
        return pa.table({
            "id": pa.array(range(i * 10, i * 10 + 10), pa.int64()),
            "commit": pa.array([i] * 10, pa.int64()),
            "name": pa.array([f"row-{i}-{j}" for j in range(10)], pa.string()),
        })

    # delta-rs would checkpoint by itself after every `interval`-th commit (versions 99, 199, …
    # for 100), but its post-commit hook also lists the whole log on every commit (for expired
    # log cleanup), which doubles the generation time. So the hook is off and the checkpoints
    # are asked for explicitly at the versions delta-rs itself would pick.
    hooks_off = PostCommitHookProperties(create_checkpoint=False, cleanup_expired_logs=False)
    started = time.monotonic()
    write_deltalake(str(tmp), batch(0), mode="error", name="bench_commits",
                    configuration={"delta.checkpointInterval": str(interval)})
    table = DeltaTable(str(tmp))
    for i in range(1, commits):
        write_deltalake(table, batch(i), mode="append", post_commithook_properties=hooks_off)
        if (i + 1) % interval == 0:
            table.create_checkpoint()
            # A DeltaTable object that has followed many commits gets slower with each one
            # (its updates grow with the commits it has seen); a fresh one starts from the
            # checkpoint just written, which keeps every commit cheap.
            table = DeltaTable(str(tmp))
        if i % 1000 == 0:
            log(f"  {i:,} commits, {time.monotonic() - started:.0f} s")
    seconds = time.monotonic() - started
    logdir = tmp / "_delta_log"
    checkpoints = sorted(int(p.name.split(".")[0]) for p in logdir.glob("*.checkpoint.parquet"))
    expected = list(range(interval - 1, commits, interval))
    if checkpoints != expected:
        sys.exit(f"bench: delta-rs wrote checkpoints at {checkpoints[:5]}… ({len(checkpoints)}), "
                 f"expected {expected[:5]}… ({len(expected)})")
    info = {"commits": commits, "latest_version": commits - 1, "checkpoint_interval": interval,
            "checkpoints": len(checkpoints), "last_checkpoint": checkpoints[-1] if checkpoints else None,
            "seconds": seconds, "writer": f"deltalake {deltalake.__version__}",
            "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    _finish(tmp, out, info)
    log(f"wrote {out}: {commits:,} commits, {len(checkpoints)} checkpoints, in {seconds:.0f} s")
    return out, info


def ensure_rows_table(cache: Path, rows: int, files: int) -> tuple[Path, dict]:
    """`rows` rows of mixed types in `files` appends (one data file each)."""
    out = cache / f"delta-rows-{rows}-files{files}-{DATA_FORMAT}"
    info = _info(out)
    if info:
        log(f"using cached {out} ({info['rows']:,} rows, {info['files']} files, "
            f"{info['bytes'] / 1e6:.0f} MB)")
        return out, info
    import numpy as np
    import pyarrow as pa
    import deltalake
    from deltalake import write_deltalake

    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{out.name}.{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"generating {rows:,} rows in {files} files with delta-rs {deltalake.__version__} into {out}")
    rng = np.random.default_rng(20261124)
    started = time.monotonic()
    per = -(-rows // files)
    base_us = 1_700_000_000_000_000
    for f in range(files):
        lo, hi = f * per, min(rows, (f + 1) * per)
        n = hi - lo
        if n <= 0:
            break
        ids = np.arange(lo, hi, dtype=np.int64)
        batch = pa.table({
            "id": pa.array(ids),
            "ts": pa.array(base_us + ids * 1_000_000 + rng.integers(0, 1_000_000, n), pa.timestamp("us", tz="UTC")),
            "category": pa.DictionaryArray.from_arrays(
                pa.array(rng.integers(0, len(CATEGORIES), n).astype(np.int32)), pa.array(CATEGORIES)
            ).cast(pa.string()),
            "amount": pa.array(np.round(rng.random(n) * 1000, 2)),
            "quantity": pa.array(rng.integers(1, 100, n).astype(np.int32)),
            "flag": pa.array(rng.random(n) < 0.3),
        })
        write_deltalake(str(tmp), batch, mode="append" if f else "error", name="bench_rows")
    seconds = time.monotonic() - started
    data = [p for p in tmp.glob("*.parquet")]
    info = {"rows": rows, "files": len(data), "bytes": sum(p.stat().st_size for p in data),
            "seconds": seconds, "writer": f"deltalake {deltalake.__version__}",
            "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    _finish(tmp, out, info)
    log(f"wrote {out}: {rows:,} rows, {len(data)} files, {info['bytes'] / 1e6:.0f} MB, in {seconds:.0f} s")
    return out, info


# --------------------------------------------------------------------------
# SwiftLake, in-process (swiftlake-bench) and over REST (swiftlake serve)
# --------------------------------------------------------------------------

class SwiftBench:
    """bench/Sources/swiftlake-bench as a child process, one command per line."""

    def __init__(self, binary: Path, threads: int):
        cmd = [str(binary), "--threads", str(threads)]
        log(f"starting {' '.join(cmd)}")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def call(self, *words: str) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(" ".join(words) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"bench: swiftlake-bench exited ({self.proc.poll()}) on: {' '.join(words)}")
        doc = json.loads(line)
        if "error" in doc:
            sys.exit(f"bench: swiftlake-bench: {' '.join(words)}: {doc['error']}")
        return doc

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.call_quit()
            finally:
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()

    def call_quit(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """`swiftlake serve` on 127.0.0.1, stopped at the end."""

    def __init__(self, binary: Path, root: Path, threads: int, max_rows: int, log_path: Path, start_timeout: float):
        self.port = free_port()
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_file = open(log_path, "wb")
        cmd = [str(binary), "serve", "--host", HOST, "--port", str(self.port), "--root", str(root),
               "--threads", str(threads), "--max-rows", str(max_rows), "--query-timeout", "0",
               "--log-level", "warning"]
        log(f"starting {' '.join(cmd)} (log: {log_path})")
        self.proc = subprocess.Popen(cmd, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + start_timeout
        while True:
            if self.proc.poll() is not None:
                self.stop()
                sys.exit(f"bench: the server exited with {self.proc.returncode}; see {log_path}")
            if self.health():
                break
            if time.monotonic() > deadline:
                self.stop()
                sys.exit(f"bench: the server did not answer on {HOST}:{self.port} within {start_timeout:.0f} s")
            time.sleep(0.1)
        log(f"server up on http://{HOST}:{self.port}")

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

    def post(self, route: str, body: dict) -> tuple[bytes, str]:
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
            return data, resp.getheader("Content-Type", "")
        raise AssertionError("unreachable")

    def post_stream(self, route: str, body: dict, consume):
        """POST, then `consume(response)` reads the body as it arrives; returns what it returns."""
        payload = json.dumps(body).encode()
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            self.conn.request("POST", route, payload, {"Content-Type": "application/json"})
            resp = self.conn.getresponse()
        except (ConnectionError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if resp.status != 200:
            data = resp.read()
            sys.exit(f"bench: POST {route} -> {resp.status}: {data[:2000].decode(errors='replace')}")
        result = consume(resp)
        if resp.read():
            sys.exit(f"bench: POST {route}: bytes left after the stream's end")
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return result

    def json(self, route: str, body: dict) -> dict:
        data, _ = self.post(route, body)
        return json.loads(data, parse_float=Decimal)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


# --------------------------------------------------------------------------
# The measured operations: each returns (seconds, answer)
# --------------------------------------------------------------------------

def deltars_snapshot(path: Path, version: int | None) -> tuple[float, dict]:
    from deltalake import DeltaTable
    t0 = time.perf_counter()
    table = DeltaTable(str(path), version=version)
    v = table.version()
    n = len(table.file_uris())
    return time.perf_counter() - t0, {"version": v, "files": n}


def swift_snapshot(bench: SwiftBench, path: Path, version: int | None) -> tuple[float, dict]:
    doc = bench.call("snapshot", str(path), "latest" if version is None else str(version))
    return doc["ms"] / 1000, {"version": doc["version"], "files": doc["files"]}


def rest_detail(rest: Rest, path: Path, version: int | None) -> tuple[float, dict]:
    body = {"path": str(path)} | ({} if version is None else {"version": version})
    t0 = time.perf_counter()
    doc = rest.json("/api/delta/detail", body)
    return time.perf_counter() - t0, {"version": int(doc["version"]), "files": int(doc["num_files"])}


def deltars_aggregate(table) -> tuple[float, list[list]]:
    from deltalake import QueryBuilder
    t0 = time.perf_counter()
    result = QueryBuilder().register("t", table).execute(AGGREGATE_SQL).read_all()
    elapsed = time.perf_counter() - t0
    import pyarrow as pa
    result = pa.table(result)
    return elapsed, [list(r.values()) for r in result.to_pylist()]


def rest_aggregate(rest: Rest, path: Path) -> tuple[float, list[list]]:
    t0 = time.perf_counter()
    doc = rest.json("/api/delta/read", {"path": str(path), "sql": AGGREGATE_SQL, "limit": 1000})
    elapsed = time.perf_counter() - t0
    return elapsed, doc["rows"]


def deltars_arrow(table):
    t0 = time.perf_counter()
    result = table.to_pyarrow_table()
    return time.perf_counter() - t0, result


def rest_arrow(rest: Rest, path: Path, rows: int):
    """The IPC stream decoded by pyarrow as it arrives (pyarrow reads the HTTP response as a
    file), as a streaming client would, rather than after the whole body is in memory."""
    import pyarrow as pa
    t0 = time.perf_counter()
    result = rest.post_stream("/api/delta/read", {"path": str(path), "sql": "SELECT * FROM t",
                                                  "limit": rows, "format": "arrow"},
                              lambda resp: pa.ipc.open_stream(resp).read_all())
    elapsed = time.perf_counter() - t0
    return elapsed, result


def swift_arrow(bench: SwiftBench, path: Path, rows: int, out: Path | None = None) -> tuple[float, dict]:
    words = ["arrow", str(path), str(rows)] + ([str(out)] if out else [])
    doc = bench.call(*words)
    return doc["ms"] / 1000, doc


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------

def _number(v):
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float, Decimal)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return None
    return None


def _timestamp_micros(v) -> int | None:
    """A timestamp as a datetime (delta-rs) or text (REST JSON), in microseconds since the epoch."""
    if isinstance(v, dt.datetime):
        d = v
    elif isinstance(v, str):
        try:
            d = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return int(round(d.timestamp() * 1_000_000))


def same_value(a, b) -> bool:
    ta, tb = _timestamp_micros(a), _timestamp_micros(b)
    if ta is not None and tb is not None:
        return ta == tb
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return math.isclose(na, nb, rel_tol=1e-9, abs_tol=1e-6)
    return str(a) == str(b)


def check_rows(name: str, ours: list[list], theirs: list[list]) -> None:
    if len(ours) != len(theirs):
        sys.exit(f"bench: {name}: {len(ours)} rows from SwiftLake vs {len(theirs)} from delta-rs")
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if len(a) != len(b) or not all(same_value(x, y) for x, y in zip(a, b)):
            sys.exit(f"bench: {name}: row {i} differs: SwiftLake {a} vs delta-rs {b}")


def arrow_fingerprint(table) -> dict:
    """Order-independent facts about a table's contents, per column."""
    import pyarrow as pa
    import pyarrow.compute as pc
    facts: dict = {"rows": table.num_rows, "columns": sorted(table.column_names)}
    for name in table.column_names:
        col = table[name]
        t = col.type
        if pa.types.is_timestamp(t):
            col = col.cast(pa.timestamp(t.unit)).cast(pa.int64())
        elif pa.types.is_dictionary(t):
            col = col.cast(t.value_type)
        t = col.type
        f = {"nulls": col.null_count}
        if pa.types.is_boolean(t):
            f["true"] = pc.sum(col.cast(pa.int64())).as_py()
        elif pa.types.is_integer(t):
            f["sum"] = pc.sum(col.cast(pa.int64())).as_py()
            f["min"], f["max"] = pc.min(col).as_py(), pc.max(col).as_py()
        elif pa.types.is_floating(t):
            f["sum"] = round(pc.sum(col).as_py(), 2)
        elif pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
            counts = pc.value_counts(col.cast(pa.string()))
            f["counts"] = sorted((d["values"], d["counts"]) for d in counts.to_pylist())
        facts[name] = f
    return facts


def check_arrow(ours, theirs) -> None:
    a, b = arrow_fingerprint(ours), arrow_fingerprint(theirs)
    for key in sorted(set(a) | set(b)):
        fa, fb = a.get(key), b.get(key)
        if isinstance(fa, dict) and isinstance(fb, dict) and "sum" in fa and isinstance(fa["sum"], float):
            if fa["nulls"] == fb["nulls"] and math.isclose(fa["sum"], fb["sum"], rel_tol=1e-9):
                continue
        if fa != fb:
            sys.exit(f"bench: all rows as Arrow: column {key!r} differs: SwiftLake {fa} vs delta-rs {fb}")


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

def interleave(pair: list[tuple[str, callable]], warmup: int, reps: int, deadline: float) -> dict[str, list[float]]:
    """Warm-up runs, then `reps` rounds alternating which of the two goes first."""
    for _ in range(warmup):
        for _, fn in pair:
            fn()
    times: dict[str, list[float]] = {label: [] for label, _ in pair}
    for rep in range(reps):
        order = pair if rep % 2 == 0 else list(reversed(pair))
        for label, fn in order:
            times[label].append(fn())
        if time.monotonic() > deadline and rep + 1 >= 3:
            log(f"--max-seconds reached after {rep + 1} repetitions")
            break
    return times


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "n": len(values)}


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

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


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if seconds >= 0.01 else f"{seconds * 1000:.2f}"


def results_table(results: dict) -> str:
    lines = ["| measurement | SwiftLake median (ms) | SwiftLake min (ms) | delta-rs median (ms) | delta-rs min (ms) "
             "| ratio SwiftLake/delta-rs (medians) | ratio (minimums) | reps |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in results["rows"]:
        s, d = row["swiftlake"], row["deltars"]
        lines.append(f"| {row['label']} | {ms(s['median'])} | {ms(s['min'])} | {ms(d['median'])} | {ms(d['min'])} "
                     f"| **{s['median'] / d['median']:.2f}×** | {s['min'] / d['min']:.2f}× | {s['n']} |")
    return "\n".join(lines)


def extra_table(results: dict) -> str:
    extra = results.get("rest_snapshot") or []
    phases = results.get("phases") or []
    out = []
    if extra:
        out += ["REST `POST /api/delta/detail` for the same versions (extra information; end to end through "
                "HTTP and JSON, not comparable with the cold rows above):", "",
                "| version | first call: server builds the snapshot (ms) | warm: from the server's snapshot cache, median (ms) | warm min (ms) |",
                "|---|---:|---:|---:|"]
        for e in extra:
            out.append(f"| {e['label']} | {ms(e['first'])} | {ms(e['warm']['median'])} | {ms(e['warm']['min'])} |")
        out.append("")
    if phases:
        out += ["Where SwiftLake's cold snapshot time goes (one instrumented load per version, after the timed ones):", "",
                "| version | total (ms) | list `_delta_log/` + pick segment (ms) | checkpoint Parquet via DuckDB (ms) "
                "| actions in checkpoint | JSON commits + replay (ms) | commits after checkpoint | active files |",
                "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for p in phases:
            out.append(f"| {p['label']} | {p['ms']:.1f} | {p['list_ms']:.1f} | {p['checkpoint_ms']:.1f} "
                       f"| {p['checkpoint_actions']:,} | {p['replay_ms']:.1f} | {p['commits']} | {p['files']:,} |")
        out.append("")
    return "\n".join(out)


DOC_METHOD = """\
### What is measured

`bench/delta_read.py` (run it with `make bench-delta`) compares SwiftLake's
Delta reader with delta-rs (`deltalake` 1.6.6, Python), side by side in one
run. Every number is a ratio SwiftLake/delta-rs: below 1 SwiftLake is faster.

- **Data** (written once by delta-rs itself, cached under
  `${XDG_CACHE_HOME:-~/.cache}/swiftlake/bench/delta-*/`; a rerun reuses it):
  - a table of **10,000 commits**: a create and 9,999 `write_deltalake(...,
    mode="append")` calls of 10 rows each, with `delta.checkpointInterval =
    100`, and delta-rs's `create_checkpoint()` after every 100th commit (the
    versions its own post-commit hook picks: 99, 199, …, 9999; the hook itself
    is off because it also lists the whole log on every commit, which doubles
    the generation time; the writer reopens the table after each checkpoint,
    because a `DeltaTable` object that follows many commits gets slower with
    each one). The log holds 10,000 JSON commits and 100 classic checkpoints;
    version *v* has *v*+1 active files.
  - a table of **10,000,000 rows** in 10 data files (10 appends), columns
    `id BIGINT, ts TIMESTAMP, category STRING (8 values), amount DOUBLE,
    quantity INT, flag BOOLEAN`.
- **Snapshot load, cold** (latest version and older ones): each repetition
  starts from nothing but the open process.
  - delta-rs: `DeltaTable(path, version=v)` (a new object: lists the log,
    reads the checkpoint and the commits after it, loads the file list), then
    `.version()` and `len(.file_uris())`.
  - SwiftLake: `bench/Sources/swiftlake-bench`, a Swift program that links the
    `DeltaLake` and `SwiftLake` modules and times
    `DeltaTable(store:location:checkpointReader:).snapshot(version:)`, a new
    table each time, with the production `DuckDBCheckpointReader` (checkpoint
    Parquet read by DuckDB, then turned into actions). It includes listing
    `_delta_log/`, the checkpoint read, the JSON commits after it and log
    replay into the active file list. The DuckDB engine is opened once at start
    (as in a running server) and is not timed. The server's snapshot cache is
    not involved.
  - Both are timed in-process (Python `perf_counter` around the delta-rs calls;
    Swift `ContinuousClock` inside the Swift program, which answers commands on
    stdin so the two sides' repetitions interleave).
  - Extra, not a like-for-like comparison: the REST server's
    `POST /api/delta/detail` for the same versions: the first call (the server
    builds the snapshot) and warm calls (served from its per-version snapshot
    cache; for the latest version it still lists `_delta_log/` to learn which
    version is the latest).
- **Full read of 10M rows**, through the REST server
  (`swiftlake serve --host 127.0.0.1 --threads N --max-rows 10000000`) over one
  keep-alive connection, end to end as a client sees it; delta-rs in-process
  with one `DeltaTable` opened before timing (the server likewise keeps its
  snapshot cached):
  - *aggregate*: the same SQL (`GROUP BY category` with count, sums, min/max of
    id and ts, a conditional count) through `POST /api/delta/read` with `sql`
    (DuckDB) vs `QueryBuilder().register("t", dt).execute(sql).read_all()`
    (DataFusion);
  - *all rows as Arrow (REST)*: `POST /api/delta/read` with `SELECT * FROM t`,
    `"format": "arrow"`, the IPC stream decoded by pyarrow as it arrives
    (`pa.ipc.open_stream(response).read_all()` on the `http.client` response,
    as a streaming client reads it) into a `pyarrow.Table`, vs
    `dt.to_pyarrow_table()`. SwiftLake's side includes the HTTP transfer of the
    stream over loopback (376 MB) and its decoding by pyarrow, in a client
    process that shares the two cores with the server; delta-rs's does not
    (its table is built in-process). Not like for like: the next row is.
  - *all rows as Arrow, in-process* (like for like): `swiftlake-bench` calls
    `Lakehouse.deltaRead` (`SELECT * FROM t`, snapshot cached) and encodes the
    rows exactly as the REST server does (`ArrowIPCEncoder.encodeMessages`,
    record batches of 128K rows), each record batch written into its own
    memory, all kept until the end (as a `pyarrow.Table` holds its batches);
    nothing is sent. vs `dt.to_pyarrow_table()`. Before timing, that stream is
    written to a file once and read by pyarrow, and checked against delta-rs's
    table like the REST stream.
- **Fairness**: same files, same machine, same run; DuckDB threads = cores
  (`--threads`), delta-rs's runtime uses every core by default. Warm-up runs
  first (page cache, allocators, DuckDB engine), then repetitions interleaved,
  the order alternating, so drift hits both sides alike. Medians and minimums
  are reported; the ratio of minimums is less sensitive to other work on the
  machine. Before timing, the answers are compared: same version and the same
  set of active file paths for every snapshot, the same aggregate rows, the
  same row count and per-column sums/counts for both Arrow reads. A mismatch
  stops the run.
- **Bounds**: loopback only (127.0.0.1); the server and the Swift program are
  stopped at the end; each part stops repeating after `--max-seconds`.
"""


# The analysis under this heading is prose written by hand in docs/BENCHMARKS.md: a re-run
# keeps it (bench_docs.write_section) and replaces only the measurements.
ANALYSIS_HEADING = "### Where SwiftLake is slower, and why"


def short_label(label: str) -> str:
    """'snapshot, cold: version 5,000: …' -> 'snapshot 5,000'; 'full read, aggregate …' -> 'aggregate'."""
    if label.startswith("snapshot, cold: version "):
        rest = label[len("snapshot, cold: version "):].split(":")[0]
        return "snapshot " + rest
    if "aggregate" in label:
        return "aggregate, 10M rows" if "10,000,000" in label else "aggregate"
    if "Arrow" in label:
        return "all rows as Arrow, in-process" if "in-process" in label else "all rows as Arrow (REST)"
    return label


def other_runs_table(results: dict, others: list[dict]) -> str:
    labels = [row["label"] for row in results["rows"]]
    out = ["Every run kept for this section, same program and data (ratios SwiftLake/delta-rs of the medians; "
           "the higher the load, the noisier):", "",
           "| run | load (1 min) start/end | " + " | ".join(map(short_label, labels)) + " |",
           "|---|---|" + "---:|" * len(labels)]
    for run in [results] + others:
        by_label = {row["label"]: row for row in run["rows"]}
        cells = []
        for label in labels:
            row = by_label.get(label)
            cells.append(f"{row['swiftlake']['median'] / row['deltars']['median']:.2f}×" if row else "n/a")
        tag = " (the tables above)" if run is results else ""
        out.append(f"| {run['machine']['date']}{tag} | {run['loadavg_1min']['start']}/{run['loadavg_1min']['end']} | "
                   + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def section_markdown(results: dict, others: list[dict] | None = None) -> str:
    m = results["machine"]
    parts = [SECTION, "", DOC_METHOD, "### Results", ""]
    gen = results["data"]
    parts.append(
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}; "
        f"commit `{m['commit']}`. delta-rs: deltalake {results['deltalake_version']} (pyarrow "
        f"{results['pyarrow_version']}); SwiftLake: DuckDB threads {results['threads']}. "
        f"Warm-up {results['warmup']} per side. Answers identical on both sides: checked. "
        f"Load average (1 min) at start/end: {results['loadavg_1min']['start']}/{results['loadavg_1min']['end']}.")
    parts.append("")
    notes = []
    if "commits" in gen:
        c = gen["commits"]
        notes.append(f"the 10,000-commit table ({c['commits']:,} commits, {c['checkpoints']} checkpoints) took "
                     f"{c['seconds']:.0f} s to write with {c['writer']}")
    if "rows" in gen:
        r = gen["rows"]
        notes.append(f"the {r['rows']:,}-row table ({r['files']} files, {r['bytes'] / 1e6:.0f} MB) took "
                     f"{r['seconds']:.0f} s")
    if notes:
        parts += ["Data generation (once, then cached): " + "; ".join(notes) + ".", ""]
    if results["loadavg_1min"]["start"] > (m["cores"] or 1) / 2:
        parts += ["**The machine was busy with other work when this run started (load average above half the "
                  "cores), so these numbers are noisy; re-run on a quiet machine.**", ""]
    parts += [results_table(results), ""]
    extra = extra_table(results)
    if extra:
        parts += [extra]
    if others:
        parts += [other_runs_table(results, others)]
    parts += ["Re-run with `make bench-delta`; raw timings are saved under `bench/results/` (not committed).", ""]
    return "\n".join(parts)


def write_section(path: Path, text: str) -> None:
    """Replaces this program's section of `path`, keeping its hand-written analysis."""
    bench_docs.write_section(path, SECTION, text, analysis_heading=ANALYSIS_HEADING, log=log)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def parse_versions(text: str, latest: int) -> list[int | None]:
    out: list[int | None] = []
    for word in text.split(","):
        word = word.strip()
        if word == "latest":
            out.append(None)
        else:
            v = int(word)
            if not 0 <= v <= latest:
                sys.exit(f"bench: version {v} is outside 0…{latest}")
            out.append(v)
    return out


def version_label(v: int | None, latest: int, interval: int) -> str:
    vv = latest if v is None else v
    ckpt = ((vv + 1) // interval) * interval - 1
    after = vv - ckpt if ckpt >= 0 else vv + 1
    base = f"version {vv:,}" + (" (latest)" if v is None else "")
    where = f"checkpoint {ckpt:,} + {after} commit{'s' if after != 1 else ''}" if ckpt >= 0 else f"{after} commits"
    return f"{base}: {where}, {vv + 1:,} files"


def main() -> None:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "swiftlake" / "bench"
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", type=Path, default=REPO / ".build/release/swiftlake",
                   help="the swiftlake release binary, for the REST server (default: %(default)s)")
    p.add_argument("--bench-binary", type=Path, default=None,
                   help="the swiftlake-bench release binary (default: next to --binary)")
    p.add_argument("--cache-dir", type=Path, default=cache, help="where the tables are cached (default: %(default)s)")
    p.add_argument("--commits", type=int, default=10_000, help="commits in the snapshot table (default: 10000)")
    p.add_argument("--checkpoint-interval", type=int, default=100, help="delta.checkpointInterval (default: 100)")
    p.add_argument("--rows", type=int, default=10_000_000, help="rows in the full-read table (default: 10000000)")
    p.add_argument("--files", type=int, default=10, help="data files in the full-read table (default: 10)")
    p.add_argument("--versions", default="latest,5000,150",
                   help="snapshot versions to load, comma-separated, 'latest' allowed (default: %(default)s)")
    p.add_argument("--only", choices=["snapshot", "read"], help="run one part only")
    p.add_argument("--warmup", type=int, default=2, help="warm-up runs per side and measurement (default: 2)")
    p.add_argument("--reps", type=int, default=10, help="timed repetitions for snapshots (default: 10)")
    p.add_argument("--read-reps", type=int, default=5, help="timed repetitions for the full reads (default: 5)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="DuckDB threads (default: cores)")
    p.add_argument("--max-seconds", type=float, default=300, help="stop repeating a measurement after this long (default: 300)")
    p.add_argument("--start-timeout", type=float, default=60, help="seconds to wait for the server (default: 60)")
    p.add_argument("--results-dir", type=Path, default=REPO / "bench/results")
    p.add_argument("--write-docs", type=Path, help="replace (or append) the section in this Markdown file")
    p.add_argument("--generate-only", action="store_true", help="make (or reuse) the tables and stop")
    p.add_argument("--docs-from", type=Path, nargs="+", metavar="RESULTS_JSON",
                   help="measure nothing: write the --write-docs section from saved bench/results/delta_read-*.json "
                        "files; the first gives the tables, the others a summary of their ratios")
    a = p.parse_args()
    if a.docs_from:
        if not a.write_docs:
            p.error("--docs-from needs --write-docs")
        runs = [json.loads(f.read_text()) for f in a.docs_from]
        write_section(a.write_docs, section_markdown(runs[0], runs[1:]))
        return
    if a.reps < 1 or a.read_reps < 1 or a.warmup < 0:
        p.error("--reps and --read-reps must be >= 1, --warmup >= 0")
    if a.commits < 2 or a.checkpoint_interval < 1:
        p.error("--commits must be >= 2 and --checkpoint-interval >= 1")
    bench_binary = a.bench_binary or a.binary.parent / "swiftlake-bench"

    import deltalake
    import pyarrow as pa
    from deltalake import DeltaTable

    data: dict = {}
    if a.only in (None, "snapshot"):
        commits_path, data["commits"] = ensure_commits_table(a.cache_dir, a.commits, a.checkpoint_interval)
    if a.only in (None, "read"):
        rows_path, data["rows"] = ensure_rows_table(a.cache_dir, a.rows, a.files)
    if a.generate_only:
        return
    for b in [bench_binary, a.binary]:
        if not b.exists():
            sys.exit(f"bench: {b} does not exist; build it with `make bench-delta` or "
                     "`scripts/swift.sh build -c release` (see bench/README.md)")

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    cores = os.cpu_count() or 1
    load_start = os.getloadavg()[0]
    if load_start > cores / 2:
        log(f"warning: load average {load_start:.2f} on {cores} cores: other work is running, "
            "so the timings will be noisy; they are reported with the load")

    rows_out: list[dict] = []
    rest_snapshot: list[dict] = []
    phases: list[dict] = []
    swift = server = rest = None
    try:
        root = a.cache_dir.resolve()
        server = Server(a.binary.resolve(), root, a.threads, max(a.rows, 1_000_000),
                        a.results_dir / f"delta-server-{stamp}.log", a.start_timeout)
        rest = Rest(server.port, timeout=max(600.0, a.max_seconds))

        if a.only in (None, "snapshot"):
            info = data["commits"]
            latest = info["latest_version"]
            versions = parse_versions(a.versions, latest)
            swift = SwiftBench(bench_binary.resolve(), a.threads)
            for v in versions:
                label = version_label(v, latest, a.checkpoint_interval)
                # Correctness first: the same version and the same active files.
                ours = swift.call("files", str(commits_path), "latest" if v is None else str(v))
                theirs = DeltaTable(str(commits_path), version=v)
                their_files = sorted(theirs.get_add_actions(flatten=True).column("path").to_pylist())
                if ours["version"] != theirs.version() or ours["files"] != their_files:
                    sys.exit(f"bench: {label}: SwiftLake has version {ours['version']} with {len(ours['files'])} "
                             f"files, delta-rs version {theirs.version()} with {len(their_files)}")
                log(f"{label}: version and {len(their_files):,} active files identical on both sides")
                # REST, extra: the first call builds the snapshot in the server.
                first_s, detail = rest_detail(rest, commits_path, v)
                if detail["version"] != ours["version"] or detail["files"] != len(their_files):
                    sys.exit(f"bench: {label}: REST detail says version {detail['version']}, {detail['files']} files")

                times = interleave([("swiftlake", lambda: swift_snapshot(swift, commits_path, v)[0]),
                                    ("deltars", lambda: deltars_snapshot(commits_path, v)[0])],
                                   a.warmup, a.reps, time.monotonic() + a.max_seconds)
                rows_out.append({"label": f"snapshot, cold: {label}", "swiftlake": stats(times["swiftlake"]),
                                 "deltars": stats(times["deltars"]), "raw": times})
                log(f"{label}: SwiftLake {statistics.median(times['swiftlake']) * 1000:.1f} ms, "
                    f"delta-rs {statistics.median(times['deltars']) * 1000:.1f} ms (medians)")
                warm = [rest_detail(rest, commits_path, v)[0] for _ in range(a.reps)]
                rest_snapshot.append({"label": label, "first": first_s, "warm": stats(warm), "raw": warm})
                ph = swift.call("phases", str(commits_path), "latest" if v is None else str(v))
                phases.append({"label": label, **ph})

        if a.only in (None, "read"):
            info = data["rows"]
            table = DeltaTable(str(rows_path))
            # Correctness first.
            _, ours = rest_aggregate(rest, rows_path)
            _, theirs = deltars_aggregate(table)
            check_rows("aggregate", ours, theirs)
            log(f"aggregate: {len(ours)} rows, identical on both sides")
            deadline = time.monotonic() + a.max_seconds
            times = interleave([("swiftlake", lambda: rest_aggregate(rest, rows_path)[0]),
                                ("deltars", lambda: deltars_aggregate(table)[0])],
                               a.warmup, a.read_reps * 2, deadline)
            rows_out.append({"label": f"full read, aggregate over {info['rows']:,} rows (REST SQL vs QueryBuilder)",
                             "swiftlake": stats(times["swiftlake"]), "deltars": stats(times["deltars"]), "raw": times})

            _, ours_t = rest_arrow(rest, rows_path, info["rows"])
            _, theirs_t = deltars_arrow(table)
            if ours_t.num_rows != info["rows"]:
                sys.exit(f"bench: all rows as Arrow: SwiftLake returned {ours_t.num_rows:,} rows, not {info['rows']:,}")
            check_arrow(ours_t, theirs_t)
            log(f"all rows as Arrow: {ours_t.num_rows:,} rows, same per-column facts on both sides")
            del ours_t, theirs_t
            times = interleave([("swiftlake", lambda: rest_arrow(rest, rows_path, info["rows"])[0]),
                                ("deltars", lambda: deltars_arrow(table)[0])],
                               min(a.warmup, 1), a.read_reps, time.monotonic() + a.max_seconds)
            rows_out.append({"label": f"full read, all {info['rows']:,} rows as Arrow (REST arrow vs to_pyarrow_table)",
                             "swiftlake": stats(times["swiftlake"]), "deltars": stats(times["deltars"]), "raw": times})

            # Like for like: both in-process, no HTTP. SwiftLake's stream is checked as REST's was.
            if swift is None:
                swift = SwiftBench(bench_binary.resolve(), a.threads)
            stream_file = a.results_dir / f"delta-arrow-{stamp}.arrows"
            a.results_dir.mkdir(parents=True, exist_ok=True)
            _, doc = swift_arrow(swift, rows_path, info["rows"], stream_file)
            with pa.memory_map(str(stream_file)) as source:
                ours_t = pa.ipc.open_stream(source).read_all()
            theirs_t = deltars_arrow(table)[1]
            if ours_t.num_rows != info["rows"]:
                sys.exit(f"bench: all rows as Arrow in-process: SwiftLake made {ours_t.num_rows:,} rows, not {info['rows']:,}")
            check_arrow(ours_t, theirs_t)
            del ours_t, theirs_t
            stream_file.unlink()
            log(f"all rows as Arrow in-process: {doc['rows']:,} rows in {doc['batches']} record batches, "
                f"same per-column facts on both sides")
            times = interleave([("swiftlake", lambda: swift_arrow(swift, rows_path, info["rows"])[0]),
                                ("deltars", lambda: deltars_arrow(table)[0])],
                               min(a.warmup, 1), a.read_reps, time.monotonic() + a.max_seconds)
            rows_out.append({"label": f"full read, all {info['rows']:,} rows as Arrow, in-process "
                                      f"(library → Arrow record batches in memory vs to_pyarrow_table)",
                             "swiftlake": stats(times["swiftlake"]), "deltars": stats(times["deltars"]), "raw": times})
    finally:
        if swift:
            swift.close()
        if rest:
            rest.close()
        if server:
            server.stop()

    results = {
        "machine": machine_info(),
        "loadavg_1min": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)},
        "deltalake_version": deltalake.__version__,
        "pyarrow_version": pa.__version__,
        "threads": a.threads,
        "warmup": a.warmup,
        "data": data,
        "rows": rows_out,
        "rest_snapshot": rest_snapshot,
        "phases": phases,
    }
    print()
    print(results_table(results))
    print()
    print(extra_table(results))
    a.results_dir.mkdir(parents=True, exist_ok=True)
    raw = a.results_dir / f"delta_read-{stamp}.json"
    raw.write_text(json.dumps(results, indent=2, default=str))
    log(f"raw timings: {raw}")
    if a.write_docs:
        write_section(a.write_docs, section_markdown(results))


if __name__ == "__main__":
    main()
