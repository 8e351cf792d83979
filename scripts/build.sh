#!/usr/bin/env bash
# Installs what is missing, then configures and builds prsearch.
#   scripts/build.sh [BUILD_DIR [extra cmake args...]]
# BUILD_DIR defaults to build/. Prints the path of the prsearch binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true

"$root/scripts/deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
