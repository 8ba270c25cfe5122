# SwiftLake: build, run, test and benchmark on a fresh machine.
#
#   make run     install what is missing, build (release), start the service on 127.0.0.1:8000
#   make test    install what is missing, build the tests (debug), run every test
#
# Every target installs what it needs and skips what is already there: the
# DuckDB build (about an hour the first time, then cached outside the clone by
# version), the Python oracles, the Swagger UI assets. Swift builds are
# incremental.
#
# The default goal is `help`, not `build`: on a fresh machine a bare `make`
# would otherwise start an hour-long DuckDB build that nobody asked for. `help`
# is instant and says which target does what.
.DEFAULT_GOAL := help

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

HOST ?= 127.0.0.1
PORT ?= 8000
ROOT ?= ./data
# A Spark Connect server for the Spark engine, e.g. make run SPARK=sc://127.0.0.1:15002 (after make spark-up)
SPARK ?=
# Extra arguments, e.g. make test TEST_ARGS="--filter DuckDBTests"
TEST_ARGS ?=
# e.g. make bench BENCH_ARGS="--reps 20"
BENCH_ARGS ?=
PYTHON ?= python3

SWIFT := scripts/swift.sh
BIN := .build/release/swiftlake

# Sets SWIFTLAKE_SWAGGER_UI_DIR (unless already set) when the assets are cached,
# so the server serves /docs/assets/… offline instead of from a CDN.
SWAGGER_ENV := if [[ -z "$${SWIFTLAKE_SWAGGER_UI_DIR:-}" ]] \
	&& d="$$(scripts/setup-swagger-ui.sh --status 2>/dev/null)"; then \
	export SWIFTLAKE_SWAGGER_UI_DIR="$$d"; fi

.PHONY: help deps build run test bench bench-delta bench-delta-write bench-spark clean spark-up spark-down

help: ## list the targets
	@echo "SwiftLake. Targets (each installs what it needs first):"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 16
	@echo
	@echo "Variables: HOST=$(HOST) PORT=$(PORT) ROOT=$(ROOT) SPARK=sc://… TEST_ARGS=… BENCH_ARGS=…"
	@echo "Plain swift with the DuckDB paths set: scripts/swift.sh build|test|run …"

deps: ## install/build what is missing: DuckDB (cached), Python oracles, Swagger UI
	@scripts/setup-duckdb.sh >/dev/null
	@scripts/setup-python.sh
	@scripts/setup-swagger-ui.sh >/dev/null

build: deps ## release build of the CLI/server: .build/release/swiftlake
	$(SWIFT) build -c release --product swiftlake

run: build ## start the service on HOST:PORT (127.0.0.1:8000) over ROOT (./data, sample data if missing); SPARK=sc://… adds the Spark engine
	@$(SWAGGER_ENV); \
	$(BIN) sample-data $(ROOT); \
	echo "SwiftLake on http://$(HOST):$(PORT) (docs: http://$(HOST):$(PORT)/docs), root $(ROOT)"; \
	exec $(BIN) serve --host $(HOST) --port $(PORT) --root $(ROOT) $(if $(SPARK),--spark $(SPARK),)

# SWIFTLAKE_TEST_FULL=1 tells tests that need external tools (Python oracles,
# the S3 server, Spark) that those must run, not skip. moto_server runs on
# 127.0.0.1 for the S3 tests (SWIFTLAKE_S3_ENDPOINT) and a Spark Connect server
# (scripts/setup-spark.sh installs pyspark and Java 17; ~1-2 GB of memory) for the
# Spark tests (SWIFTLAKE_SPARK_REMOTE), each in a state directory of this run's own,
# and both are stopped however the tests end. The Spark server is configured to read
# s3a:// from that moto_server itself (SWIFTLAKE_SPARK_S3_ENDPOINT; the S3A connector
# comes from scripts/setup-spark-s3a.sh, cached), as a cluster configured for S3 is.
# TMPDIR is a directory of this run's own too, removed at the end, so temporary
# tables of tests never pile up in /tmp.
test: deps ## build and run every test (debug); exit status is swift test's
	@scripts/setup-spark.sh >/dev/null
	@scripts/setup-spark-s3a.sh >/dev/null
	@export SWIFTLAKE_TEST_FULL=1; $(SWAGGER_ENV); \
	$(SWIFT) build --build-tests; \
	export TMPDIR="$$(mktemp -d -t swiftlake-test-run.XXXXXX)"; \
	export SWIFTLAKE_MOTO_DIR="$$TMPDIR/moto"; mkdir -p "$$SWIFTLAKE_MOTO_DIR"; \
	export SWIFTLAKE_SPARK_DIR="$$TMPDIR/spark"; mkdir -p "$$SWIFTLAKE_SPARK_DIR"; \
	trap 'scripts/moto-server.sh stop; scripts/spark-server.sh stop; rm -rf "$$TMPDIR"' EXIT; \
	SWIFTLAKE_S3_ENDPOINT="$$(scripts/moto-server.sh start)"; export SWIFTLAKE_S3_ENDPOINT; \
	export SWIFTLAKE_SPARK_S3_ENDPOINT="$$SWIFTLAKE_S3_ENDPOINT"; \
	SWIFTLAKE_SPARK_REMOTE="$$(scripts/spark-server.sh start)"; export SWIFTLAKE_SPARK_REMOTE; \
	$(SWIFT) test $(TEST_ARGS)

# A local Spark Connect server on 127.0.0.1:SPARK_PORT (Spark's default 15002), its state
# in $${TMPDIR:-/tmp}/swiftlake-spark-$$UID; prints the connection string (sc://…) to use.
# S3=http://127.0.0.1:PORT (an S3 endpoint on loopback) also lets it read s3a:// from there.
SPARK_PORT ?= 15002
S3 ?=
spark-up: ## start a local Spark Connect server (pyspark + Java 17) on 127.0.0.1:SPARK_PORT (15002); S3=http://… lets it read s3a://
	@scripts/setup-spark.sh >/dev/null
	@$(if $(S3),scripts/setup-spark-s3a.sh >/dev/null,true)
	@SWIFTLAKE_SPARK_PORT=$(SPARK_PORT) SWIFTLAKE_SPARK_S3_ENDPOINT=$(S3) scripts/spark-server.sh start

spark-down: ## stop the local Spark Connect server that spark-up started
	@scripts/spark-server.sh stop

bench: build ## REST vs direct DuckDB on TPC-H Q1/Q6 (SF1); writes docs/BENCHMARKS.md
	$(PYTHON) bench/parquet_query.py --binary $(BIN) --write-docs docs/BENCHMARKS.md $(BENCH_ARGS)

# Needs the data once (delta-rs writes it, a few minutes; cached). Rewrites only its own section.
bench-delta: build ## SwiftLake vs delta-rs: Delta snapshot loads and a 10M-row read; a section of docs/BENCHMARKS.md
	$(SWIFT) build -c release --product swiftlake-bench
	$(PYTHON) bench/delta_read.py --binary $(BIN) --write-docs docs/BENCHMARKS.md $(BENCH_ARGS)

bench-delta-write: build ## SwiftLake vs delta-rs: update, delete, MERGE and OPTIMIZE on a 10M-row table; a section of docs/BENCHMARKS.md
	$(PYTHON) bench/delta_write.py --binary $(BIN) --write-docs docs/BENCHMARKS.md $(BENCH_ARGS)

# Starts (and stops) its own Spark Connect server on 127.0.0.1. PySpark's Spark Connect client
# needs grpcio, grpcio-status, googleapis-common-protos, zstandard and pandas next to pyspark.
bench-spark: deps ## our Swift Spark Connect client vs PySpark's: 1M-row transfer, small-query latency; a section of docs/BENCHMARKS.md
	@scripts/setup-spark.sh >/dev/null
	@$(PYTHON) -c 'import grpc, grpc_status, google.rpc, zstandard, pandas' 2>/dev/null || \
		$(PYTHON) -m pip install --quiet --disable-pip-version-check 'grpcio>=1.76.0' 'grpcio-status>=1.76.0' \
		'googleapis-common-protos>=1.71.0' 'zstandard>=0.25.0' 'pandas>=2.2.0,<3'
	$(SWIFT) build -c release --product swiftlake-spark-bench
	$(PYTHON) bench/spark_client.py --binary .build/release/swiftlake-spark-bench --write-docs docs/BENCHMARKS.md $(BENCH_ARGS)

clean: ## remove .build and bench/results (keeps the DuckDB, Swagger UI and bench data caches)
	rm -rf .build bench/results
	@echo "Caches kept in $${XDG_CACHE_HOME:-$$HOME/.cache}/swiftlake (delete by hand to rebuild DuckDB, ~1 h)"
