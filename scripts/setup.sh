#!/usr/bin/env bash
# Installs the Debian packages trustcheck needs (only the missing ones) and
# builds it into ./build. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(g++ cmake ninja-build pkg-config libjsoncpp-dev libre2-dev libfmt-dev libyaml-cpp-dev
          libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
          # The sanitizer and fuzzing build (scripts/sanitize.sh): clang 14, its
          # runtime libraries (ASan, UBSan, libFuzzer) and llvm-symbolizer for
          # readable stack traces.
          clang libclang-rt-14-dev llvm
          # The cognitive-complexity check (scripts/tidy.sh).
          clang-tidy
          # The Debian package (scripts/package.sh): dpkg-shlibdeps finds its
          # dependencies, `file` tells CPack which files are binaries.
          dpkg-dev file
          # SARIF output against the published schema (tests/formats/run.sh):
          # ajv validates, curl fetches the schema's npm package.
          nodejs node-ajv curl ca-certificates)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
ninja -C build -j"$(nproc)"
