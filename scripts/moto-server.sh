#!/usr/bin/env bash
# Runs moto_server (PyPI moto[server]), a local S3 endpoint for the ObjectStore tests,
# on 127.0.0.1 only, in the background.
#
#   scripts/moto-server.sh start    start it (or find it running); print its endpoint
#   scripts/moto-server.sh status   print the endpoint if it runs (exit 1 if not)
#   scripts/moto-server.sh stop     stop it
#
# State (pid, port, log) lives in $SWIFTLAKE_MOTO_DIR, by default
# ${TMPDIR:-/tmp}/swiftlake-moto-$UID; `make test` gives each run its own directory so
# parallel runs do not stop each other's server. The port is $SWIFTLAKE_MOTO_PORT, or a
# free one. Tests read the endpoint from SWIFTLAKE_S3_ENDPOINT:
#
#   export SWIFTLAKE_S3_ENDPOINT="$(scripts/moto-server.sh start)"
set -euo pipefail

PYTHON="${SWIFTLAKE_PYTHON:-python3}"
STATE_DIR="${SWIFTLAKE_MOTO_DIR:-${TMPDIR:-/tmp}/swiftlake-moto-$(id -u)}"
PID_FILE="$STATE_DIR/moto.pid"
PORT_FILE="$STATE_DIR/moto.port"
LOG_FILE="$STATE_DIR/moto.log"
log() { echo "moto-server: $*" >&2; }

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

answers() {  # answers PORT: moto lists buckets on GET /
  "$PYTHON" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=2).read()
PY
}

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  mkdir -p "$STATE_DIR"
  if pid="$(running_pid)" && answers "$(cat "$PORT_FILE")"; then
    echo "http://127.0.0.1:$(cat "$PORT_FILE")"
    return 0
  fi
  if ! "$PYTHON" -c 'import moto.server, flask, flask_cors' 2>/dev/null; then
    log "moto[server] is not installed for $PYTHON; run scripts/setup-python.sh"
    exit 1
  fi
  local port="${SWIFTLAKE_MOTO_PORT:-$(free_port)}"
  local command=("$PYTHON" -m moto.server)
  command -v moto_server >/dev/null 2>&1 && command=(moto_server)
  # setsid: the server gets its own process group, so stop ends exactly it.
  setsid "${command[@]}" -H 127.0.0.1 -p "$port" >"$LOG_FILE" 2>&1 < /dev/null &
  echo $! > "$PID_FILE"
  echo "$port" > "$PORT_FILE"
  for _ in $(seq 1 150); do
    if answers "$port"; then
      echo "http://127.0.0.1:$port"
      return 0
    fi
    if ! running_pid >/dev/null; then
      log "moto_server exited during start-up; its log ($LOG_FILE):"
      tail -20 "$LOG_FILE" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  log "moto_server did not answer on 127.0.0.1:$port within 30 s; log: $LOG_FILE"
  stop
  exit 1
}

stop() {
  if pid="$(running_pid)"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
}

status() {
  if running_pid >/dev/null && answers "$(cat "$PORT_FILE")"; then
    echo "http://127.0.0.1:$(cat "$PORT_FILE")"
  else
    log "not running"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
