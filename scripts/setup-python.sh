#!/usr/bin/env bash
# Installs the Python packages that SwiftLake's tests and benchmarks use as
# oracles and helpers, into the python3 found on PATH. Each package is checked
# first and installed only when missing or at the wrong version, so a second run
# takes well under a second and needs no network.
#
#   scripts/setup-python.sh            install what is missing
#   scripts/setup-python.sh --status   say what is missing, install nothing (exit 1 if any)
#
# Tests find the same interpreter as `python3` (or $SWIFTLAKE_PYTHON, which
# this script honours too).
set -euo pipefail

# ---------------------------------------------------------------------------
# The packages. One pip requirement per line: `name==version` pins exactly,
# `name` takes whatever pip picks the first time and keeps it afterwards.
# Extend this list when a test or a benchmark needs another oracle.
REQUIREMENTS=(
  "duckdb==2.0.0"       # oracle for query results; same version as the embedded engine; bench baseline
  "pyarrow"             # reads/writes Parquet in tests, independently of DuckDB
  "deltalake==1.6.6"    # delta-rs, the Delta Lake interoperability oracle (DeltaLakeTests)
  "moto[server]>=5.1"  # moto_server, a local S3 endpoint for the ObjectStore tests (>=5.1: If-None-Match on PutObject)
  "pyroaring"           # decodes deletion vector bitmaps (portable RoaringBitmap) independently in the Delta DV tests
  # Added by later issues:
  # "pyspark==4.3.0"    # Spark Connect server for the Spark engine tests
)
# ---------------------------------------------------------------------------

PYTHON="${SWIFTLAKE_PYTHON:-python3}"
log() { echo "setup-python: $*" >&2; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  log "$PYTHON not found; installing python3 and pip from Debian"
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq python3 python3-pip python3-venv >/dev/null
  else
    log "please install python3 with pip"; exit 1
  fi
fi

# Prints the requirements that are not satisfied by what is installed.
# Uses pip's own vendored `packaging` when it is there (exact specifier and
# extras semantics); otherwise falls back to comparing `==` pins as text.
missing_requirements() {
  "$PYTHON" - "$@" <<'PY'
import sys
from importlib import metadata
try:
    from pip._vendor.packaging.requirements import Requirement
except Exception:  # pragma: no cover - very old or missing pip
    Requirement = None

for line in sys.argv[1:]:
    if Requirement is not None:
        req = Requirement(line)
        name, spec = req.name, req.specifier
    else:
        name, _, version = line.partition("==")
        name = name.split("[")[0]
        spec = None
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        print(line)
        continue
    if Requirement is not None:
        if spec and not spec.contains(have, prereleases=True):
            print(line)
    elif version and have != version:
        print(line)
PY
}

mapfile -t missing < <(missing_requirements "${REQUIREMENTS[@]}")

if [[ ${#missing[@]} -eq 0 ]]; then
  log "all present ($(printf '%s ' "${REQUIREMENTS[@]}"))"
  exit 0
fi

if [[ "${1:-}" == "--status" ]]; then
  log "missing: ${missing[*]}"
  exit 1
fi

if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
  log "pip is missing; bootstrapping it with ensurepip"
  "$PYTHON" -m ensurepip --upgrade >/dev/null 2>&1 || {
    log "could not bootstrap pip; install python3-pip"; exit 1; }
fi

log "installing ${missing[*]}"
# A Debian system python refuses pip installs (PEP 668) unless told otherwise;
# try the normal way first, then with --break-system-packages.
pip_install() { "$PYTHON" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "$@"; }
if ! out="$(pip_install "${missing[@]}" 2>&1)"; then
  if grep -q externally-managed-environment <<<"$out"; then
    log "system python is externally managed; retrying with --break-system-packages"
    pip_install --break-system-packages "${missing[@]}"
  else
    echo "$out" >&2
    log "pip install failed"
    exit 1
  fi
elif [[ -n "$out" ]]; then
  echo "$out" >&2
fi

mapfile -t still < <(missing_requirements "${REQUIREMENTS[@]}")
if [[ ${#still[@]} -ne 0 ]]; then
  log "still not satisfied after install: ${still[*]}"
  exit 1
fi
log "ready"
