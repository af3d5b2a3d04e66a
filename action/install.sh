#!/usr/bin/env bash
# The action's first step: puts a trustcheck binary in place and writes its
# path to the step output `binary`.
#   INPUT_PACKAGE  a trustcheck .deb built earlier in the job: its missing
#                  dependencies are installed with apt-get and the package is
#                  unpacked under RUNNER_TEMP (no root needed when nothing is
#                  missing). Empty: build from the action's source
#                  (GITHUB_ACTION_PATH) with the Debian packages it needs.
set -euo pipefail

: "${RUNNER_TEMP:?}" "${GITHUB_OUTPUT:?}"
SOURCE="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"

apt_install() {  # installs the packages that are not installed yet
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [ -n "${INPUT_PACKAGE:-}" ]; then
  [ -f "$INPUT_PACKAGE" ] || { echo "::error title=trustcheck::package \`$INPUT_PACKAGE\` does not exist"; exit 2; }
  # Depends: "libc6 (>= 2.34), libfmt9 (>= 9.1.0+ds1), ..." -> the names.
  mapfile -t deps < <(dpkg-deb -f "$INPUT_PACKAGE" Depends | tr ',' '\n' | sed -E 's/^ *//; s/ .*//' | grep -v '^$')
  apt_install "${deps[@]}"
  root="$RUNNER_TEMP/trustcheck-root"
  rm -rf "$root"
  dpkg-deb -x "$INPUT_PACKAGE" "$root"
  binary="$root/usr/bin/trustcheck"
else
  apt_install g++ cmake ninja-build pkg-config libjsoncpp-dev libre2-dev libfmt-dev libyaml-cpp-dev libssl-dev
  build="$RUNNER_TEMP/trustcheck-build"
  cmake -S "$SOURCE" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRUSTCHECK_BUILD_TESTS=OFF \
    -DTRUSTCHECK_BUILD_BENCH=OFF >/dev/null
  ninja -C "$build" trustcheck >/dev/null
  binary="$build/trustcheck"
fi
"$binary" --version
echo "binary=$binary" >>"$GITHUB_OUTPUT"
