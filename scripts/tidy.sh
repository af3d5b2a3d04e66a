#!/usr/bin/env bash
# clang-tidy's cognitive-complexity check (.clang-tidy: at most 25) over the
# engine, the linter, the rules and the CLI. A function over the limit fails
# the run unless scripts/tidy-allowlist.txt lists it with a ceiling it does
# not exceed; an entry that is no longer needed fails too, so the list only
# shrinks. Needs the compile database of ./build (scripts/setup.sh).
#   TIDY_BUILD_DIR  folder with compile_commands.json (default build)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD="${TIDY_BUILD_DIR:-build}"
TIDY="$(command -v clang-tidy || command -v clang-tidy-14)"
ALLOW=scripts/tidy-allowlist.txt
raw="$(mktemp)"
found="$(mktemp)"
trap 'rm -f "$raw" "$found"' EXIT

find engine/src lint rules cli -name '*.cc' | sort |
  xargs -P "$(nproc)" -n 4 "$TIDY" -p "$BUILD" --quiet >"$raw" 2>/dev/null || true

# path <TAB> function (lambdas as "(lambda)") <TAB> highest complexity seen.
sed -E -n "s|^$PWD/||; s#^([^:]+):[0-9]+:[0-9]+: warning: (function '([^']*)'|lambda) has cognitive complexity of ([0-9]+).*#\1\t\3\t\4#p" "$raw" |
  awk -F'\t' '{ key = $1 "\t" ($2 == "" ? "(lambda)" : $2); if ($3 > max[key]) max[key] = $3 }
              END { for (k in max) print k "\t" max[k] }' | sort >"$found"

awk -F'\t' -v allow="$ALLOW" '
  BEGIN {
    while ((getline line < allow) > 0) {
      if (line ~ /^#/ || line ~ /^[[:space:]]*$/) continue
      split(line, f, "\t")
      ceiling[f[1] "\t" f[2]] = f[3]
    }
  }
  {
    key = $1 "\t" $2
    if (!(key in ceiling)) { printf "%s: `%s` has cognitive complexity %d (limit 25); split it\n", $1, $2, $3; bad = 1 }
    else if ($3 > ceiling[key]) { printf "%s: `%s` grew to cognitive complexity %d (listed at %d); split it\n", $1, $2, $3, ceiling[key]; bad = 1 }
    seen[key] = 1
  }
  END {
    for (k in ceiling) if (!(k in seen)) {
      split(k, f, "\t")
      printf "%s: `%s` is within the limit now; remove it from %s\n", f[1], f[2], allow
      bad = 1
    }
    exit bad
  }' "$found" && echo "tidy: $(wc -l <"$found") listed functions over the limit, none new"
