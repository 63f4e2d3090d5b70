#!/usr/bin/env bash
# Shared set-up for run.sh, test.sh and fuzz.sh: install the Debian packages
# that are missing, then configure and build into build/ (BUILD_DIR overrides).
# Usage: scripts/setup.sh [--for-tests] [--no-build] [--with PACKAGE...]
#   --for-tests  also what the test suites need (redis-server for *_redistest,
#                kcat for the Kafka test broker's own test)
#   --no-build   packages only
#   --with       extra packages (the rest of the arguments)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}

packages=(cmake g++ make ninja-build pkg-config
          libpoco-dev libyaml-cpp-dev libboost-dev libssl-dev libjemalloc-dev libhiredis-dev
          librdkafka-dev)
build=1
while (($#)); do
  case $1 in
    # redis-server also runs Sentinel (redis-server --sentinel) for the *_redistest suites.
    # No Kafka package: the *_kafkatest suites use tests/kafka_broker (librdkafka's mock).
    --for-tests) packages+=(googletest libgtest-dev libgmock-dev redis-server kcat); shift ;;
    --no-build) build=0; shift ;;
    --with) shift; packages+=("$@"); break ;;
    *) echo "setup.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  command=(apt-get install -y --no-install-recommends "${missing[@]}")
  if [[ $(id -u) -ne 0 ]]; then
    echo "streamgate: missing packages: ${missing[*]}" >&2
    echo "install them as root, then run this script again:" >&2
    echo "  apt-get update && ${command[*]}" >&2
    exit 1
  fi
  echo "streamgate: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${command[@]}"
fi

if ((build)); then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build_dir" -j "$(nproc)"
fi
