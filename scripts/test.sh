#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite. Services the
# tests need are started by the test fixtures themselves on free loopback
# ports and stopped when the tests end.
# Extra arguments go to ctest, e.g. scripts/test.sh -R Contract
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
"$root/scripts/setup.sh" --for-tests
cd "$build_dir"
ctest --output-on-failure --timeout 300 -j "$(nproc)" "$@"
