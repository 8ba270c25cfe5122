#!/usr/bin/env bash
# Builds DuckDB from its official source distribution into a cache outside the
# clone, keyed by version, and prints the directory holding its pkg-config file.
#
#   scripts/setup-duckdb.sh            build (or reuse) and print the pkg-config dir
#   scripts/setup-duckdb.sh --status   say what is cached, build nothing
#
# The cache lives in ${XDG_CACHE_HOME:-~/.cache}/swiftlake/duckdb-<version>:
#   src/      the source tree (the sdist's external/duckdb)
#   build/    the CMake/Ninja build directory; kept, so an interrupted build resumes
#   prefix/   include/duckdb.h, lib/libduckdb.so, lib/pkgconfig/duckdb.pc
#   build.log the full compiler output
# A libduckdb already installed and visible to pkg-config (e.g. Homebrew's) at
# this version or newer is used instead and nothing is built.
set -euo pipefail

DUCKDB_VERSION="${DUCKDB_VERSION:-2.0.0}"
EXTENSIONS="parquet;json;icu;core_functions;tpch"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/swiftlake"
CACHE="$CACHE_ROOT/duckdb-$DUCKDB_VERSION"
PREFIX="$CACHE/prefix"
STAMP="$PREFIX/.complete"

log() { echo "setup-duckdb: $*" >&2; }

# An installed libduckdb that is new enough wins, unless it is our own cache.
if [[ "${SWIFTLAKE_BUILD_DUCKDB:-0}" != 1 ]] && command -v pkg-config >/dev/null \
   && pkg-config --exists "duckdb >= $DUCKDB_VERSION" 2>/dev/null; then
  dir="$(pkg-config --variable=pcfiledir duckdb)"
  if [[ "$dir" != "$PREFIX/lib/pkgconfig" ]]; then
    log "using installed libduckdb $(pkg-config --modversion duckdb) ($dir)"
    echo "$dir"
    exit 0
  fi
fi

if [[ -f "$STAMP" ]]; then
  log "using cached DuckDB $DUCKDB_VERSION ($PREFIX)"
  echo "$PREFIX/lib/pkgconfig"
  exit 0
fi

if [[ "${1:-}" == "--status" ]]; then
  log "DuckDB $DUCKDB_VERSION is not built yet (cache: $CACHE)"
  exit 1
fi

need() { command -v "$1" >/dev/null 2>&1; }
if ! need cmake || ! need ninja || ! need pkg-config; then
  log "installing cmake, ninja and pkg-config"
  if need apt-get; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq cmake ninja-build pkg-config >/dev/null
  else
    log "please install cmake, ninja and pkg-config"; exit 1
  fi
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  log "another build of DuckDB $DUCKDB_VERSION is running; waiting for it"
  flock 9
  if [[ -f "$STAMP" ]]; then echo "$PREFIX/lib/pkgconfig"; exit 0; fi
fi

if [[ ! -f "$CACHE/src/CMakeLists.txt" ]]; then
  log "fetching the DuckDB $DUCKDB_VERSION source distribution"
  dl="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps --no-binary duckdb "duckdb==$DUCKDB_VERSION" -d "$dl"
  tar -xzf "$dl"/duckdb-"$DUCKDB_VERSION".tar.gz -C "$dl"
  rm -rf "$CACHE/src.tmp"
  mv "$dl/duckdb-$DUCKDB_VERSION/external/duckdb" "$CACHE/src.tmp"
  mv "$CACHE/src.tmp" "$CACHE/src"
  rm -rf "$dl"
fi

# clang compiles DuckDB about 15% faster than gcc here; use it when present.
if [[ -z "${CC:-}" ]] && need clang && need clang++; then
  export CC=clang CXX=clang++
fi

if [[ ! -f "$CACHE/build/build.ninja" ]]; then
  log "configuring (CC=${CC:-cc}, extensions: $EXTENSIONS)"
  launcher=()
  need ccache && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$CACHE/src" -B "$CACHE/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DOVERRIDE_GIT_DESCRIBE="v$DUCKDB_VERSION" \
    -DDUCKDB_EXPLICIT_VERSION="v$DUCKDB_VERSION" \
    -DBUILD_EXTENSIONS="$EXTENSIONS" \
    -DLINK_CORE_EXTENSIONS=ON \
    -DBUILD_SHELL=OFF \
    -DBUILD_UNITTESTS=OFF \
    -DENABLE_UNITTEST_CPP_TESTS=OFF \
    -DBUILD_BENCHMARKS=OFF \
    -DENABLE_SANITIZER=OFF \
    -DENABLE_UBSAN=OFF \
    "${launcher[@]}" >"$CACHE/configure.log" 2>&1 \
    || { log "configure failed; see $CACHE/configure.log"; tail -30 "$CACHE/configure.log" >&2; exit 1; }
fi

jobs="${DUCKDB_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
log "building libduckdb with $jobs jobs (about an hour on 2 cores the first time; resumable). Log: $CACHE/build.log"
# Ninja prints "[n/N] ..." per step; show a line every 25 steps so long builds show progress.
set +e
ninja -C "$CACHE/build" -j "$jobs" duckdb 2>&1 | tee -a "$CACHE/build.log" \
  | awk '/^\[[0-9]+\/[0-9]+\]/ { split(substr($1,2), a, "/"); if (a[1] % 25 == 0 || a[1] == a[2]) { printf "setup-duckdb: [%s/%s] %s\n", a[1], a[2], $NF > "/dev/stderr"; fflush() } } /error:/ { print > "/dev/stderr" }'
status=${PIPESTATUS[0]}
set -e
if [[ $status -ne 0 ]]; then
  log "build failed (exit $status); see $CACHE/build.log. Re-running resumes where it stopped."
  exit 1
fi

log "installing into $PREFIX"
rm -rf "$PREFIX"
mkdir -p "$PREFIX/include" "$PREFIX/lib/pkgconfig"
cp "$CACHE/src/src/include/duckdb.h" "$PREFIX/include/"
lib="$(find "$CACHE/build/src" -maxdepth 1 -name 'libduckdb.so*' -type f | head -1)"
cp "$lib" "$PREFIX/lib/libduckdb.so"
cat >"$PREFIX/lib/pkgconfig/duckdb.pc" <<PC
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: duckdb
Description: DuckDB $DUCKDB_VERSION built from source for SwiftLake (extensions: ${EXTENSIONS//;/, })
Version: $DUCKDB_VERSION
Libs: -L\${libdir} -lduckdb
Cflags: -I\${includedir}
PC
touch "$STAMP"
log "DuckDB $DUCKDB_VERSION ready"
echo "$PREFIX/lib/pkgconfig"
