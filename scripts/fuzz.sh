#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, ASan and UBSan into
# build-fuzz/ (FUZZ_BUILD_DIR overrides) and runs each one for a while,
# starting from its seed corpus tests/fuzz/corpus/<target>/. Fails if any
# target finds a crash, a leak, a timeout or undefined behaviour; the input
# that did it is saved under <build dir>/fuzz-artifacts/<target>/.
# Inputs the fuzzer finds interesting accumulate in <build dir>/fuzz-corpus/,
# so later runs continue where earlier ones stopped; the seeds are not touched.
# Usage: scripts/fuzz.sh [--seconds N] [target...]
#   --seconds N  fuzzing time per target (default 60)
#   target       fuzz only these (default: every directory in tests/fuzz/corpus)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${FUZZ_BUILD_DIR:-$root/build-fuzz}
corpus_root=$root/tests/fuzz/corpus
seconds=60
targets=()

while (($#)); do
  case $1 in
    --seconds) seconds=${2:-}; shift 2 || shift ;;
    --seconds=*) seconds=${1#*=}; shift ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: --seconds needs a positive whole number, got '${seconds}'" >&2
  exit 2
fi
if ((${#targets[@]} == 0)); then
  for dir in "$corpus_root"/*/; do targets+=("$(basename "$dir")"); done
fi

# libFuzzer comes with clang's runtime libraries.
"$root/scripts/setup.sh" --no-build --with clang libclang-rt-14-dev

# Everything is instrumented for coverage and sanitizers, not only the fuzz
# targets: the code under test lives in the libraries they link. Warnings are
# not errors here: clang's differ from gcc's, and the gcc build enforces them.
sanitize="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS="$sanitize" \
  -DSTREAMGATE_FUZZ=ON \
  -DSTREAMGATE_WERROR=OFF >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target fuzz_targets

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

failed=()
for target in "${targets[@]}"; do
  binary=$build_dir/$target
  seeds=$corpus_root/$target
  if [[ ! -x $binary || ! -d $seeds ]]; then
    echo "fuzz.sh: no fuzz target '$target' (expected $binary and $seeds)" >&2
    failed+=("$target")
    continue
  fi
  work=$build_dir/fuzz-corpus/$target
  artifacts=$build_dir/fuzz-artifacts/$target
  log=$build_dir/fuzz-$target.log
  mkdir -p "$work" "$artifacts"
  echo "fuzz.sh: fuzzing $target for ${seconds}s (log: $log)"
  # New inputs go to the first directory (work); the seeds are only read.
  if "$binary" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$work" "$seeds" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    echo "fuzz.sh: $target: ${runs:-?} runs, ${speed:-?} exec/s, no crash"
  else
    echo "fuzz.sh: $target FAILED; the last lines of $log:" >&2
    tail -n 40 "$log" >&2
    echo "fuzz.sh: reproduce with: $binary $artifacts/<crash file>;" \
      "once fixed, copy the file into $seeds/ to keep it as a regression seed" >&2
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
