#!/usr/bin/env bash
# End-to-end: build the .vsix, install it into code-server (a real VS Code), open the sample
# draft in headless Chromium and check squiggles, the Problems panel, the status bar and a
# quick fix. Installs what it needs (Debian: chromium, ripgrep, build tools; npm:
# code-server 4.100.3, playwright-core). Screenshots go to the folder it prints.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
EXT="$(dirname "$HERE")"
ROOT="$(dirname "$EXT")"
# Outside the repository, so VS Code does not offer to open it as a git repository.
WORK="${KLARSYN_E2E_WORK:-${TMPDIR:-/tmp}/klarsyn-e2e}"
SHOTS="${KLARSYN_E2E_SHOTS:-$WORK/screenshots}"
PORT="${KLARSYN_E2E_PORT:-18731}"
CS="$WORK/code-server"
mkdir -p "$WORK" "$SHOTS"

if [ "$(id -u)" = 0 ]; then
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v rg >/dev/null || need+=(ripgrep)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
  command -v make >/dev/null || need+=(build-essential)
  command -v curl >/dev/null || need+=(curl)
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" pkg-config >/dev/null
  fi
fi

# 1. The .vsix, built the way the README says.
# KLARSYN_E2E_SKIP_BUILD=1 reuses the last package (for a quicker run while working on a scenario).
if [ "${KLARSYN_E2E_SKIP_BUILD:-}" != 1 ]; then
  (cd "$EXT" && npm ci --no-audit --no-fund --loglevel=error && npm run package >/dev/null)
fi
VSIX="$EXT/packages/klarsyn-linux-x64-0.1.0.vsix"  # this machine: Linux x86-64
echo "vsix: $VSIX ($(du -h "$VSIX" | cut -f1))"

# 2. code-server from npm (pinned: newer ones need Node 24); @vscode/ripgrep's download is
#    pre-seeded with Debian's rg, as the machine has no access to GitHub.
if [ ! -x "$CS/node_modules/.bin/code-server" ]; then
  mkdir -p "$CS/tmp"
  (cd "$CS" && { [ -f package.json ] || npm init -y >/dev/null; }
   export TMPDIR="$CS/tmp"; RG_VER=1.15.11
   mkdir -p "$TMPDIR/vscode-ripgrep-cache-$RG_VER" "$TMPDIR/rgsrc" && cp "$(command -v rg)" "$TMPDIR/rgsrc/rg"
   tar czf "$TMPDIR/vscode-ripgrep-cache-$RG_VER/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TMPDIR/rgsrc" rg
   npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --loglevel=error code-server@4.100.3 >/dev/null)
fi
(cd "$HERE" && npm install --no-audit --no-fund --loglevel=error >/dev/null)

# 3. The extension, installed once into the extensions folder the scenarios share; then each
#    scenario (scenarios/*.js) starts code-server on a fresh profile and workspace.
export XDG_CONFIG_HOME="$WORK/home/config" XDG_DATA_HOME="$WORK/home/data" XDG_CACHE_HOME="$WORK/home/cache" HOME="$WORK/home"
rm -rf "$WORK/exts" "$WORK/scenarios"
"$CS/node_modules/.bin/code-server" --user-data-dir "$WORK/ud" --extensions-dir "$WORK/exts" --install-extension "$VSIX" --force >/dev/null

# 4. Drive them.
KLARSYN_E2E_WORK="$WORK" KLARSYN_E2E_SHOTS="$SHOTS" KLARSYN_E2E_PORT="$PORT" node "$HERE/run-all.js" "$@"
