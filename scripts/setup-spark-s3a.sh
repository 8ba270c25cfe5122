#!/usr/bin/env bash
# Fetches the Hadoop S3A connector for the local Spark Connect server, so that Spark reads
# s3a:// itself (scripts/spark-server.sh with SWIFTLAKE_SPARK_S3_ENDPOINT): hadoop-aws and
# the AWS SDK bundle it is built against. Prints the two jars, comma-separated (Spark's
# --jars form). Idempotent: once the jars are cached this takes well under a second.
#
#   scripts/setup-spark-s3a.sh            fetch what is missing; print the jars
#   scripts/setup-spark-s3a.sh --status   print the jars if cached (exit 1 if not), fetch nothing
#
# Where they come from: pyspark ships Hadoop's client but not hadoop-aws, and this machine
# reaches PyPI and Debian, not Maven Central. The PyPI package sagemaker_pyspark 1.4.5 (an
# sdist of about 180 MB, by AWS) carries hadoop-aws 3.3.1 and aws-java-sdk-bundle 1.11.901
# as plain jars; both are taken from it, checked against the SHA-256 sums below, and kept in
# ${XDG_CACHE_HOME:-~/.cache}/swiftlake/spark-s3a/. hadoop-aws 3.3.1 predates the Hadoop 3.5
# client in pyspark 4.3.0: scripts/spark-server.sh gives it the settings that pairing needs
# (numeric timeouts, a v1 credentials provider). A real cluster uses its own, matching jars.
set -euo pipefail

PYTHON="${SWIFTLAKE_PYTHON:-python3}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/swiftlake/spark-s3a"
package="sagemaker_pyspark==1.4.5"
sdist="sagemaker_pyspark-1.4.5.tar.gz"
sdist_sha256="05ca2d5081d7138ce29a8fb0a9cba077f28c825288ed07aed46a82e63c0bf1fb"
jars=(hadoop-aws-3.3.1.jar aws-java-sdk-bundle-1.11.901.jar)
sums=(6be50ad8a8b445d2802381b085b2a3ede5c29d353450a6a21f16b2fefa962b6e
      b87175b32a16544cc1b37cf40390eb375833e62bed67f8ce6cde4b7ad6429ead)
log() { echo "setup-spark-s3a: $*" >&2; }

cached() {
  local i
  for i in "${!jars[@]}"; do [[ -f "$cache/${jars[$i]}" ]] || return 1; done
}
print_jars() {
  local list=() jar
  for jar in "${jars[@]}"; do list+=("$cache/$jar"); done
  (IFS=,; echo "${list[*]}")
}

if cached; then print_jars; exit 0; fi
if [[ "${1:-}" == "--status" ]]; then log "missing: ${jars[*]} (run scripts/setup-spark-s3a.sh)"; exit 1; fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
log "downloading $package from PyPI (about 180 MB, once) for hadoop-aws and the AWS SDK bundle"
"$PYTHON" -m pip download --quiet --no-deps -d "$work" "$package" >&2
echo "$sdist_sha256  $work/$sdist" | sha256sum --check --quiet - || { log "$sdist does not match its SHA-256"; exit 1; }
tar -xzf "$work/$sdist" -C "$work" "${jars[@]/#/sagemaker_pyspark-1.4.5/deps/jars/}"
for i in "${!jars[@]}"; do
  file="$work/sagemaker_pyspark-1.4.5/deps/jars/${jars[$i]}"
  echo "${sums[$i]}  $file" | sha256sum --check --quiet - || { log "${jars[$i]} does not match its SHA-256"; exit 1; }
  mv "$file" "$cache/${jars[$i]}"
done
log "ready: ${jars[*]} in $cache"
print_jars
