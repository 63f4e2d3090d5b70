#!/usr/bin/env bash
# Benchmark scenarios of docs/benchmarks.md: one node (etc/bench.yaml, every
# backend in memory) and streamgate-loadgen on this machine, 127.0.0.1 only.
#
#   bench/run.sh [unpaced|paced|idle|all]...      (default: all)
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
# Every run starts a fresh node on a free port, so runs do not inherit each
# other's streams or memory. Each load generator run is bounded by `timeout`,
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

scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(all)
if [ "${scenarios[0]}" = all ]; then scenarios=(unpaced paced idle); fi
for s in "${scenarios[@]}"; do
  case "$s" in unpaced | paced | idle) ;; *)
    echo "unknown scenario '$s' (unpaced, paced, idle, all)" >&2
    exit 2
    ;;
  esac
done
# jq and curl, and the build's own packages, installed like the other scripts do.
"$ROOT/scripts/setup.sh" --no-build --with jq curl

if [ ! -x "$NODE" ] || [ ! -x "$LOADGEN" ] || [ ! -e "$BUILD_DIR/plugins/libstreamgate_memory.so" ]; then
  echo "== building (Release) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD_DIR" --target streamgate streamgate_memory streamgate-loadgen
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

NODE_PID=""
stop_node() {
  [ -n "$NODE_PID" ] || return 0
  kill -TERM "$NODE_PID" 2> /dev/null || true
  for _ in $(seq 150); do
    kill -0 "$NODE_PID" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL "$NODE_PID" 2> /dev/null || true
  wait "$NODE_PID" 2> /dev/null || true
  NODE_PID=""
}
trap stop_node EXIT

# start_node IO_THREADS LOG: a fresh node on a free port; sets NODE_PID and PORT.
start_node() {
  PORT="$(free_port)"
  LD_PRELOAD="${NODE_PRELOAD:-}" PORT="$PORT" BENCH_IO_THREADS="$1" STREAMGATE_PLUGIN_DIR="$BUILD_DIR/plugins" \
    "$NODE" --config "$ROOT/etc/bench.yaml" --port "$PORT" --node-id bench > "$2" 2>&1 &
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
  local name=$1 io=$2 run=$3 args limit
  case "$name" in
    unpaced) args=(--connections 1000 --chunks 100 --interval-ms 0) limit=120 ;;
    paced) args=(--connections 1000 --chunks 100 --interval-ms 100) limit=120 ;;
    idle) args=(--idle --connections 10000 --hold-seconds 5 --ramp-per-sec 5000) limit=120 ;;
  esac
  local log="$OUT/node-$name-io$io-run$run.log"
  start_node "$io" "$log"
  local cpu_before line rc=0
  cpu_before="$(cpu_seconds "$NODE_PID")"
  line="$(timeout $((limit + 30)) "$LOADGEN" --port "$PORT" --server-pid "$NODE_PID" --threads "$LOADGEN_THREADS" \
    --timeout-seconds "$limit" --json "${args[@]}")" || rc=$?
  local cpu_after
  cpu_after="$(cpu_seconds "$NODE_PID")"
  stop_node
  if [ -z "$line" ]; then
    echo "   $name io=$io run $run: load generator failed (exit $rc)" >&2
    return
  fi
  # The node's CPU over the whole load generator run (connecting included),
  # next to the loadgen's own measurement of the streaming phase.
  line="$(jq -c --argjson io "$io" --argjson run "$run" --arg preload "${NODE_PRELOAD:-}" --argjson cpu "$(awk -v a="$cpu_after" -v b="$cpu_before" 'BEGIN { printf "%.3f", a - b }')" \
    --arg load "$(cut -d' ' -f1 /proc/loadavg)" \
    '. + {ioThreads: $io, run: $run, serverCpuWholeRun: $cpu, loadAvg1m: ($load | tonumber), nodePreload: $preload}' <<< "$line")"
  echo "$line" >> "$OUT/$name.jsonl"
  case "$name" in
    idle) jq -r '"   idle io=\(.ioThreads) run \(.run): \(.welcomed) connections, \(.server.rssBytesPerConnection | floor) B each, violations \(.violations), ok \(.ok)"' <<< "$line" ;;
    *) jq -r '"   \(.mode) io=\(.ioThreads) run \(.run): \(.chunksPerSec | floor) chunks/s, p99 \(.latencyUs.p99) us, server \(.server.cpuUsPerChunk) us/chunk, violations \(.violations), ok \(.ok)"' <<< "$line" ;;
  esac
}

for name in "${scenarios[@]}"; do
  for io in $IO_THREADS; do
    echo "== $name, io_threads=$io, $RUNS runs"
    for run in $(seq "$RUNS"); do run_scenario "$name" "$io" "$run"; done
  done
done

# Summary: medians per scenario and io_threads value, and the targets.
median='sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end'
echo
echo "== summary (medians of $RUNS runs; raw runs in $OUT)"
printf '%-8s %3s %5s %12s %9s %9s %9s %12s %10s %12s %6s\n' scenario io runs chunks/s p50_us p99_us max_us srv_us/chunk writes/ck B/idle_conn viol
for name in "${scenarios[@]}"; do
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
