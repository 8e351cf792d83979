#!/usr/bin/env bash
# Sets up, builds and runs every test: once in a normal build and once
# under AddressSanitizer + UndefinedBehaviorSanitizer.
#   scripts/test.sh [ctest args...]   e.g. -L unit, -R cli
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$root/scripts/build.sh" "$root/build" -DPRS_WERROR=ON
echo "== tests (release build)"
ctest --test-dir "$root/build" --output-on-failure -j"$jobs" "$@"

"$root/scripts/build.sh" "$root/build-asan" -DPRS_SANITIZE=ON -DPRS_WERROR=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== tests (AddressSanitizer + UBSan build)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
ctest --test-dir "$root/build-asan" --output-on-failure -j"$jobs" "$@"
