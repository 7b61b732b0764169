#!/usr/bin/env bash
# Headless Neovim test of the language server as shipped (bin/ launcher + dist/server.js).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v nvim >/dev/null || { echo "test/nvim: nvim is not installed (apt-get install neovim)" >&2; exit 1; }
[ -f dist/server.js ] || npm run build >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp test/lsp/fixtures/demo.c "$work/demo.c"
FG_SERVER="$PWD/bin/flushguard-language-server.js" FG_FILE="$work/demo.c" \
  timeout 90 nvim --headless --clean -c 'luafile test/nvim/flushguard.lua'
