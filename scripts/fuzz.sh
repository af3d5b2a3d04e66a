#!/usr/bin/env bash
# Runs libFuzzer targets built with -DTRUSTCHECK_FUZZ=ON (see docs/fuzzing.md).
#
#   scripts/fuzz.sh BUILD_DIR SECONDS [TARGET...]
#
# Each target runs for SECONDS, one after the other, seeded from corpus/ (and
# tests/fuzz/seeds/ for the CEL and matcher targets). New inputs go to
# OUT/fuzz-corpus/TARGET (kept between runs, never committed); a crash, leak,
# timeout or out-of-memory input is written to OUT/fuzz-artifacts/TARGET-*
# with the log beside it, and the script exits non-zero after running the
# remaining targets. OUT is BUILD_DIR unless FUZZ_OUT names another folder.
# Without TARGET names, every target in BUILD_DIR/fuzz runs. FUZZ_FLAGS adds
# libFuzzer flags (e.g. -jobs=2).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
  exit 2
fi
build="$1"
seconds="$2"
out="${FUZZ_OUT:-$build}"
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for t in "$build"/fuzz/*_fuzz; do targets+=("$(basename "$t")"); done
fi

# The seed folders of each target.
seeds_of() {
  case "$1" in
    load_aws_policy_fuzz) echo corpus/aws corpus/lint ;;
    load_json_template_fuzz) echo corpus/aws/templates corpus/aws ;;
    hcl_template_fuzz) echo corpus/aws/templates corpus/terraform ;;
    load_aws_iam_dump_fuzz) echo corpus/aws-dumps ;;
    load_cloudformation_fuzz) echo corpus/cloudformation ;;
    load_entra_credential_fuzz) echo corpus/azure ;;
    load_arm_template_fuzz) echo corpus/azure/arm ;;
    load_bicep_fuzz) echo corpus/azure/bicep corpus/azure/bicep-modules ;;
    load_bicepparam_fuzz) echo corpus/azure/bicep-params ;;
    load_gcp_provider_fuzz) echo corpus/gcp ;;
    load_terraform_fuzz) echo corpus/terraform ;;
    load_terraform_plan_fuzz) echo corpus/terraform-plan ;;
    load_vault_role_fuzz | load_vault_jwt_config_fuzz) echo corpus/vault ;;
    token_fuzz) echo corpus/tokens ;;
    cel_fuzz) echo tests/fuzz/seeds/cel ;;
    matcher_fuzz) echo tests/fuzz/seeds/matcher ;;
    ci_fuzz) echo tests/fuzz/seeds/ci ;;
  esac
}

# libFuzzer reads seed folders flat; copy every file below them into one.
collect_seeds() {
  local into="$1"
  shift
  mkdir -p "$into"
  for dir in "$@"; do
    find "$dir" -type f -size -64k | while read -r f; do
      cp "$f" "$into/$(echo "$f" | tr '/' '_')"
    done
  done
}

failed=()
for target in "${targets[@]}"; do
  binary="$build/fuzz/$target"
  if [ ! -x "$binary" ]; then
    echo "fuzz: no such target $binary" >&2
    failed+=("$target")
    continue
  fi
  work="$out/fuzz-corpus/$target"
  seeds="$out/fuzz-seeds/$target"
  artifacts="$out/fuzz-artifacts"
  mkdir -p "$work" "$artifacts"
  rm -rf "$seeds"
  # shellcheck disable=SC2046
  collect_seeds "$seeds" $(seeds_of "$target")
  log="$artifacts/$target.log"
  echo "fuzz: $target for ${seconds}s (log $log)"
  # -timeout: one input may take 5 s; -rss_limit_mb: 1 GiB, as the hostile suite.
  # shellcheck disable=SC2086
  "$binary" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$target-" ${FUZZ_FLAGS:-} "$work" "$seeds" >"$log" 2>&1
  status=$?
  grep -E "^stat::number_of_executed_units|^Done [0-9]+ runs" "$log" | tail -1
  if [ $status -ne 0 ]; then
    echo "fuzz: $target FAILED (exit $status); see $log" >&2
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5 >&2
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
