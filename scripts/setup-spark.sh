#!/usr/bin/env bash
# Installs what a local Spark Connect server needs, for the SparkConnect tests and
# `make spark-up`: the `pyspark==4.3.0` Python package (it ships Spark itself, the
# Spark Connect server jar and sbin/start-connect-server.sh) and a Java 17+ runtime.
# Idempotent: what is there is checked, not installed again (well under a second).
#
#   scripts/setup-spark.sh            install what is missing; print SPARK_HOME
#   scripts/setup-spark.sh --status   say what is missing, install nothing (exit 1 if any)
#
# pyspark comes as an sdist of about 450 MB. scripts/generate-spark-connect.sh keeps
# one in ${XDG_CACHE_HOME:-~/.cache}/swiftlake/spark-connect/pip/; when it is there it
# is installed from that file, otherwise pip downloads it (and keeps it there too).
# Java: Debian's openjdk-17-jre-headless when no `java` of version 17 or later is found.
set -euo pipefail

PYSPARK_VERSION="${PYSPARK_VERSION:-4.3.0}"
PYTHON="${SWIFTLAKE_PYTHON:-python3}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/swiftlake/spark-connect/pip/pyspark-$PYSPARK_VERSION"
log() { echo "setup-spark: $*" >&2; }
status_only=false
[[ "${1:-}" == "--status" ]] && status_only=true

# The installed pyspark's directory (its SPARK_HOME), when it is the pinned version.
spark_home() {
  "$PYTHON" - "$PYSPARK_VERSION" <<'PY' 2>/dev/null
import sys, os
from importlib import metadata
if metadata.version("pyspark") != sys.argv[1]:
    sys.exit(1)
import pyspark
home = os.path.dirname(pyspark.__file__)
if not os.path.exists(os.path.join(home, "sbin", "start-connect-server.sh")):
    sys.exit(1)
print(home)
PY
}

# The major version of `java` on PATH (or $JAVA_HOME/bin/java), or nothing.
java_major() {
  local java="java"
  [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && java="$JAVA_HOME/bin/java"
  command -v "$java" >/dev/null 2>&1 || return 0
  "$java" -version 2>&1 | sed -nE '1s/.*version "([0-9]+)(\.[0-9]+)*.*/\1/p'
}

missing=()
home="$(spark_home || true)"
[[ -n "$home" ]] || missing+=("pyspark==$PYSPARK_VERSION")
major="$(java_major)"
[[ -n "$major" && "$major" -ge 17 ]] || missing+=("java>=17")

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "$home"
  exit 0
fi
if $status_only; then
  log "missing: ${missing[*]}"
  exit 1
fi

if [[ " ${missing[*]} " == *" java>=17 "* ]]; then
  log "installing Java 17 (openjdk-17-jre-headless)"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless procps >/dev/null
fi

if [[ -z "$home" ]]; then
  mkdir -p "$cache"
  dist="$(find "$cache" -maxdepth 1 \( -name 'pyspark-*.tar.gz' -o -name 'pyspark-*.whl' \) | head -n 1)"
  if [[ -z "$dist" ]]; then
    log "downloading pyspark==$PYSPARK_VERSION (about 450 MB) into $cache"
    "$PYTHON" -m pip download --quiet --no-deps --dest "$cache" "pyspark==$PYSPARK_VERSION"
    dist="$(find "$cache" -maxdepth 1 \( -name 'pyspark-*.tar.gz' -o -name 'pyspark-*.whl' \) | head -n 1)"
  fi
  log "installing pyspark==$PYSPARK_VERSION from $dist (a few minutes)"
  pip_install() { "$PYTHON" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "$@"; }
  if ! out="$(pip_install "$dist" 2>&1)"; then
    if grep -q externally-managed-environment <<<"$out"; then
      pip_install --break-system-packages "$dist"
    else
      echo "$out" >&2
      log "pip install failed"
      exit 1
    fi
  fi
  home="$(spark_home || true)"
  [[ -n "$home" ]] || { log "pyspark installed but no sbin/start-connect-server.sh in it"; exit 1; }
fi
log "ready: SPARK_HOME $home, Java $(java_major)"
echo "$home"
