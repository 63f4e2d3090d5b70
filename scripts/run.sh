#!/usr/bin/env bash
# Installs what is missing, builds, and runs one node in the foreground.
# Extra arguments go to streamgate, e.g. scripts/run.sh --port 9000
#
#   --kafka  run on etc/kafka.yaml instead, against local stand-ins: the Kafka
#            test broker (streamgate-kafka-test-broker, librdkafka's mock
#            cluster, topic streamgate.events; nothing persisted) and a
#            redis-server for sessions and locks, each on free loopback ports.
#            Exports KAFKA_BROKERS, REDIS_URL and REDIS_PASSWORD (generated)
#            for the node, and stops both when the node exits.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}

kafka=0
args=()
for arg in "$@"; do
  if [[ $arg == --kafka ]]; then kafka=1; else args+=("$arg"); fi
done

if ((!kafka)); then
  "$root/scripts/setup.sh"
  cd "$root"
  exec "$build_dir/streamgate" --config "${STREAMGATE_CONFIG:-etc/streamgate.yaml}" "${args[@]}"
fi

# The test broker is built with the tests (tests/kafka_broker), and the tests
# also bring redis-server.
"$root/scripts/setup.sh" --for-tests
cmake --build "$build_dir" --target streamgate-kafka-test-broker >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/streamgate-kafka.XXXXXX")
broker_pid=
redis_pid=
stop_services() {
  for pid in $broker_pid $redis_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $broker_pid $redis_pid; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap stop_services EXIT

# A loopback port nothing listens on (connect refused); a race with another
# program shows up as a service that does not start.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# fail WHAT LOG: the service did not come up.
fail() {
  echo "streamgate: $1 did not start; its log ($2):" >&2
  cat "$2" >&2
  exit 1
}

# stdin from /dev/null: the broker reads control commands there and ignores EOF.
"$build_dir/streamgate-kafka-test-broker" --topic streamgate.events \
  </dev/null >"$work/kafka.out" 2>"$work/kafka.log" &
broker_pid=$!
bootstrap=
for _ in $(seq 100); do
  bootstrap=$(sed -n 's/^bootstrap\.servers=//p' "$work/kafka.out")
  [[ -n $bootstrap ]] && break
  kill -0 "$broker_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $bootstrap ]] || fail "the Kafka test broker" "$work/kafka.log"

redis_port=$(free_port)
redis_password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
# The password goes in on stdin (`-` is a config file read from there), not
# on the command line where ps shows it. setsid: Ctrl-C must not stop Redis
# under a node that is still draining.
setsid redis-server - --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  <<<"requirepass $redis_password" >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 100); do
  [[ $(REDISCLI_AUTH=$redis_password redis-cli -p "$redis_port" ping 2>/dev/null) == PONG ]] && break
  kill -0 "$redis_pid" 2>/dev/null || fail redis-server "$work/redis.log"
  sleep 0.1
done
[[ $(REDISCLI_AUTH=$redis_password redis-cli -p "$redis_port" ping 2>/dev/null) == PONG ]] ||
  fail redis-server "$work/redis.log"

export KAFKA_BROKERS=$bootstrap
export REDIS_URL=redis://127.0.0.1:$redis_port
export REDIS_PASSWORD=$redis_password
echo "streamgate: Kafka test broker at $KAFKA_BROKERS, redis-server at $REDIS_URL" >&2

# In the background, so that SIGINT or SIGTERM to this script reaches the node
# as SIGTERM (a graceful drain) and the services are stopped only after it.
cd "$root"
"$build_dir/streamgate" --config "${STREAMGATE_CONFIG:-etc/kafka.yaml}" "${args[@]}" &
node_pid=$!
trap 'kill -TERM "$node_pid" 2>/dev/null || true' INT TERM
status=0
while :; do
  wait "$node_pid" && status=0 || status=$?
  kill -0 "$node_pid" 2>/dev/null || break
done
exit "$status"
