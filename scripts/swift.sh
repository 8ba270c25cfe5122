#!/usr/bin/env bash
# Runs `swift` with what SwiftLake's CDuckDB system-library target needs:
#
#   scripts/swift.sh build [args…]     e.g. scripts/swift.sh build -c release --product swiftlake
#   scripts/swift.sh test  [args…]     e.g. scripts/swift.sh test --filter DuckDBTests
#   scripts/swift.sh run   [args…]     e.g. scripts/swift.sh run swiftlake serve --port 8000
#   scripts/swift.sh <other> [args…]   any other swift subcommand, with the environment only
#
# 1. PKG_CONFIG_PATH gets the directory of duckdb.pc that scripts/setup-duckdb.sh
#    prints (an installed libduckdb >= the pinned version, or our cached build;
#    the first build takes about an hour and is resumable).
# 2. build/test/run get `-Xlinker -rpath -Xlinker <libdir>` so the binaries
#    find libduckdb.so at run time without LD_LIBRARY_PATH. SwiftPM drops
#    `-Wl,-rpath,…` from a .pc file's Libs ("prohibited flag(s)"), so the
#    rpath cannot come from duckdb.pc and has to be passed here. The flags are
#    the same on every call, so build and test share one incremental build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -eq 0 ]]; then
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" >&2
  exit 2
fi

# Swift lives in /opt/swift on this project's machines; be kind when PATH lacks it.
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi

pcdir="$("$here/setup-duckdb.sh")"
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
libdir="$(pkg-config --variable=libdir duckdb)"

sub="$1"; shift
case "$sub" in
  build|test|run)
    exec swift "$sub" -Xlinker -rpath -Xlinker "$libdir" "$@" ;;
  *)
    exec swift "$sub" "$@" ;;
esac
