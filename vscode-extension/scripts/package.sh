#!/usr/bin/env bash
# `npm run package`: one .vsix per platform, plus a universal one, in packages/:
#   klarsyn-<target>-<version>.vsix   the server with the compiled modules of that platform
#   klarsyn-universal-<version>.vsix  the server without compiled modules, for other platforms
# The pure-Python libs are built once and shared by all seven; only bundled/abi and
# bundled/target.json change between targets (see bundle-server.sh). With arguments, builds
# only those targets (e.g. `npm run package -- linux-x64`).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(node -p 'require("./package.json").version')
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(win32-x64 win32-arm64 darwin-x64 darwin-arm64 linux-x64 linux-arm64 universal)
VSCE=(npx --no-install vsce package --no-dependencies --no-rewrite-relative-links)

npm run build
rm -rf packages bundled
mkdir -p packages
first=--libs
for target in "${TARGETS[@]}"; do
  bash scripts/bundle-server.sh $first "$target"
  first=
  if [ "$target" = universal ]; then
    # No --target: the Marketplace offers this one wherever no platform package fits.
    "${VSCE[@]}" --out "packages/klarsyn-universal-$VERSION.vsix"
  else
    "${VSCE[@]}" --target "$target" --out "packages/klarsyn-$target-$VERSION.vsix"
  fi
done
ls -l packages
