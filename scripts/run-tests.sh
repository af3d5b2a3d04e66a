#!/usr/bin/env bash
# Set up, build, and run every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
# No function past the cognitive-complexity limit that is not listed.
scripts/tidy.sh
# The Debian package builds, installs into a scratch root and runs.
scripts/package.sh
# The GitHub Action's steps, run with a fake GitHub environment.
tests/action/run.sh "$(ls build/package/trustcheck_*.deb | head -n 1)"
# SARIF outputs against the published SARIF 2.1.0 schema.
tests/formats/run.sh build/trustcheck
# The same tests under ASan+UBSan, and a fuzz smoke run per target (clang).
scripts/sanitize.sh
