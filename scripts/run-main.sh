#!/usr/bin/env bash
# The main job on the bundled corpus: set up, build, then ask which bundled
# trusts accept the bundled GitHub Actions token (the token is from 2021, so
# the evaluation time is set to its lifetime).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Every bundled example folder (lint fixtures and deliberately broken inputs
# live elsewhere: corpus/lint, tests/fixtures; corpus/diff holds old/new pairs).
examples=()
for d in corpus/*/; do
  case "$d" in corpus/lint/|corpus/tokens/|corpus/invalid/|corpus/diff/) continue ;; esac
  examples+=("$d")
done
./build/trustcheck eval --token corpus/tokens/github-actions-main.json --at 2021-09-24T14:30:00Z "${examples[@]}"
# Then lint the same examples. Some are relaxed on purpose, so findings
# (exit 1) are expected; an input or usage error (exit 2) fails the job.
status=0
./build/trustcheck lint "${examples[@]}" || status=$?
[ "$status" -le 1 ]
# The CI join on the bundled repositories: a deploy job whose role refuses
# its token (exit 1) is one of the examples.
for repo in "octo-org/octo-repo corpus/ci/github-actions" "acme/app corpus/ci/gitlab"; do
  set -- $repo
  status=0
  ./build/trustcheck ci --repo "$1" "$2" || status=$?
  [ "$status" -le 1 ]
done
