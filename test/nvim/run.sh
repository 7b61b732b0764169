#!/usr/bin/env bash
# Headless Neovim test of the language server as shipped (bin/ launcher + dist/server.js), with the
# Neovim configuration of the README's Editors section, extracted from the README as it stands.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v nvim >/dev/null || { echo "test/nvim: nvim is not installed (apt-get install neovim)" >&2; exit 1; }
[ -f dist/server.js ] || npm run build >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/ws"
cp test/lsp/fixtures/demo.c "$work/ws/demo.c"
# A closed file for the workspace check (open documents are the editor's business).
cp test/lsp/fixtures/demo.c "$work/ws/closed.c"
echo '{}' > "$work/ws/.flushguard.json"
# The README's config runs `flushguard-language-server` from PATH, as after a global install.
ln -s "$PWD/bin/flushguard-language-server.js" "$work/bin/flushguard-language-server"
awk '/<!-- nvim-0.7-config/ { take = 1; next } take && /^```lua$/ { inside = 1; next }
     inside && /^```$/ { exit } inside { print }' README.md > "$work/init.lua"
[ -s "$work/init.lua" ] || { echo "test/nvim: no Neovim configuration found in README.md" >&2; exit 1; }
PATH="$work/bin:$PATH" FG_FILE="$work/ws/demo.c" \
  timeout 90 nvim --headless -u "$work/init.lua" -i NONE -c 'luafile test/nvim/flushguard.lua'
