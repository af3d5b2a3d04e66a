#!/usr/bin/env bash
# Runs the GitHub Action's steps (action/install.sh, action/lint.sh) as the
# runner would, with a fake GitHub environment (RUNNER_TEMP, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH), and checks what they write.
#   tests/action/run.sh PACKAGE.deb     (scripts/package.sh builds it)
set -euo pipefail
cd "$(dirname "$0")/../.."
DEB="${1:?usage: tests/action/run.sh PACKAGE.deb}"
DEB="$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@"; then echo "ok    $what"; else echo "FAIL  $what"; failures=$((failures + 1)); fi
}
output() { sed -n "s/^$1=//p" "$GITHUB_OUTPUT" | tail -n 1; }

fresh_env() {
  export RUNNER_TEMP="$work/tmp-$1" GITHUB_OUTPUT="$work/output-$1" GITHUB_STEP_SUMMARY="$work/summary-$1"
  export GITHUB_ACTION_PATH="$PWD"
  mkdir -p "$RUNNER_TEMP"
  : >"$GITHUB_OUTPUT"
  : >"$GITHUB_STEP_SUMMARY"
}

# action.yml runs exactly these scripts.
check "action.yml runs action/install.sh and action/lint.sh" \
  grep -q 'GITHUB_ACTION_PATH/action/install.sh' action.yml
check "action.yml passes the install step's binary to lint" grep -q 'steps.install.outputs.binary' action.yml

# Install from the package built in the job.
fresh_env install
INPUT_PACKAGE="$DEB" action/install.sh >"$work/install.log" 2>&1
binary="$(output binary)"
check "install: writes the binary's path" test -x "$binary"
check "install: the binary is the packaged one" test "$binary" = "$RUNNER_TEMP/trustcheck-root/usr/bin/trustcheck"
check "install: the binary runs" grep -q '^trustcheck ' "$work/install.log"
fresh_env missing
set +e
INPUT_PACKAGE="$work/none.deb" action/install.sh >"$work/missing.log" 2>&1
code=$?
set -e
check "install: a missing package fails the step" test "$code" -eq 2
check "install: ... with an annotation" grep -q '^::error title=trustcheck::package' "$work/missing.log"
export TRUSTCHECK="$binary"

bad=corpus/lint/for-all-values-on-single-valued-claim/bad.json
good=corpus/lint/shared-issuer-without-tenant-pin/good.json
clean=corpus/lint/shared-issuer-without-tenant-pin/good-immutable.json

# Annotations, failing on high.
fresh_env annotate
INPUT_PATHS="$bad" INPUT_FAIL_ON=high action/lint.sh >"$work/annotate.out"
check "lint: exit-code 1 on a high finding" test "$(output exit-code)" = 1
check "lint: counts the findings" test "$(output findings)" = "$(grep -c '^::' "$work/annotate.out")"
check "lint: annotates the file and line" \
  grep -q "^::error file=$bad,line=10,col=37,title=TC008 for-all-values-on-single-valued-claim::" "$work/annotate.out"
check "lint: no SARIF without upload" test -z "$(output sarif-file)"
check "lint: summary table" grep -q '^| high | 1 |$' "$GITHUB_STEP_SUMMARY"

# fail-on never; paths on several lines; extra arguments.
fresh_env never
INPUT_PATHS="$bad
$good" INPUT_FAIL_ON=never INPUT_ARGS="--type aws-policy" action/lint.sh >"$work/never.out"
check "lint: fail-on never gives exit-code 0" test "$(output exit-code)" = 0
check "lint: both paths linted" grep -q "file=$bad" "$work/never.out"

# A clean file.
fresh_env clean
INPUT_PATHS="$clean" INPUT_FAIL_ON=medium action/lint.sh >"$work/clean.out"
check "lint: a clean file gives exit-code 0" test "$(output exit-code)" = 0
check "lint: ... and 0 findings" test "$(output findings)" = 0
check "lint: ... summary says so" grep -q '^No findings.$' "$GITHUB_STEP_SUMMARY"

# SARIF for the upload step instead of annotations.
fresh_env sarif
INPUT_PATHS="$bad" INPUT_FAIL_ON=high INPUT_UPLOAD_SARIF=true action/lint.sh >"$work/sarif.out"
sarif="$(output sarif-file)"
check "lint: writes the SARIF file" test -s "$sarif"
check "lint: ... SARIF 2.1.0" grep -q '"version" : "2.1.0"' "$sarif"
check "lint: ... no annotations then" test "$(grep -c '^::' "$work/sarif.out" || true)" = 0
check "lint: ... and still exit-code 1" test "$(output exit-code)" = 1

# An input error is exit-code 2, not a pass.
fresh_env error
INPUT_PATHS="$work/no-such.json" action/lint.sh >"$work/error.out" 2>&1
check "lint: an unreadable path gives exit-code 2" test "$(output exit-code)" = 2

[ "$failures" -eq 0 ] || { echo "action: $failures check(s) failed"; exit 1; }
echo "action: every step checked"
