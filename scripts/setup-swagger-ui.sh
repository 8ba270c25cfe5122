#!/usr/bin/env bash
# Makes Swagger UI's static files available offline for the server's /docs page
# and prints the directory that holds them (for SWIFTLAKE_SWAGGER_UI_DIR).
#
#   scripts/setup-swagger-ui.sh            fetch (or reuse) and print the directory
#   scripts/setup-swagger-ui.sh --status   print it and exit 0 if present, else exit 1
#
# Source: the PyPI package flask-swagger-ui, whose wheel carries Swagger UI's
# official dist/ (its version follows Swagger UI's: 5.34.0 ships v5.34.0). Only
# the wheel is downloaded (pip download --no-deps) and unpacked with Python's
# zipfile; nothing is installed and Flask is not needed.
#
# Result: ${XDG_CACHE_HOME:-~/.cache}/swiftlake/swagger-ui-<version>/ with
#   swagger-ui.css  swagger-ui-bundle.js  swagger-ui-standalone-preset.js
#   favicon-32x32.png  favicon-16x16.png  index.css  oauth2-redirect.html
#   oauth2-redirect.js  LICENSE  VERSION
set -euo pipefail

SWAGGER_UI_VERSION="${SWAGGER_UI_VERSION:-5.34.0}"
PYPI_PACKAGE="flask-swagger-ui"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/swiftlake"
DEST="$CACHE_ROOT/swagger-ui-$SWAGGER_UI_VERSION"
REQUIRED=(swagger-ui.css swagger-ui-bundle.js swagger-ui-standalone-preset.js favicon-32x32.png)
PYTHON="${SWIFTLAKE_PYTHON:-python3}"

log() { echo "setup-swagger-ui: $*" >&2; }

complete() {
  local f
  for f in "${REQUIRED[@]}"; do [[ -s "$DEST/$f" ]] || return 1; done
}

if complete; then
  log "using cached Swagger UI $SWAGGER_UI_VERSION ($DEST)"
  echo "$DEST"
  exit 0
fi

if [[ "${1:-}" == "--status" ]]; then
  log "Swagger UI $SWAGGER_UI_VERSION is not fetched yet (cache: $DEST)"
  exit 1
fi

log "fetching Swagger UI $SWAGGER_UI_VERSION from PyPI ($PYPI_PACKAGE==$SWAGGER_UI_VERSION)"
mkdir -p "$CACHE_ROOT"
tmp="$(mktemp -d "$CACHE_ROOT/.swagger-ui.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

"$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
  --only-binary :all: "$PYPI_PACKAGE==$SWAGGER_UI_VERSION" -d "$tmp/wheel"

# Unpack only <package>/dist/* into $tmp/out, flat.
"$PYTHON" - "$tmp/wheel" "$tmp/out" <<'PY'
import glob, os, sys, zipfile
wheel_dir, out = sys.argv[1], sys.argv[2]
wheels = glob.glob(os.path.join(wheel_dir, "*.whl"))
if len(wheels) != 1:
    sys.exit(f"expected one wheel in {wheel_dir}, found {wheels}")
os.makedirs(out)
with zipfile.ZipFile(wheels[0]) as z:
    for name in z.namelist():
        parts = name.split("/")
        if len(parts) == 3 and parts[1] == "dist" and parts[2]:
            with open(os.path.join(out, parts[2]), "wb") as f:
                f.write(z.read(name))
PY

shipped="$(tr -d 'v\n' <"$tmp/out/VERSION" 2>/dev/null || true)"
if [[ "$shipped" != "$SWAGGER_UI_VERSION" ]]; then
  log "warning: the wheel's dist/VERSION says '${shipped:-?}', expected $SWAGGER_UI_VERSION"
fi

# Publish atomically: a half-written directory is never seen as complete.
rm -rf "$DEST"
mv "$tmp/out" "$DEST"
if ! complete; then
  log "the wheel lacks some of: ${REQUIRED[*]} (got: $(ls "$DEST"))"
  exit 1
fi
log "Swagger UI $SWAGGER_UI_VERSION ready"
echo "$DEST"
