#!/usr/bin/env bash
# Installs what is missing, builds, and runs one node in the foreground.
# Extra arguments go to streamgate, e.g. scripts/run.sh --port 9000
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
cd "$root"
exec "${BUILD_DIR:-$root/build}/streamgate" --config "${STREAMGATE_CONFIG:-etc/streamgate.yaml}" "$@"
