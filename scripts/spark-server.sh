#!/usr/bin/env bash
# Runs a local Spark Connect server (Spark from the pyspark package, see
# scripts/setup-spark.sh) on 127.0.0.1 only, in the background.
#
#   scripts/spark-server.sh start    start it (or find it running); print its sc://127.0.0.1:PORT
#   scripts/spark-server.sh status   print the connection string if it runs (exit 1 if not)
#   scripts/spark-server.sh stop     stop it
#
# State (pid, port, logs, Spark's scratch and warehouse directories) lives in
# $SWIFTLAKE_SPARK_DIR, by default ${TMPDIR:-/tmp}/swiftlake-spark-$UID; `make test` gives
# each run its own directory so parallel runs do not stop each other's server.
# Settings:
#   SWIFTLAKE_SPARK_PORT           the gRPC port (default: a free one; Spark's own default is 15002)
#   SWIFTLAKE_SPARK_MASTER         default local[2]
#   SWIFTLAKE_SPARK_DRIVER_MEMORY  default 1g (the whole local server runs in the driver)
#   SWIFTLAKE_SPARK_CONF           extra server settings, "key=value" separated by spaces (e.g.
#                                  spark.connect.execute.reattachable.senderMaxStreamSize=1m)
#   SWIFTLAKE_SPARK_S3_ENDPOINT    an S3 endpoint (e.g. moto_server's http://127.0.0.1:PORT) for
#                                  Spark to read s3a:// from itself: adds the S3A connector
#                                  (scripts/setup-spark-s3a.sh) and fs.s3a settings for it, with
#                                  path-style addressing and the keys in AWS_ACCESS_KEY_ID /
#                                  AWS_SECRET_ACCESS_KEY (default "test", which moto accepts)
# Tests read the connection string from SWIFTLAKE_SPARK_REMOTE:
#
#   export SWIFTLAKE_SPARK_REMOTE="$(scripts/spark-server.sh start)"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${SWIFTLAKE_PYTHON:-python3}"
STATE_DIR="${SWIFTLAKE_SPARK_DIR:-${TMPDIR:-/tmp}/swiftlake-spark-$(id -u)}"
PID_FILE="$STATE_DIR/spark.pid"
PORT_FILE="$STATE_DIR/spark.port"
S3_FILE="$STATE_DIR/spark.s3"   # the S3 endpoint the running server reads s3a:// from ("" for none)
LOG_FILE="$STATE_DIR/spark.log"
log() { echo "spark-server: $*" >&2; }

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

answers() {  # answers PORT: the gRPC port accepts connections (it opens once the session is up)
  "$PYTHON" - "$1" <<'PY' >/dev/null 2>&1
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2).close()
PY
}

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  mkdir -p "$STATE_DIR"
  if running_pid >/dev/null && answers "$(cat "$PORT_FILE")"; then
    local running_s3=""
    [[ -f "$S3_FILE" ]] && running_s3="$(cat "$S3_FILE")"
    if [[ "$running_s3" != "${SWIFTLAKE_SPARK_S3_ENDPOINT:-}" ]]; then
      log "a server already runs on 127.0.0.1:$(cat "$PORT_FILE") with S3 endpoint '${running_s3:-none}', not '${SWIFTLAKE_SPARK_S3_ENDPOINT:-none}'; stop it first (make spark-down)"
      exit 1
    fi
    echo "sc://127.0.0.1:$(cat "$PORT_FILE")"
    return 0
  fi
  local spark_home
  if ! spark_home="$("$here/setup-spark.sh" --status 2>/dev/null)"; then
    log "pyspark or Java 17 is missing; run scripts/setup-spark.sh"
    exit 1
  fi
  local port="${SWIFTLAKE_SPARK_PORT:-$(free_port)}"
  local extra=() setting
  for setting in ${SWIFTLAKE_SPARK_CONF:-}; do extra+=(--conf "$setting"); done
  if [[ -n "${SWIFTLAKE_SPARK_S3_ENDPOINT:-}" ]]; then
    local jars
    jars="$("$here/setup-spark-s3a.sh")"
    local ssl=false
    [[ "$SWIFTLAKE_SPARK_S3_ENDPOINT" == https://* ]] && ssl=true
    extra+=(--jars "$jars"
      --conf "spark.hadoop.fs.s3a.endpoint=$SWIFTLAKE_SPARK_S3_ENDPOINT"
      --conf "spark.hadoop.fs.s3a.connection.ssl.enabled=$ssl"
      --conf spark.hadoop.fs.s3a.path.style.access=true
      --conf spark.hadoop.fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider
      --conf "spark.hadoop.fs.s3a.access.key=${AWS_ACCESS_KEY_ID:-test}"
      --conf "spark.hadoop.fs.s3a.secret.key=${AWS_SECRET_ACCESS_KEY:-test}"
      # hadoop-aws 3.3 reads these as plain numbers; Hadoop 3.5's defaults spell them "60s".
      --conf spark.hadoop.fs.s3a.threads.keepalivetime=60
      --conf spark.hadoop.fs.s3a.connection.establish.timeout=30000
      --conf spark.hadoop.fs.s3a.connection.timeout=200000
      --conf spark.hadoop.fs.s3a.connection.request.timeout=0
      --conf spark.hadoop.fs.s3a.multipart.purge.age=86400)
  fi
  local work="$STATE_DIR/work"
  mkdir -p "$work/local" "$work/logs" "$work/pids"
  # Spark writes spark-warehouse/ and metastore files in its working directory: keep them here.
  # setsid: the server gets its own process group, so stop ends exactly it (the shell
  # scripts and the JVM they exec).
  (
    cd "$work"
    export SPARK_HOME="$spark_home" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$work/logs" \
      SPARK_PID_DIR="$work/pids" SPARK_IDENT_STRING="swiftlake"
    exec setsid "$spark_home/sbin/start-connect-server.sh" --wait \
      --master "${SWIFTLAKE_SPARK_MASTER:-local[2]}" \
      --driver-memory "${SWIFTLAKE_SPARK_DRIVER_MEMORY:-1g}" \
      --conf spark.connect.grpc.binding.address=127.0.0.1 \
      --conf "spark.connect.grpc.binding.port=$port" \
      --conf spark.driver.host=127.0.0.1 \
      --conf spark.driver.bindAddress=127.0.0.1 \
      --conf "spark.local.dir=$work/local" \
      --conf "spark.sql.warehouse.dir=$work/warehouse" \
      --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$work" \
      --conf spark.ui.showConsoleProgress=false \
      --conf spark.sql.shuffle.partitions=4 \
      "${extra[@]}"
  ) >"$LOG_FILE" 2>&1 </dev/null &
  echo $! > "$PID_FILE"
  echo "$port" > "$PORT_FILE"
  echo "${SWIFTLAKE_SPARK_S3_ENDPOINT:-}" > "$S3_FILE"
  for _ in $(seq 1 600); do
    if answers "$port"; then
      echo "sc://127.0.0.1:$port"
      return 0
    fi
    if ! running_pid >/dev/null; then
      log "the Spark Connect server exited during start-up; its log ($LOG_FILE):"
      tail -30 "$LOG_FILE" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  log "the Spark Connect server did not answer on 127.0.0.1:$port within 120 s; log: $LOG_FILE"
  stop
  exit 1
}

stop() {
  if pid="$(running_pid)"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$PORT_FILE" "$S3_FILE"
}

status() {
  if running_pid >/dev/null && answers "$(cat "$PORT_FILE")"; then
    echo "sc://127.0.0.1:$(cat "$PORT_FILE")"
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
