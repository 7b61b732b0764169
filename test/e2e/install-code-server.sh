#!/bin/sh
# Installs code-server from the npm registry alone into <dest>/package (run it with
# `node <dest>/package/out/node/entry.js`). See docs/editor.md, "Tests and measurements".
# Not `npm install -g code-server`: under npm 11 the nested install that its postinstall.sh runs
# in lib/vscode fails (ENOENT node-pty / ENOTEMPTY). Needs Debian: build-essential python3
# pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep. The Node major must
# equal code-server's engines.node (4.100.3 -> 20).
# Usage: install-code-server.sh <version> <dest-dir>; writes <dest>/.complete when done.
set -eu
ver="$1"; dest="$2"
rm -rf "$dest"; mkdir -p "$dest"; cd "$dest"
npm pack "code-server@$ver" >/dev/null
tar xzf "code-server-$ver.tgz" && rm "code-server-$ver.tgz"
cd package
want=$(node -p "require('./package.json').engines.node")
have=$(node -p "process.versions.node.split('.')[0]")
[ "$want" = "$have" ] || { echo "code-server $ver needs Node $want, this is Node $have" >&2; exit 1; }

# VS Code 1.100 uses @vscode/ripgrep, whose postinstall downloads rg from GitHub unless its
# download cache already holds the tarball: seed the cache with Debian's rg.
rgver=$(node -p "(require('./lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep'] || {}).version || ''")
if [ -n "$rgver" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "@vscode/ripgrep@$rgver" >/dev/null && tar xzf ./*.tgz)
  rgtag=$(sed -n "s/^const VERSION = '\(.*\)';/\1/p" "$tmp/package/lib/postinstall.js")
  case "$(uname -m)" in
    x86_64) target=x86_64-unknown-linux-musl ;;
    aarch64) target=aarch64-unknown-linux-musl ;;
    *) echo "unsupported arch $(uname -m)" >&2; exit 1 ;;
  esac
  cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$rgver"
  mkdir -p "$cache" "$tmp/rg"; cp "$(command -v rg)" "$tmp/rg/rg"
  tar czf "$cache/ripgrep-$rgtag-$target.tar.gz" -C "$tmp/rg" rg
  rm -rf "$tmp"
fi

# node-gyp must take the Node headers from disk, never download them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
# npm_config_yes: node-pty's post-install runs `npx node-gyp` (refused when an npmrc says yes=false).
npm_config_yes=true npm_config_unsafe_perm=true npm install --omit=dev --unsafe-perm --no-audit --no-fund
touch "$dest/.complete"
