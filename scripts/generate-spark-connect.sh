#!/usr/bin/env bash
# Regenerates Sources/SparkConnect/Generated/ from the Spark Connect protocol:
#
#   scripts/generate-spark-connect.sh
#
# Not run by CI: the generated code is committed. Run it again only to move to
# another Spark release (or another plugin version); it is idempotent and
# everything it downloads or builds is cached outside the clone, in
# ${XDG_CACHE_HOME:-~/.cache}/swiftlake/spark-connect/.
#
# 1. The protos: `pip download --no-deps pyspark==$PYSPARK_VERSION` (an sdist
#    or a wheel), out of which comes spark-connect_2.13-$PYSPARK_VERSION.jar,
#    out of which come spark/connect/*.proto (at the root of the jar).
# 2. The plugins, built once from the local copies of the Swift packages (git
#    maps github.com to them here): swift-protobuf's `protoc-gen-swift` and
#    grpc-swift-protobuf's `protoc-gen-grpc-swift-2`, each with its own scratch
#    path in the cache (a few minutes each on 2 cores, the first time).
# 3. Debian's protoc (apt-get install protobuf-compiler if it is missing), with
#    the generated types internal and a client only (no server stubs).
set -euo pipefail

PYSPARK_VERSION="${PYSPARK_VERSION:-4.3.0}"
SWIFT_PROTOBUF_VERSION="1.39.0"
GRPC_SWIFT_PROTOBUF_VERSION="2.4.1"
SCALA_BINARY="2.13"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/swiftlake/spark-connect"
out="$repo/Sources/SparkConnect/Generated"
mkdir -p "$cache"

say() { printf '[generate-spark-connect] %s\n' "$*" >&2; }

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi

# --- 1. The protos ----------------------------------------------------------
jar_name="spark-connect_${SCALA_BINARY}-${PYSPARK_VERSION}.jar"
jar="$cache/jar/$jar_name"
if [[ ! -f "$jar" ]]; then
  dist_dir="$cache/pip/pyspark-$PYSPARK_VERSION"
  mkdir -p "$dist_dir"
  dist="$(find "$dist_dir" -maxdepth 1 \( -name 'pyspark-*.tar.gz' -o -name 'pyspark-*.whl' \) | head -n 1)"
  if [[ -z "$dist" ]]; then
    say "downloading pyspark==$PYSPARK_VERSION (about 450 MB) into $dist_dir"
    python3 -m pip download --quiet --no-deps --dest "$dist_dir" "pyspark==$PYSPARK_VERSION"
    dist="$(find "$dist_dir" -maxdepth 1 \( -name 'pyspark-*.tar.gz' -o -name 'pyspark-*.whl' \) | head -n 1)"
  else
    say "pyspark==$PYSPARK_VERSION already downloaded: $dist"
  fi
  [[ -n "$dist" ]] || { say "pip left no pyspark sdist or wheel in $dist_dir"; exit 1; }
  mkdir -p "$cache/jar"
  case "$dist" in
    *.tar.gz)
      member="$(tar -tzf "$dist" | grep "/$jar_name\$" | head -n 1 || true)"
      [[ -n "$member" ]] || { say "no $jar_name inside $dist"; exit 1; }
      tar -xzf "$dist" -O "$member" > "$jar.tmp" ;;
    *.whl)
      member="$(unzip -Z1 "$dist" | grep "/$jar_name\$" | head -n 1 || true)"
      [[ -n "$member" ]] || { say "no $jar_name inside $dist"; exit 1; }
      unzip -p "$dist" "$member" > "$jar.tmp" ;;
  esac
  mv "$jar.tmp" "$jar"
  say "extracted $member"
else
  say "using cached $jar"
fi

protos="$cache/protos-$PYSPARK_VERSION"
rm -rf "$protos"
mkdir -p "$protos"
unzip -q -o "$jar" 'spark/connect/*.proto' -d "$protos"
proto_files=()
while IFS= read -r f; do proto_files+=("$f"); done < <(cd "$protos" && find spark/connect -maxdepth 1 -name '*.proto' | LC_ALL=C sort)
say "${#proto_files[@]} protos from $jar_name: ${proto_files[*]}"

# --- 2. The plugins ---------------------------------------------------------
# build_plugin OWNER/NAME VERSION PRODUCT -> prints the built binary's path
build_plugin() {
  local repo_path="$1" version="$2" product="$3"
  local name="${repo_path#*/}"
  local src="$cache/$name-$version" scratch="$cache/build-$product"
  if [[ ! -d "$src" ]]; then
    git -c advice.detachedHead=false clone --quiet --branch "$version" \
      "https://github.com/$repo_path.git" "$src"
  fi
  local bin
  bin="$(swift build -c debug --package-path "$src" --scratch-path "$scratch" --show-bin-path)/$product"
  if [[ ! -x "$bin" ]]; then
    say "building $product from $repo_path $version (slow the first time)"
    local start=$SECONDS
    swift build -c debug --package-path "$src" --scratch-path "$scratch" --product "$product" >&2
    say "built $product in $((SECONDS - start)) s"
  else
    say "using built $bin"
  fi
  printf '%s\n' "$bin"
}
protoc_gen_swift="$(build_plugin apple/swift-protobuf "$SWIFT_PROTOBUF_VERSION" protoc-gen-swift)"
protoc_gen_grpc="$(build_plugin grpc/grpc-swift-protobuf "$GRPC_SWIFT_PROTOBUF_VERSION" protoc-gen-grpc-swift-2)"

# --- 3. protoc --------------------------------------------------------------
if ! command -v protoc >/dev/null 2>&1; then
  say "installing Debian's protobuf-compiler"
  apt-get install -y protobuf-compiler >&2 || { apt-get update >&2 && apt-get install -y protobuf-compiler >&2; }
fi
# The well-known types (google/protobuf/any.proto, timestamp.proto) come with
# Debian's protoc in /usr/include; say so explicitly.
wkt_include=/usr/include
[[ -f "$wkt_include/google/protobuf/any.proto" ]] || { say "no google/protobuf/any.proto in $wkt_include"; exit 1; }

rm -rf "$out"
mkdir -p "$out"
(
  cd "$protos"
  protoc \
    -I "$protos" -I "$wkt_include" \
    --plugin="protoc-gen-swift=$protoc_gen_swift" \
    --plugin="protoc-gen-grpc-swift-2=$protoc_gen_grpc" \
    --swift_out="$out" \
    --swift_opt=Visibility=Internal \
    --grpc-swift-2_out="$out" \
    --grpc-swift-2_opt=Visibility=Internal,Client=true,Server=false \
    "${proto_files[@]}"
)

# protoc-gen-grpc-swift-2 writes a file for every proto; drop those that only say
# "This file contained no services." (all but base.proto's).
while IFS= read -r f; do rm -f "$f"; done < <(grep -rl --include='*.grpc.swift' 'This file contained no services' "$out" || true)

say "$(protoc --version) with protoc-gen-swift $SWIFT_PROTOBUF_VERSION and protoc-gen-grpc-swift-2 $GRPC_SWIFT_PROTOBUF_VERSION"
say "wrote $(find "$out" -name '*.swift' | wc -l) files into ${out#"$repo"/}:"
(cd "$out" && find . -name '*.swift' | LC_ALL=C sort | sed 's|^\./|  |' >&2)
