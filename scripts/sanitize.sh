#!/usr/bin/env bash
# The unit tests under AddressSanitizer and UndefinedBehaviorSanitizer, then
# a short libFuzzer smoke run of every fuzz target (seeded from corpus/), all
# from one clang build in ./build-sanitize. scripts/run-tests.sh calls it
# after the regular build; scripts/setup.sh installs clang and its runtimes.
#   FUZZ_SECONDS        smoke run per target (default 5; docs/fuzzing.md for campaigns)
#   SANITIZE_BUILD_DIR  the build folder (default build-sanitize)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD="${SANITIZE_BUILD_DIR:-build-sanitize}"
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTRUSTCHECK_SANITIZE=ON -DTRUSTCHECK_FUZZ=ON -DTRUSTCHECK_BUILD_BENCH=OFF >/dev/null
ninja -C "$BUILD" -j"$(nproc)"

# Any sanitizer report fails the test that triggered it.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)"

scripts/fuzz.sh "$BUILD" "${FUZZ_SECONDS:-5}"
