#!/usr/bin/env python3
"""SwiftLake's Spark Connect client vs PySpark's: result transfer and small-query latency.

What it answers: is our Swift Spark Connect client (the `SparkConnect` module) as fast as
PySpark's own Spark Connect client (`pyspark.sql.connect`, pyspark 4.3.0) when both talk to
the same local Spark Connect server and run the same queries? Everything is measured side by
side in one run and reported as ratios Swift/PySpark (below 1 means ours is faster).

One run does all of this:

1. Starts a local Spark Connect server with scripts/spark-server.sh (127.0.0.1 only, a state
   directory of this run's own, stopped at the end), or uses `--remote sc://…`.
2. Opens one session per client, kept for the whole run (as a service holds one):
   - Swift: `swiftlake-spark-bench` (bench/Sources/swiftlake-spark-bench), a child process
     holding one `SparkConnectClient`; it answers one command per line on stdin with one JSON
     line on stdout, so the two sides' repetitions interleave. It times itself in-process:
     `client.sql(q).collect()`, i.e. ExecutePlan, the streamed responses and every
     `arrow_batch` decoded into typed `ArrowColumn`s.
   - PySpark: `SparkSession.builder.remote(url)` and, in this process, the same plan our
     client sends (one ExecutePlan of a `Relation.sql`), fetched with the client's own
     `to_table` (the function behind `DataFrame.toArrow()`: it reads every `arrow_batch`
     with pyarrow's IPC reader and builds a `pyarrow.Table`). That is the like-for-like
     path: one request, the same server work, the result fully in Arrow memory on both
     sides. Also timed, as extra information: `spark.sql(q).toArrow()`, what a PySpark user
     writes; it makes three calls (an ExecutePlan of the SQL command, which for a query only
     returns the plan back, an AnalyzePlan for the schema, then the ExecutePlan).
3. Queries, generated on the server so its cost is the same for both:
   - transfer: 1,000,000 rows from `range(1000000)` with derived columns of the types
     BIGINT, DOUBLE, STRING (10% nulls), DECIMAL(18,2), TIMESTAMP, DATE, BOOLEAN;
   - latency: `SELECT 1` and a small aggregate (`GROUP BY` over 10,000 rows, 7 groups).
4. Checks before timing: the same rows for the small queries; for the 1M rows the same row
   count and, per column, the same null count and sum (integers, dates and timestamps as
   64-bit sums, decimals as exact sums of the unscaled values, doubles within 1e-9, strings
   as their total UTF-8 length, booleans as the count of true). A mismatch stops the run.
5. Warm-up, then interleaved repetitions, the order of the three timed paths rotated every
   round; medians and minimums; ratios of medians (and of minimums). Raw timings as JSON in bench/results/ (not
   committed); with --write-docs, the section "Spark Connect client vs PySpark" of
   docs/BENCHMARKS.md is replaced (or appended), nothing else in the file is touched.

Usage (from the repository root; `make bench-spark` builds and runs it):
    python3 bench/spark_client.py --write-docs docs/BENCHMARKS.md
    python3 bench/spark_client.py --remote sc://127.0.0.1:15002 --reps 5
    python3 bench/spark_client.py --docs-from bench/results/spark_client-A.json B.json --write-docs docs/BENCHMARKS.md
"""

from __future__ import annotations

import bench_docs
import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTION = "## Spark Connect client vs PySpark"

TRANSFER_ROWS = 1_000_000
TRANSFER_SQL = (
    "SELECT id, "
    "CAST(id AS DOUBLE) / 7 AS amount, "
    "CASE WHEN id % 10 = 0 THEN NULL ELSE concat('name-', CAST(id AS STRING)) END AS name, "
    "CAST(id * 0.01 AS DECIMAL(18, 2)) AS price, "
    "timestamp_micros(1700000000000000 + id * 1000003) AS ts, "
    "date_add(DATE '2000-01-01', CAST(id % 10000 AS INT)) AS day, "
    "id % 3 = 0 AS flag "
    "FROM range({rows})")
SELECT_ONE_SQL = "SELECT 1"
AGGREGATE_SQL = ("SELECT id % 7 AS k, count(*) AS n, sum(id) AS total, min(id) AS lo, max(id) AS hi "
                 "FROM range(10000) GROUP BY id % 7 ORDER BY k")


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# The two clients
# --------------------------------------------------------------------------

class SwiftClient:
    """bench/Sources/swiftlake-spark-bench as a child process, one command per line."""

    def __init__(self, binary: Path, remote: str):
        log(f"starting {binary} {remote}")
        self.proc = subprocess.Popen([str(binary), remote], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.cpu: list[float] = []  # CPU seconds of each `collect`, every thread of the process

    def call(self, command: str, sql: str) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"{command} {sql}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"bench: swiftlake-spark-bench exited ({self.proc.poll()}) on: {command} {sql}")
        doc = json.loads(line)
        if "error" in doc:
            sys.exit(f"bench: swiftlake-spark-bench: {command}: {doc['error']}")
        return doc

    def collect(self, sql: str) -> float:
        doc = self.call("collect", sql)
        self.cpu.append(doc["cpu_ms"] / 1000)
        return doc["ms"] / 1000

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=15)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


class PySparkClient:
    """One PySpark Spark Connect session in this process."""

    def __init__(self, remote: str):
        warnings.filterwarnings("ignore", category=FutureWarning)
        from pyspark.sql.connect.session import SparkSession
        import pyspark.sql.connect.proto as pb2
        self.pb2 = pb2
        self.spark = SparkSession.builder.remote(remote).getOrCreate()
        self.cpu: list[float] = []  # CPU seconds of each `collect`, every thread of this process

    def plan(self, sql: str):
        """The plan our client sends: a root `Relation` holding the SQL text."""
        pb2 = self.pb2
        return pb2.Plan(root=pb2.Relation(sql=pb2.SQL(query=sql)))

    def table(self, sql: str):
        table, _, _ = self.spark.client.to_table(self.plan(sql), {})
        return table

    def collect(self, sql: str) -> float:
        cpu = time.process_time()
        start = time.perf_counter()
        table = self.table(sql)
        elapsed = time.perf_counter() - start
        self.cpu.append(time.process_time() - cpu)
        del table
        return elapsed

    def to_arrow(self, sql: str) -> float:
        start = time.perf_counter()
        table = self.spark.sql(sql).toArrow()
        elapsed = time.perf_counter() - start
        del table
        return elapsed

    def close(self) -> None:
        self.spark.stop()


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------

def fingerprint(table) -> dict:
    """The per-column summary `swiftlake-spark-bench summary` computes, from a pyarrow Table."""
    import pyarrow as pa
    import pyarrow.compute as pc
    columns = []
    for name, col in zip(table.column_names, table.columns):
        t = col.type
        if pa.types.is_floating(t):
            total = pc.sum(col).as_py() or 0.0
        elif pa.types.is_decimal(t):
            s = pc.sum(col).as_py()
            total = str(int(s.scaleb(t.scale))) if s is not None else "0"
        elif pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t):
            total = str(pc.sum(pc.binary_length(col)).as_py() or 0)
        elif pa.types.is_boolean(t):
            total = str(pc.sum(col.cast(pa.int64())).as_py() or 0)
        elif pa.types.is_date32(t) or pa.types.is_time32(t):
            total = str(pc.sum(col.cast(pa.int32()).cast(pa.int64())).as_py() or 0)
        else:  # integers, timestamps, date64
            total = str(pc.sum(col.cast(pa.int64())).as_py() or 0)
        columns.append({"name": name, "type": str(t), "nulls": col.null_count, "sum": total})
    return {"rows": table.num_rows, "columns": columns}


def check_transfer(ours: dict, theirs: dict) -> None:
    problems = []
    if ours["rows"] != theirs["rows"]:
        problems.append(f"rows: ours {ours['rows']}, PySpark {theirs['rows']}")
    if [c["name"] for c in ours["columns"]] != [c["name"] for c in theirs["columns"]]:
        problems.append(f"columns: ours {[c['name'] for c in ours['columns']]}, "
                        f"PySpark {[c['name'] for c in theirs['columns']]}")
    for a, b in zip(ours["columns"], theirs["columns"]):
        if a["nulls"] != b["nulls"]:
            problems.append(f"{a['name']}: nulls ours {a['nulls']}, PySpark {b['nulls']}")
        same = (math.isclose(a["sum"], b["sum"], rel_tol=1e-9) if isinstance(b["sum"], float)
                else a["sum"] == b["sum"])
        if not same:
            problems.append(f"{a['name']}: sum ours {a['sum']}, PySpark {b['sum']}")
    if problems:
        sys.exit("bench: the 1M-row results differ: " + "; ".join(problems))
    log(f"transfer: {ours['rows']:,} rows identical on both sides (per-column null counts and sums: "
        + ", ".join(f"{a['name']} {a['type']}" for a in ours["columns"]) + ")")


def check_rows(name: str, ours: list[list], table) -> None:
    theirs = [list(r.values()) for r in table.to_pylist()]
    if ours != theirs:
        sys.exit(f"bench: {name}: ours {ours[:5]}…, PySpark {theirs[:5]}…")
    log(f"{name}: {len(ours)} rows identical on both sides")


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

def interleave(sides: list[tuple[str, callable]], warmup: int, reps: int, deadline: float) -> dict[str, list[float]]:
    """Warm-up runs, then `reps` rounds, the order rotated every round (a, b, c; b, c, a; c, a, b; …),
    so each side runs equally often first, in the middle and last, after each of the others."""
    for _ in range(warmup):
        for _, fn in sides:
            fn()
    times: dict[str, list[float]] = {label: [] for label, _ in sides}
    for rep in range(reps):
        k = rep % len(sides)
        order = sides[k:] + sides[:k]
        for label, fn in order:
            times[label].append(fn())
        if time.monotonic() > deadline and rep + 1 >= 3:
            log(f"--max-seconds reached after {rep + 1} repetitions")
            break
    return times


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "n": len(values)}


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------

class SparkServer:
    """scripts/spark-server.sh in a state directory of this run's own, stopped at the end."""

    def __init__(self, state_dir: Path):
        self.env = dict(os.environ, SWIFTLAKE_SPARK_DIR=str(state_dir), SPARK_LOCAL_IP="127.0.0.1")
        self.env.pop("SWIFTLAKE_SPARK_PORT", None)
        log(f"starting a Spark Connect server (scripts/spark-server.sh, state in {state_dir})")
        started = time.monotonic()
        out = subprocess.run([str(REPO / "scripts/spark-server.sh"), "start"], env=self.env,
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"bench: the Spark Connect server did not start:\n{out.stderr}")
        self.remote = out.stdout.strip().splitlines()[-1]
        log(f"server up at {self.remote} in {time.monotonic() - started:.0f} s")

    def stop(self) -> None:
        subprocess.run([str(REPO / "scripts/spark-server.sh"), "stop"], env=self.env)
        log("server stopped")


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

def machine_info(commit: str | None = None) -> dict:
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
    if commit is None:
        try:
            commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                                    capture_output=True, text=True, check=True).stdout.strip()
        except (subprocess.CalledProcessError, FileNotFoundError):
            commit = "unknown"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem_gib,
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "commit": commit, "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def ms(seconds: float) -> str:
    v = seconds * 1000
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


DOC_METHOD = """### What is measured

`bench/spark_client.py` (run it with `make bench-spark`) compares our Swift Spark Connect
client (the `SparkConnect` module) with PySpark's own Spark Connect client
(`pyspark.sql.connect` of the `pyspark` 4.3.0 package, the same code as the `pyspark-client`
distribution on PyPI; this bench uses the full `pyspark` package, which also ships the server,
plus the client's dependencies `grpcio`, `grpcio-status`, `googleapis-common-protos`,
`zstandard` and `pandas` < 3) on the same local Spark Connect server
(`scripts/spark-server.sh`, Spark 4.3.0, `local[2]`, 127.0.0.1), side by side in one run.
Every number is a ratio Swift/PySpark: below 1 ours is faster.

- **Same request, same server work**: each side holds one session for the whole run and sends
  one `ExecutePlan` whose plan is a `Relation.sql` holding the query text (what our
  `SparkConnectClient.sql(_:)` sends). The result is complete in client memory when the clock
  stops: Swift, `sql(q).collect()` (every `arrow_batch` decoded into typed `ArrowColumn`s: the
  values copied out of the gRPC message into Swift arrays, validity bitmaps kept), timed
  in-process by `swiftlake-spark-bench` (a child process driven over stdin/stdout); PySpark,
  its client's `to_table(plan)` (the function behind `DataFrame.toArrow()`: the same
  responses read with pyarrow's IPC reader, zero-copy over the message bytes, then one
  `pyarrow.Table`), timed in-process by the driver. Extra row, labelled: what a PySpark user
  writes, `spark.sql(q).toArrow()`, which makes three calls (an `ExecutePlan` of the SQL
  command, which for a query only sends the plan back; an `AnalyzePlan` for the schema; the
  `ExecutePlan` of the query).
- **Queries** (generated on the server, so its cost is the same for both):
  - *transfer*: 1,000,000 rows of `range(1000000)` with derived columns `id BIGINT`,
    `amount DOUBLE`, `name STRING` (10% nulls), `price DECIMAL(18,2)`, `ts TIMESTAMP`,
    `day DATE`, `flag BOOLEAN` (about 45 MB of Arrow in batches of at most 10,000 rows, Spark's
    `spark.sql.execution.arrow.maxRecordsPerBatch`);
  - *latency*: `SELECT 1`, and a small aggregate
    (`SELECT id % 7 AS k, count(*), sum(id), min(id), max(id) FROM range(10000) GROUP BY …
    ORDER BY k`).
- **Checks before timing**: the small queries' rows are equal on both sides; for the 1M rows,
  the row count and per column the null count and a sum (64-bit sums of integers, dates and
  timestamps; exact sums of the decimals' unscaled values; doubles within 1e-9; strings' total
  UTF-8 length; booleans' count of true) are equal. A mismatch stops the run.
- **Timing**: warm-up runs per side, then repetitions interleaved, the order of the three timed
  paths (Swift, PySpark `to_table`, PySpark `toArrow()`) rotated every round so that each runs
  equally often first, in the middle and last; medians and minimums. Both clients run on the
  same 2 cores as the server (Spark's JVM).
"""

# The analysis under this heading is prose written by hand in docs/BENCHMARKS.md: a re-run
# keeps it (bench_docs.write_section) and replaces only the measurements.
ANALYSIS_HEADING = "### Where the time goes"


def results_table(results: dict) -> str:
    lines = ["| measurement | Swift median (ms) | Swift min (ms) | PySpark median (ms) | PySpark min (ms) "
             "| ratio Swift/PySpark (medians) | ratio (minimums) | reps |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in results["rows"]:
        s, p = row["swift"], row["pyspark"]
        lines.append(f"| {row['label']} | {ms(s['median'])} | {ms(s['min'])} | {ms(p['median'])} | {ms(p['min'])} "
                     f"| **{s['median'] / p['median']:.2f}×** | {s['min'] / p['min']:.2f}× | {s['n']} |")
    return "\n".join(lines)


def extra_table(results: dict) -> str:
    extra = results.get("to_arrow") or []
    if not extra:
        return ""
    out = ["PySpark's public API for the same queries, `spark.sql(q).toArrow()` (extra information: three calls "
           "instead of one, timed in the same interleaved rounds as the rows above):", "",
           "| query | `spark.sql(q).toArrow()` median (ms) | min (ms) | ratio Swift/this (medians) |",
           "|---|---:|---:|---:|"]
    for e in extra:
        out.append(f"| {e['label']} | {ms(e['stats']['median'])} | {ms(e['stats']['min'])} "
                   f"| {e['swift_median'] / e['stats']['median']:.2f}× |")
    return "\n".join(out) + "\n"


def cpu_table(results: dict) -> str:
    rows = [r for r in results["rows"] if "cpu" in r]
    if not rows:
        return ""
    out = ["Client CPU time per query (extra information: CPU seconds of the client process, every thread, "
           "medians of the timed rounds above; the server's CPU is not included, and on 2 cores a client's CPU "
           "competes with the server's):", "",
           "| measurement | Swift CPU (ms) | PySpark CPU (ms) | ratio |", "|---|---:|---:|---:|"]
    for r in rows:
        s, p = r["cpu"]["swift"]["median"], r["cpu"]["pyspark"]["median"]
        out.append(f"| {short_label(r['label'])} | {ms(s)} | {ms(p)} | {s / p:.2f}× |" if p else
                   f"| {short_label(r['label'])} | {ms(s)} | {ms(p)} | n/a |")
    return "\n".join(out) + "\n"


def short_label(label: str) -> str:
    """'transfer: 1,000,000 rows …' -> 'transfer, 1,000,000 rows'; 'latency: `SELECT 1`' -> 'latency, `SELECT 1`'."""
    kind, rest = label.split(": ", 1)
    return f"{kind}, {rest.split(' × ')[0]}" if kind == "transfer" else f"{kind}, {rest.split(' (')[0]}"


def other_runs_table(results: dict, others: list[dict]) -> str:
    labels = [row["label"] for row in results["rows"]]
    out = ["Every run kept for this section, same program (ratios Swift/PySpark of the medians; the higher "
           "the load, the noisier):", "",
           "| run | commit | load (1 min) start/end | " + " | ".join(map(short_label, labels)) + " |",
           "|---|---|---|" + "---:|" * len(labels)]
    for run in [results] + others:
        by_label = {row["label"]: row for row in run["rows"]}
        cells = []
        for label in labels:
            row = by_label.get(label)
            cells.append(f"{row['swift']['median'] / row['pyspark']['median']:.2f}×" if row else "n/a")
        tag = " (the tables above)" if run is results else ""
        out.append(f"| {run['machine']['date']}{tag} | `{run['machine']['commit']}` | "
                   f"{run['loadavg_1min']['start']}/{run['loadavg_1min']['end']} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def section_markdown(results: dict, others: list[dict] | None = None) -> str:
    m = results["machine"]
    parts = [SECTION, "", DOC_METHOD, "### Results", ""]
    parts.append(
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}; "
        f"commit `{m['commit']}`. Server: Spark {results['spark_version']} (`local[2]`, driver memory 1g). "
        f"PySpark {results['pyspark_version']} (pyarrow {results['pyarrow_version']}, grpcio "
        f"{results['grpcio_version']}, Python {m['python']}); Swift: release build of `swiftlake-spark-bench`. "
        f"Warm-up {results['warmup']} per side and query. Answers identical on both sides: checked. "
        f"Load average (1 min) at start/end: {results['loadavg_1min']['start']}/{results['loadavg_1min']['end']}.")
    parts.append("")
    if results["loadavg_1min"]["start"] > (m["cores"] or 1) / 2:
        parts += ["**The machine was busy with other work when this run started (load average above half the "
                  "cores), so these numbers are noisy; re-run on a quiet machine.**", ""]
    parts += [results_table(results), ""]
    for extra in (extra_table(results), cpu_table(results)):
        if extra:
            parts += [extra]
    if others:
        parts += [other_runs_table(results, others)]
    parts += ["Re-run with `make bench-spark`; raw timings are saved under `bench/results/` (not committed).", ""]
    return "\n".join(parts)


def write_section(path: Path, text: str) -> None:
    """Replaces this program's section of `path`, keeping its hand-written analysis."""
    bench_docs.write_section(path, SECTION, text, analysis_heading=ANALYSIS_HEADING, log=log)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", type=Path, default=REPO / ".build/release/swiftlake-spark-bench",
                   help="the swiftlake-spark-bench release binary (default: %(default)s)")
    p.add_argument("--remote", help="use this running server (sc://127.0.0.1:PORT) instead of starting one")
    p.add_argument("--rows", type=int, default=TRANSFER_ROWS, help="rows of the transfer query (default: %(default)s)")
    p.add_argument("--warmup", type=int, default=2, help="warm-up runs per side for the transfer (default: 2)")
    p.add_argument("--reps", type=int, default=10, help="timed repetitions of the transfer (default: 10)")
    p.add_argument("--latency-warmup", type=int, default=20, help="warm-up runs per side per small query (default: 20)")
    p.add_argument("--latency-reps", type=int, default=200, help="timed repetitions per small query (default: 200)")
    p.add_argument("--max-seconds", type=float, default=300, help="stop repeating a measurement after this long (default: 300)")
    p.add_argument("--commit", help="the commit to report (default: `git describe` of this checkout)")
    p.add_argument("--results-dir", type=Path, default=REPO / "bench/results")
    p.add_argument("--write-docs", type=Path, help="replace (or append) the section in this Markdown file")
    p.add_argument("--docs-from", type=Path, nargs="+", metavar="RESULTS_JSON",
                   help="measure nothing: write the --write-docs section from saved bench/results/spark_client-*.json "
                        "files; the first gives the tables, the others a summary of their ratios")
    a = p.parse_args()
    if a.docs_from:
        if not a.write_docs:
            p.error("--docs-from needs --write-docs")
        runs = [json.loads(f.read_text()) for f in a.docs_from]
        write_section(a.write_docs, section_markdown(runs[0], runs[1:]))
        return
    if a.reps < 1 or a.latency_reps < 1 or a.warmup < 0 or a.latency_warmup < 0:
        p.error("--reps and --latency-reps must be >= 1, the warm-ups >= 0")
    if not a.binary.exists():
        sys.exit(f"bench: {a.binary} does not exist; build it with `make bench-spark` or "
                 "`scripts/swift.sh build -c release --product swiftlake-spark-bench`")

    import grpc
    import pyarrow as pa
    import pyspark

    cores = os.cpu_count() or 1
    load_start = os.getloadavg()[0]
    if load_start > cores / 2:
        log(f"warning: load average {load_start:.2f} on {cores} cores: other work is running, "
            "so the timings will be noisy; they are reported with the load")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    transfer_sql = TRANSFER_SQL.format(rows=a.rows)
    server = swift = py = None
    state = None
    rows_out: list[dict] = []
    to_arrow: list[dict] = []
    try:
        remote = a.remote
        if not remote:
            state = Path(tempfile.mkdtemp(prefix="swiftlake-spark-bench-"))
            server = SparkServer(state)
            remote = server.remote
        swift = SwiftClient(a.binary.resolve(), remote)
        py = PySparkClient(remote)
        spark_version = py.spark.version

        # Correctness first.
        for name, sql in [("SELECT 1", SELECT_ONE_SQL), ("small aggregate", AGGREGATE_SQL)]:
            check_rows(name, swift.call("rows", sql)["rows"], py.table(sql))
        check_transfer(swift.call("summary", transfer_sql), fingerprint(py.table(transfer_sql)))

        deadline = lambda: time.monotonic() + a.max_seconds
        cases = [
            (f"transfer: {a.rows:,} rows × 7 columns (BIGINT, DOUBLE, STRING, DECIMAL, TIMESTAMP, DATE, BOOLEAN), "
             "decoded in full", transfer_sql, a.warmup, a.reps),
            ("latency: `SELECT 1`", SELECT_ONE_SQL, a.latency_warmup, a.latency_reps),
            ("latency: small aggregate (10,000 rows → 7 groups)", AGGREGATE_SQL, a.latency_warmup, a.latency_reps),
        ]
        for label, sql, warmup, reps in cases:
            log(f"timing {label.split(':')[0]}: {warmup} warm-up + {reps} repetitions per side")
            times = interleave([("swift", lambda: swift.collect(sql)),
                                ("pyspark", lambda: py.collect(sql)),
                                ("to_arrow", lambda: py.to_arrow(sql))],
                               warmup, reps, deadline())
            n = len(times["swift"])
            row = {"label": label, "sql": sql, "swift": stats(times["swift"]), "pyspark": stats(times["pyspark"]),
                   "cpu": {"swift": stats(swift.cpu[-n:]), "pyspark": stats(py.cpu[-n:])}, "raw": times}
            rows_out.append(row)
            to_arrow.append({"label": short_label(label),
                             "stats": stats(times["to_arrow"]), "swift_median": row["swift"]["median"]})
            log(f"{label.split(':')[0]}: Swift {row['swift']['median'] * 1000:.2f} ms, PySpark "
                f"{row['pyspark']['median'] * 1000:.2f} ms, toArrow {statistics.median(times['to_arrow']) * 1000:.2f} ms "
                f"(medians): {row['swift']['median'] / row['pyspark']['median']:.2f}×")
    finally:
        if swift:
            swift.close()
        if py:
            try:
                py.close()
            except Exception as e:  # noqa: BLE001 - best effort at the end
                log(f"closing the PySpark session: {e}")
        if server:
            server.stop()
        if state:
            shutil.rmtree(state, ignore_errors=True)

    results = {
        "machine": machine_info(a.commit), "spark_version": spark_version, "pyspark_version": pyspark.__version__,
        "pyarrow_version": pa.__version__, "grpcio_version": grpc.__version__, "warmup": a.warmup,
        "latency_warmup": a.latency_warmup,
        "loadavg_1min": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)},
        "rows": rows_out, "to_arrow": to_arrow,
    }
    a.results_dir.mkdir(parents=True, exist_ok=True)
    out = a.results_dir / f"spark_client-{stamp}.json"
    out.write_text(json.dumps(results, indent=2))
    log(f"raw timings in {out}")
    print(results_table(results))
    print()
    print(extra_table(results))
    print(cpu_table(results))
    if a.write_docs:
        write_section(a.write_docs, section_markdown(results))


if __name__ == "__main__":
    main()
