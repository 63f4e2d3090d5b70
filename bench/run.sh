#!/usr/bin/env bash
# Benchmark scenarios of docs/benchmarks.md: one node (etc/bench.yaml, every
# backend in memory) and streamgate-loadgen on this machine, 127.0.0.1 only;
# and the Redis ones (section "Redis"): `redis` is the unpaced load against a
# node whose four backends are one redis-server (etc/bench-redis.yaml),
# `redis-plugin` runs streamgate-redis-bench (the plugin without a node);
# and `kafka-plugin` (section "Kafka"): streamgate-kafka-bench against
# streamgate-kafka-test-broker, librdkafka's in-process mock cluster.
#
#   bench/run.sh [unpaced|paced|idle|redis|redis-plugin|kafka-plugin|all]...   (default: all)
#
# Environment:
#   RUNS=3              runs per scenario and io_threads value; the summary shows medians
#   IO_THREADS="1 2"    server.io_threads values to try
#   LOADGEN_THREADS=1   worker threads of the load generator
#   BUILD_DIR=build-bench   built (Release) here if the binaries are missing
#   OUT=<BUILD_DIR>/bench-results/<time>   raw JSON lines and node logs
#   NODE_PRELOAD=       LD_PRELOAD for the node only, e.g. another allocator:
#                       /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 (docs/benchmarks.md)
#
# Every run starts a fresh node on a free port (and, for `redis`, a fresh
# redis-server with --save "" --appendonly no on another), so runs do not
# inherit each other's streams or memory; every kafka-plugin case gets a fresh
# mock cluster. Each load generator run is bounded by `timeout`,
# the node is stopped with SIGTERM (SIGKILL after 15 s). Needs jq.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-build-bench}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
RUNS="${RUNS:-3}"
IO_THREADS="${IO_THREADS:-1 2}"
LOADGEN_THREADS="${LOADGEN_THREADS:-1}"
OUT="${OUT:-$BUILD_DIR/bench-results/$(date +%Y%m%d-%H%M%S)}"
NODE="$BUILD_DIR/streamgate"
LOADGEN="$BUILD_DIR/streamgate-loadgen"
REDIS_BENCH="$BUILD_DIR/streamgate-redis-bench"
KAFKA_BENCH="$BUILD_DIR/streamgate-kafka-bench"
KAFKA_BROKER="$BUILD_DIR/streamgate-kafka-test-broker"

scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(all)
if [ "${scenarios[0]}" = all ]; then scenarios=(unpaced paced idle redis redis-plugin kafka-plugin); fi
uses_redis=0
uses_kafka=0
for s in "${scenarios[@]}"; do
  case "$s" in
    unpaced | paced | idle) ;;
    redis | redis-plugin) uses_redis=1 ;;
    kafka-plugin) uses_kafka=1 ;;
    *)
      echo "unknown scenario '$s' (unpaced, paced, idle, redis, redis-plugin, kafka-plugin, all)" >&2
      exit 2
      ;;
  esac
done
# jq and curl (and redis-server), and the build's own packages, installed like the other scripts do.
extra_packages=(jq curl)
[ "$uses_redis" = 1 ] && extra_packages+=(redis-server)
"$ROOT/scripts/setup.sh" --no-build --with "${extra_packages[@]}"

targets=()
[ -x "$NODE" ] || targets+=(streamgate)
[ -x "$LOADGEN" ] || targets+=(streamgate-loadgen)
[ -e "$BUILD_DIR/plugins/libstreamgate_memory.so" ] || targets+=(streamgate_memory)
if [ "$uses_redis" = 1 ]; then
  [ -e "$BUILD_DIR/plugins/libstreamgate_redis.so" ] || targets+=(streamgate_redis)
  [ -x "$REDIS_BENCH" ] || targets+=(streamgate-redis-bench)
fi
if [ "$uses_kafka" = 1 ]; then
  [ -e "$BUILD_DIR/plugins/libstreamgate_kafka.so" ] || targets+=(streamgate_kafka)
  [ -x "$KAFKA_BENCH" ] || targets+=(streamgate-kafka-bench)
  [ -x "$KAFKA_BROKER" ] || targets+=(streamgate-kafka-test-broker)
fi
if [ ${#targets[@]} -gt 0 ]; then
  echo "== building (Release) in $BUILD_DIR: ${targets[*]}"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD_DIR" --target "${targets[@]}"
fi

# 10,000 connections need 10,000 descriptors in the node and in the load generator.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt 10100 ]; then
  echo "warning: ulimit -n is $(ulimit -n): the idle scenario needs more than 10,000" >&2
fi
mkdir -p "$OUT"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# CPU seconds (utime+stime) of a process.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"
}

REDIS_PID=""
stop_redis() {
  [ -n "$REDIS_PID" ] || return 0
  kill -KILL "$REDIS_PID" 2> /dev/null || true
  wait "$REDIS_PID" 2> /dev/null || true
  REDIS_PID=""
}

# start_redis LOG: a fresh redis-server (no persistence) on a free port; sets REDIS_PID and REDIS_PORT.
start_redis() {
  REDIS_PORT="$(free_port)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$OUT" \
    --dbfilename "redis-$REDIS_PORT.rdb" > "$1" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 100); do
    if [ "$(redis-cli -p "$REDIS_PORT" ping 2> /dev/null)" = PONG ]; then return 0; fi
    kill -0 "$REDIS_PID" 2> /dev/null || break
    sleep 0.1
  done
  echo "redis-server did not start; see $1" >&2
  cat "$1" >&2
  exit 1
}

# calls= of one command in INFO commandstats (0 when it never ran).
redis_calls() {
  redis-cli -p "$REDIS_PORT" info commandstats | tr -d '\r' |
    awk -F'[:=,]' -v cmd="cmdstat_$1" '$1 == cmd { print $3; found = 1 } END { if (!found) print 0 }'
}

# terminate PID TENTHS: SIGTERM, then SIGKILL if it still runs after TENTHS tenths of a second.
terminate() {
  kill -TERM "$1" 2> /dev/null || true
  for _ in $(seq "$2"); do
    kill -0 "$1" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL "$1" 2> /dev/null || true
  wait "$1" 2> /dev/null || true
}

NODE_PID=""
stop_node() {
  [ -n "$NODE_PID" ] || return 0
  terminate "$NODE_PID" 150
  NODE_PID=""
}

KAFKA_PID=""
stop_kafka() {
  [ -n "$KAFKA_PID" ] || return 0
  terminate "$KAFKA_PID" 50
  KAFKA_PID=""
}

# start_kafka LOG PARTITIONS: a fresh mock cluster (3 brokers, topic
# streamgate.bench); sets KAFKA_PID and KAFKA_BROKERS. Its stdin is
# /dev/null: no fault commands, it serves until SIGTERM.
start_kafka() {
  local out="$1.stdout"
  "$KAFKA_BROKER" --topic streamgate.bench --partitions "$2" < /dev/null > "$out" 2> "$1" &
  KAFKA_PID=$!
  for _ in $(seq 100); do
    KAFKA_BROKERS="$(sed -n 's/^bootstrap.servers=//p' "$out")"
    [ -n "$KAFKA_BROKERS" ] && return 0
    kill -0 "$KAFKA_PID" 2> /dev/null || break
    sleep 0.1
  done
  echo "streamgate-kafka-test-broker did not start; see $1" >&2
  cat "$1" >&2
  exit 1
}
trap 'stop_node; stop_redis; stop_kafka' EXIT

# start_node IO_THREADS LOG [CONFIG]: a fresh node on a free port; sets NODE_PID and PORT.
# With etc/bench-redis.yaml the node talks to the redis-server of start_redis.
start_node() {
  PORT="$(free_port)"
  LD_PRELOAD="${NODE_PRELOAD:-}" PORT="$PORT" BENCH_IO_THREADS="$1" STREAMGATE_PLUGIN_DIR="$BUILD_DIR/plugins" \
    REDIS_URL="redis://127.0.0.1:${REDIS_PORT:-6379}" REDIS_PASSWORD="" \
    "$NODE" --config "${3:-$ROOT/etc/bench.yaml}" --port "$PORT" --node-id bench > "$2" 2>&1 &
  NODE_PID=$!
  for _ in $(seq 100); do
    if curl -fs "http://127.0.0.1:$PORT/health" > /dev/null 2>&1; then return 0; fi
    kill -0 "$NODE_PID" 2> /dev/null || break
    sleep 0.1
  done
  echo "node did not start; see $2" >&2
  cat "$2" >&2
  exit 1
}

# run_scenario NAME IO_THREADS RUN: one node, one load generator run, one JSON line in $OUT/NAME.jsonl.
run_scenario() {
  local name=$1 io=$2 run=$3 args limit config="$ROOT/etc/bench.yaml"
  case "$name" in
    unpaced) args=(--connections 1000 --chunks 100 --interval-ms 0) limit=120 ;;
    redis) args=(--connections 1000 --chunks 100 --interval-ms 0) limit=120 config="$ROOT/etc/bench-redis.yaml" ;;
    paced) args=(--connections 1000 --chunks 100 --interval-ms 100) limit=120 ;;
    idle) args=(--idle --connections 10000 --hold-seconds 5 --ramp-per-sec 5000) limit=120 ;;
  esac
  local log="$OUT/node-$name-io$io-run$run.log"
  [ "$name" = redis ] && start_redis "$OUT/redis-$name-io$io-run$run.log"
  start_node "$io" "$log" "$config"
  local cpu_before line rc=0 redis_before=0 redis_after=0
  cpu_before="$(cpu_seconds "$NODE_PID")"
  [ -n "$REDIS_PID" ] && redis_before="$(cpu_seconds "$REDIS_PID")"
  line="$(timeout $((limit + 30)) "$LOADGEN" --port "$PORT" --server-pid "$NODE_PID" --threads "$LOADGEN_THREADS" \
    --timeout-seconds "$limit" --json "${args[@]}")" || rc=$?
  local cpu_after
  cpu_after="$(cpu_seconds "$NODE_PID")"
  stop_node
  local redis_fields='{}'
  if [ -n "$REDIS_PID" ]; then
    # Redis's CPU over the whole run (connecting included) and how many
    # scripts and PUBLISHes it ran: one script per append; PUBLISH counts
    # the append script's own plus any the node sent itself.
    redis_after="$(cpu_seconds "$REDIS_PID")"
    redis_fields="$(jq -nc --argjson cpu "$(awk -v a="$redis_after" -v b="$redis_before" 'BEGIN { printf "%.3f", a - b }')" \
      --argjson evalsha "$(redis_calls evalsha)" --argjson publish "$(redis_calls publish)" \
      '{redis: {cpuWholeRun: $cpu, evalshaCalls: $evalsha, publishCalls: $publish}}')"
    stop_redis
  fi
  if [ -z "$line" ]; then
    echo "   $name io=$io run $run: load generator failed (exit $rc)" >&2
    return
  fi
  # The node's CPU over the whole load generator run (connecting included),
  # next to the loadgen's own measurement of the streaming phase.
  line="$(jq -c --argjson io "$io" --argjson run "$run" --arg preload "${NODE_PRELOAD:-}" --argjson cpu "$(awk -v a="$cpu_after" -v b="$cpu_before" 'BEGIN { printf "%.3f", a - b }')" \
    --arg load "$(cut -d' ' -f1 /proc/loadavg)" \
    --argjson extra "$redis_fields" \
    '. + {ioThreads: $io, run: $run, serverCpuWholeRun: $cpu, loadAvg1m: ($load | tonumber), nodePreload: $preload} + $extra' <<< "$line")"
  echo "$line" >> "$OUT/$name.jsonl"
  case "$name" in
    idle) jq -r '"   idle io=\(.ioThreads) run \(.run): \(.welcomed) connections, \(.server.rssBytesPerConnection | floor) B each, violations \(.violations), ok \(.ok)"' <<< "$line" ;;
    redis) jq -r '"   redis io=\(.ioThreads) run \(.run): \(.chunksPerSec | floor) chunks/s, p99 \(.latencyUs.p99) us, server \(.server.cpuUsPerChunk) us/chunk, redis-server \(.redis.cpuWholeRun) s, \(.redis.publishCalls) PUBLISH, violations \(.violations), ok \(.ok)"' <<< "$line" ;;
    *) jq -r '"   \(.mode) io=\(.ioThreads) run \(.run): \(.chunksPerSec | floor) chunks/s, p99 \(.latencyUs.p99) us, server \(.server.cpuUsPerChunk) us/chunk, violations \(.violations), ok \(.ok)"' <<< "$line" ;;
  esac
}

# The plugin on its own: each case of streamgate-redis-bench once per run,
# every invocation with a fresh redis-server of its own. One JSON line per
# case and run in $OUT/redis-plugin.jsonl, tagged with the case name.
REDIS_PLUGIN_CASES=(latency latency-bg10k latency-bg50k resume resume-bg10k throughput)
redis_plugin_args() {
  case "$1" in
    latency) echo --scenario latency --chunks 5000 --interval-us 1000 ;;
    latency-bg10k) echo --scenario latency --chunks 5000 --interval-us 1000 --background-streams 1000 --background-rate 10000 ;;
    latency-bg50k) echo --scenario latency --chunks 5000 --interval-us 1000 --background-streams 1000 --background-rate 50000 ;;
    resume) echo --scenario resume --resume-chunks 1000 --reads 200 ;;
    resume-bg10k) echo --scenario resume --resume-chunks 1000 --reads 200 --background-streams 1000 --background-rate 10000 ;;
    throughput) echo --scenario throughput --streams 1000 --stream-chunks 100 ;;
  esac
}

run_redis_plugin() {
  local run=$1 name line rc
  for name in "${REDIS_PLUGIN_CASES[@]}"; do
    rc=0
    # shellcheck disable=SC2046
    line="$(timeout 150 "$REDIS_BENCH" --plugin-dir "$BUILD_DIR/plugins" --timeout-seconds 120 $(redis_plugin_args "$name") \
      2>> "$OUT/redis-plugin-stderr.log")" || rc=$?
    if [ -z "$line" ]; then
      echo "   redis-plugin $name run $run: streamgate-redis-bench failed (exit $rc)" >&2
      continue
    fi
    line="$(jq -c --arg case "$name" --argjson run "$run" '. + {case: $case, run: $run}' <<< "$line")"
    echo "$line" >> "$OUT/redis-plugin.jsonl"
    jq -r '"   \(.case) run \(.run): " + (if .scenario == "latency" then "p50 \(.latencyUs.p50) us, p99 \(.latencyUs.p99) us (append p99 \(.appendUs.p99) us)"
      elif .scenario == "resume" then "read p50 \(.readUs.p50) us, p99 \(.readUs.p99) us"
      else "\(.chunksPerSec | floor) chunks/s appended and received, redis-server \(.cpu.redisUsPerChunk) us/chunk" end)
      + ", other CPU \(.cpu.otherSeconds) s, ok \(.ok)"' <<< "$line"
  done
}

# The kafka plugin on its own: each case of streamgate-kafka-bench once per
# run, every invocation against a fresh mock cluster of its own (the replay
# case then replays only its own records). The replay case's topic has 16
# partitions: the mock keeps a bounded log per partition (a few MiB) and
# drops the oldest records of a fuller one. One JSON line per case and run in
# $OUT/kafka-plugin.jsonl.
KAFKA_PLUGIN_CASES=(latency latency-fetch1 replay)
kafka_plugin_args() {
  case "$1" in
    latency) echo --scenario latency --chunks 3000 --interval-us 1000 ;;
    latency-fetch1) echo --scenario latency --chunks 3000 --interval-us 1000 --property fetch.wait.max.ms=1 ;;
    replay) echo --scenario replay --streams 100 --stream-chunks 1000 --batch 50 --verify-streams 5 ;;
  esac
}

run_kafka_plugin() {
  local run=$1 name line rc partitions
  for name in "${KAFKA_PLUGIN_CASES[@]}"; do
    rc=0
    partitions=4
    [ "$name" = replay ] && partitions=16
    start_kafka "$OUT/kafka-broker-$name-run$run.log" "$partitions"
    # shellcheck disable=SC2046
    line="$(timeout 150 "$KAFKA_BENCH" --brokers "$KAFKA_BROKERS" --plugin-dir "$BUILD_DIR/plugins" \
      --timeout-seconds 120 $(kafka_plugin_args "$name") 2>> "$OUT/kafka-plugin-stderr.log")" || rc=$?
    stop_kafka
    if [ -z "$line" ]; then
      echo "   kafka-plugin $name run $run: streamgate-kafka-bench failed (exit $rc)" >&2
      continue
    fi
    line="$(jq -c --arg case "$name" --argjson run "$run" --argjson partitions "$partitions" \
      '. + {case: $case, run: $run, partitions: $partitions}' <<< "$line")"
    echo "$line" >> "$OUT/kafka-plugin.jsonl"
    jq -r '"   \(.case) run \(.run): " + (if .scenario == "latency" then "p50 \(.latencyUs.p50) us, p99 \(.latencyUs.p99) us (append p50 \(.appendUs.p50) us, p99 \(.appendUs.p99) us)"
      else "\(.replayedRecords) records replayed in \(.createSeconds) s create(): \(.recordsPerSec | floor) records/s, \(.badReads) bad reads" end)
      + ", ok \(.ok)" + (if .error then " (\(.error))" elif .firstError then " (\(.firstError))" else "" end)' <<< "$line"
  done
}

for name in "${scenarios[@]}"; do
  if [ "$name" = redis-plugin ]; then
    echo "== redis-plugin (${REDIS_PLUGIN_CASES[*]}), $RUNS runs"
    for run in $(seq "$RUNS"); do run_redis_plugin "$run"; done
    continue
  fi
  if [ "$name" = kafka-plugin ]; then
    echo "== kafka-plugin (${KAFKA_PLUGIN_CASES[*]}), $RUNS runs"
    for run in $(seq "$RUNS"); do run_kafka_plugin "$run"; done
    continue
  fi
  for io in $IO_THREADS; do
    echo "== $name, io_threads=$io, $RUNS runs"
    for run in $(seq "$RUNS"); do run_scenario "$name" "$io" "$run"; done
  done
done

# Summary: medians per scenario and io_threads value, and the targets.
median='sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end'
node_runs=0
for name in "${scenarios[@]}"; do
  case "$name" in redis-plugin | kafka-plugin) ;; *) [ -s "$OUT/$name.jsonl" ] && node_runs=1 ;; esac
done
if [ "$node_runs" = 1 ]; then
  echo
  echo "== summary (medians of $RUNS runs; raw runs in $OUT)"
  printf '%-8s %3s %5s %12s %9s %9s %9s %12s %10s %12s %6s\n' scenario io runs chunks/s p50_us p99_us max_us srv_us/chunk writes/ck B/idle_conn viol
  for name in "${scenarios[@]}"; do
    case "$name" in redis-plugin | kafka-plugin) continue ;; esac
    [ -s "$OUT/$name.jsonl" ] || continue
    for io in $IO_THREADS; do
      jq -rs --argjson io "$io" --arg name "$name" "
        def med: $median;
        map(select(.ioThreads == \$io)) | select(length > 0) |
        [\$name, \$io, length,
         (map(.chunksPerSec // empty) | med),
         (map(.latencyUs.p50 // empty) | med),
         (map(.latencyUs.p99 // empty) | med),
         (map(.latencyUs.max // empty) | med),
         (map(.server.cpuUsPerChunk // empty) | med),
         (map(.server.writeCallsPerChunk // empty) | med),
         (map(.server.rssBytesPerConnection // empty) | med),
         (map(.violations) | add)]
        | map(if . == null then \"-\" elif type == \"number\" then (. * 100 | round / 100 | tostring) else . end)
        | @tsv" "$OUT/$name.jsonl"
    done
  done | awk -F'\t' '{ printf "%-8s %3s %5s %12s %9s %9s %9s %12s %10s %12s %6s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }'
  echo
  echo "targets: unpaced >= 150000 chunks/s; paced p99 < 5000 us; server <= 3 us/chunk; idle < 20480 B/connection; violations 0"
fi

if [ -s "$OUT/redis.jsonl" ]; then
  echo
  echo "== redis node: Redis's side (medians)"
  printf '%-8s %3s %5s %16s %18s %16s\n' scenario io runs redis_us/chunk evalsha/chunk publish/chunk
  for io in $IO_THREADS; do
    jq -rs --argjson io "$io" "
      def med: $median;
      map(select(.ioThreads == \$io and .redis != null)) | select(length > 0) |
      [\"redis\", \$io, length,
       (map(select(.chunks > 0) | .redis.cpuWholeRun * 1e6 / .chunks) | med),
       (map(select(.chunks > 0) | .redis.evalshaCalls / .chunks) | med),
       (map(select(.chunks > 0) | .redis.publishCalls / .chunks) | med)]
      | map(if type == \"number\" then (. * 100 | round / 100 | tostring) else . end) | @tsv" "$OUT/redis.jsonl"
  done | awk -F'\t' '{ printf "%-8s %3s %5s %16s %18s %16s\n", $1, $2, $3, $4, $5, $6 }'
fi

if [ -s "$OUT/redis-plugin.jsonl" ]; then
  echo
  echo "== redis-plugin summary (medians of $RUNS runs; raw runs in $OUT/redis-plugin.jsonl)"
  printf '%-14s %5s %9s %9s %9s %12s %14s %10s %4s\n' case runs p50_us p99_us max_us chunks/s redis_us/chunk other_cpu_s ok
  for name in "${REDIS_PLUGIN_CASES[@]}"; do
    jq -rs --arg name "$name" "
      def med: $median;
      map(select(.case == \$name)) | select(length > 0) |
      [\$name, length,
       (map((.latencyUs // .readUs).p50 // empty) | med),
       (map((.latencyUs // .readUs).p99 // empty) | med),
       (map((.latencyUs // .readUs).max // empty) | med),
       (map(select(.scenario == \"throughput\") | .chunksPerSec) | med),
       (map(.cpu.redisUsPerChunk // empty) | med),
       (map(.cpu.otherSeconds // empty) | med),
       (map(select(.ok)) | length)]
      | map(if . == null then \"-\" elif type == \"number\" then (. * 100 | round / 100 | tostring) else . end)
      | @tsv" "$OUT/redis-plugin.jsonl"
  done | awk -F'\t' '{ printf "%-14s %5s %9s %9s %9s %12s %14s %10s %4s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
  echo
  echo "targets: latency* p99 < 1000 us; resume* p99 < 10000 us; throughput >= 100000 chunks/s (appended and received)"
fi

if [ -s "$OUT/kafka-plugin.jsonl" ]; then
  echo
  echo "== kafka-plugin summary (medians of $RUNS runs, [min..max] in brackets; raw runs in $OUT/kafka-plugin.jsonl)"
  echo "   librdkafka's mock cluster (3 brokers in one process, no disk): the plugin's and the client's costs plus loopback"
  printf '%-15s %5s %24s %24s %24s %24s %4s\n' case runs p50_us p99_us append_p50_us append_p99_us ok
  for name in latency latency-fetch1; do
    jq -rs --arg name "$name" "
      def med: $median;
      def spread(f): (map(f // empty)) as \$v | if (\$v | length) == 0 then \"-\" else
        \"\\(\$v | med | round) [\\(\$v | min | round)..\\(\$v | max | round)]\" end;
      map(select(.case == \$name)) | select(length > 0) |
      [\$name, length, spread(.latencyUs.p50), spread(.latencyUs.p99), spread(.appendUs.p50), spread(.appendUs.p99),
       (map(select(.ok)) | length)] | map(tostring) | @tsv" "$OUT/kafka-plugin.jsonl"
  done | awk -F'\t' '{ printf "%-15s %5s %24s %24s %24s %24s %4s\n", $1, $2, $3, $4, $5, $6, $7 }'
  printf '%-15s %5s %24s %24s %24s %24s %4s\n' case runs records create_ms records/s write_chunks/s ok
  jq -rs "
    def med: $median;
    def spread(f): (map(f // empty)) as \$v | if (\$v | length) == 0 then \"-\" else
      \"\\(\$v | med | round) [\\(\$v | min | round)..\\(\$v | max | round)]\" end;
    map(select(.case == \"replay\")) | select(length > 0) |
    [\"replay\", length, spread(.replayedRecords), spread(.createSeconds * 1000), spread(.recordsPerSec),
     spread(.writtenChunksPerSec), (map(select(.ok)) | length)] | map(tostring) | @tsv" "$OUT/kafka-plugin.jsonl" |
    awk -F'\t' '{ printf "%-15s %5s %24s %24s %24s %24s %4s\n", $1, $2, $3, $4, $5, $6, $7 }'
fi
