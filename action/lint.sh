#!/usr/bin/env bash
# The action's second step: lints the paths and reports.
#   TRUSTCHECK          the binary (the install step's output)
#   INPUT_PATHS         files or folders, separated by spaces or new lines
#   INPUT_FAIL_ON       a severity, or `never`
#   INPUT_CONFIG        a configuration file, or empty
#   INPUT_UPLOAD_SARIF  `true`: write a SARIF report for the upload step
#                       instead of annotations
#   INPUT_ARGS          more arguments for `trustcheck lint`
# Outputs: `findings`, `exit-code` (the job fails in a later step, so the
# SARIF upload still runs) and `sarif-file`. A summary table goes to
# GITHUB_STEP_SUMMARY.
set -euo pipefail
set -f  # paths and arguments are words, never globs

: "${TRUSTCHECK:?}" "${RUNNER_TEMP:?}" "${GITHUB_OUTPUT:?}"
read -r -d '' -a paths <<<"${INPUT_PATHS:-.}" || true
read -r -d '' -a extra <<<"${INPUT_ARGS:-}" || true
[ ${#paths[@]} -gt 0 ] || paths=(.)

fail_on="${INPUT_FAIL_ON:-high}"
args=(lint)
if [ "$fail_on" = never ]; then
  args+=(--fail-on critical)
else
  args+=(--fail-on "$fail_on")
fi
[ -z "${INPUT_CONFIG:-}" ] || args+=(--config "$INPUT_CONFIG")
args+=("${extra[@]}")

report="$RUNNER_TEMP/trustcheck.json"
set +e
"$TRUSTCHECK" "${args[@]}" --format json "${paths[@]}" >"$report"
code=$?
set -e
[ "$fail_on" != never ] || [ "$code" -ne 1 ] || code=0

if [ "${INPUT_UPLOAD_SARIF:-false}" = true ]; then
  sarif="$RUNNER_TEMP/trustcheck.sarif"
  "$TRUSTCHECK" "${args[@]}" --format sarif "${paths[@]}" >"$sarif" 2>/dev/null || true
  echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
else
  # Annotations: the runner reads the workflow commands on standard output.
  "$TRUSTCHECK" "${args[@]}" --format github "${paths[@]}" 2>/dev/null || true
  echo "sarif-file=" >>"$GITHUB_OUTPUT"
fi

# Counts by severity from the JSON report, for the outputs and the summary.
findings=$(grep -c '"rule" :' "$report" || true)
echo "findings=$findings" >>"$GITHUB_OUTPUT"
echo "exit-code=$code" >>"$GITHUB_OUTPUT"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### trustcheck"
    echo
    if [ "$code" -eq 2 ]; then
      echo "trustcheck could not read every input (see the step's log)."
    elif [ "$findings" -eq 0 ]; then
      echo "No findings."
    else
      echo "| severity | findings |"
      echo "|---|---|"
      for s in critical high medium low info; do
        n=$(grep -c "\"severity\" : \"$s\"" "$report" || true)
        [ "$n" -eq 0 ] || echo "| $s | $n |"
      done
    fi
  } >>"$GITHUB_STEP_SUMMARY"
fi
echo "trustcheck: $findings finding(s), exit code $code"
