#!/usr/bin/env bash
# Regenerates docs/rules/ from the rules' RuleInfo, through
# `trustcheck rules --format markdown`, and docs/platform-facts.md through
# `trustcheck facts`. tests/rules_docs_test.cc fails when the checked-in
# pages differ from what this writes.
#
#   tools/gen_rule_docs.sh [path/to/trustcheck]    (default: build/trustcheck)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/trustcheck}"
if [ ! -x "$bin" ]; then
  echo "gen_rule_docs: no trustcheck executable at $bin (build it, or pass its path)" >&2
  exit 2
fi
mkdir -p docs/rules
rm -f docs/rules/*.md
"$bin" rules --format markdown > docs/rules/README.md
# `trustcheck rules` prints one rule per line: ID SEVERITY NAME SUMMARY...
"$bin" rules | while read -r id _severity name _summary; do
  "$bin" rules --format markdown "$id" > "docs/rules/$id-$name.md"
done
echo "docs/rules: $(ls docs/rules | wc -l) pages"
"$bin" facts > docs/platform-facts.md
