#!/usr/bin/env bash
# Builds the Debian package from ./build (scripts/setup.sh), installs it into
# a scratch root and runs the installed binary on the bundled corpus: the
# package holds what `cmake --install` installs, declares the libraries the
# binary needs, and the binary it installs works.
#   PACKAGE_DIR  where the .deb is written (default build/package)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "package: $*" >&2; exit 1; }

OUT="${PACKAGE_DIR:-build/package}"
mkdir -p "$OUT"
(cd build && cpack -G DEB -B "$PWD/../$OUT" >/dev/null 2>&1) || fail "cpack failed"
deb="$(ls "$OUT"/trustcheck_*.deb | head -n 1)"
echo "package: $deb"


depends="$(dpkg-deb -f "$deb" Depends)"
for lib in libjsoncpp25 libre2-9 libfmt9 libyaml-cpp0.7 libssl3 libstdc++6; do
  case "$depends" in *"$lib"*) ;; *) fail "Depends lacks $lib: $depends" ;; esac
done

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
for f in usr/bin/trustcheck usr/share/man/man1/trustcheck.1 usr/share/doc/trustcheck/README.md \
         usr/share/doc/trustcheck/lint.md usr/share/doc/trustcheck/rules/README.md; do
  [ -e "$root/$f" ] || fail "missing /$f"
done
bin="$root/usr/bin/trustcheck"
"$bin" --version | grep -q "^trustcheck " || fail "--version"
# The installed binary on the corpus: findings (1) or none (0), never an error (2).
set +e
"$bin" lint --format json corpus >"$root/lint.json"
rc=$?
set -e
[ "$rc" -le 1 ] || fail "lint on the corpus exited $rc"
grep -q '"findings"' "$root/lint.json" || fail "lint wrote no report"
"$bin" eval --at 1632493600 --token corpus/tokens/github-actions-main.json corpus/aws/github-actions-repo.json >/dev/null ||
  fail "eval of a documented token against a bundled role"
echo "package: installed into a scratch root; the installed binary lints the corpus (exit $rc)"
