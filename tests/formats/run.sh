#!/usr/bin/env bash
# The machine-readable outputs against schemas nobody here wrote:
# - SARIF: the SARIF 2.1.0 schema as Microsoft publishes it in the npm
#   package @microsoft/jest-sarif (lib/schemas/sarif-2.1.0-rtm.5.json), the
#   tarball fetched from the npm registry and checked against its pinned
#   integrity hash;
# - GitLab Code Quality: the fields GitLab documents (tests/lint_test.cc
#   checks them; GitLab publishes no schema for this report).
# Every lint output of the bundled corpus is validated, plus the corner
# cases (no findings, findings without a line).
#   tests/formats/run.sh BINARY
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${1:-build/trustcheck}"
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"

PACKAGE_URL="https://registry.npmjs.org/@microsoft/jest-sarif/-/jest-sarif-1.0.0-beta.0.tgz"
PACKAGE_SHA512="A1fOhPd6Ic5iDk4F9YPw1qNB4XF+7+IviR7xl8r2F6QzQkx5cpY9LsGk2rExiFIEcBbjpVnSmwWGBukASkiQ9A=="
CACHE="${TRUSTCHECK_SCHEMA_CACHE:-build/schemas}"

mkdir -p "$CACHE"
tarball="$CACHE/jest-sarif-1.0.0-beta.0.tgz"
if [ ! -s "$tarball" ]; then
  curl -fsSL --retry 3 -o "$tarball.part" "$PACKAGE_URL"
  mv "$tarball.part" "$tarball"
fi
actual="$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$PACKAGE_SHA512" ]; then
  rm -f "$tarball"
  echo "formats: $PACKAGE_URL does not have the pinned integrity hash" >&2
  exit 1
fi
schema="$CACHE/sarif-2.1.0-rtm.5.json"
tar -xzOf "$tarball" package/lib/schemas/sarif-2.1.0-rtm.5.json >"$schema"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
validate() {  # validate NAME COMMAND ARGS...: SARIF of `COMMAND ARGS` against the schema
  local name="$1"; shift
  local command="$1"; shift
  "$BIN" "$command" --format sarif "$@" >"$work/$name.sarif" 2>/dev/null || true
  if node tests/formats/validate.js "$schema" "$work/$name.sarif"; then
    echo "ok    SARIF $name"
  else
    echo "FAIL  SARIF $name"; failures=$((failures + 1))
  fi
}
validate corpus lint corpus
validate clean lint corpus/lint/shared-issuer-without-tenant-pin/good-immutable.json
validate malformed lint corpus/lint/malformed-trust/bad.json
validate terraform lint corpus/terraform
validate ci-github ci --repo octo-org/octo-repo --at 2026-12-07T00:00:00Z corpus/ci/github-actions
validate ci-gitlab ci --repo acme/app --at 2026-12-07T00:00:00Z corpus/ci/gitlab
# The validator itself fails on an invalid log (a test that can fail).
echo '{"version": "2.1.0", "runs": [{"tool": {}}]}' >"$work/broken.sarif"
if node tests/formats/validate.js "$schema" "$work/broken.sarif" 2>/dev/null; then
  echo "FAIL  the validator accepts a run without a driver"; failures=$((failures + 1))
else
  echo "ok    the validator refuses a run without a driver"
fi
[ "$failures" -eq 0 ] || { echo "formats: $failures output(s) do not validate"; exit 1; }
echo "formats: every SARIF output validates against the published SARIF 2.1.0 schema"
