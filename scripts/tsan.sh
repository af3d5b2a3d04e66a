#!/usr/bin/env bash
# ThreadSanitizer over the code that runs on several threads: the loading
# (LoadPaths, the roles of a large dump, the test pool), the index build
# (TrustIndex::Build) and the lint rules (RunLint). One clang build in ./build-tsan of the CLI and the suites that
# drive those paths, then the suites and a lint and an eval over the
# bundled corpus (the lint corpus holds broken files on purpose, so eval
# reads the platform folders). Not part of CI: TSan's runtime in clang 14 refuses some
# kernels' address-space layouts ("unexpected memory mapping"), so it runs
# where it works, before changing threaded code.
#   TSAN_BUILD_DIR  the build folder (default build-tsan)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD="${TSAN_BUILD_DIR:-build-tsan}"
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
  -DTRUSTCHECK_BUILD_BENCH=OFF >/dev/null
ninja -C "$BUILD" -j"$(nproc)" trustcheck lint_test index_test cli_eval_test aws_dumps_test test_pool_test interned_string_test

# A data race fails the run (exit 66).
export TSAN_OPTIONS="halt_on_error=1:exitcode=66:suppressions=$PWD/scripts/tsan.supp:${TSAN_OPTIONS:-}"
ctest --test-dir "$BUILD" --output-on-failure -R '^(lint_test|index_test|cli_eval_test|aws_dumps_test|test_pool_test|interned_string_test)$'
# lint exits 1 when it has findings at or above medium; only a race (66) or
# an error (2) is a failure here.
status=0
"$BUILD/trustcheck" lint corpus > /dev/null || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then exit "$status"; fi
"$BUILD/trustcheck" eval --token corpus/tokens/github-actions-main.json --at 1632493000 \
  corpus/aws corpus/cloudformation corpus/gcp corpus/azure corpus/terraform > /dev/null || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then exit "$status"; fi
echo "tsan: no data race"
