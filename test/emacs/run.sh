#!/usr/bin/env bash
# Headless Emacs 28 + eglot (Debian's emacs-nox and elpa-eglot) against the language server as
# shipped (bin/ launcher + dist/server.js): a diagnostic on the expected line, the quick fix that
# inserts the flush, the diagnostic gone. Installs the Debian packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
APT=(emacs-nox elpa-eglot)
missing=()
for p in "${APT[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "emacs: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "emacs: FAIL: need root (or these packages installed): ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -f dist/server.js ] || npm run build >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp examples/demo_blk.c "$work/demo_blk.c"
# The line of the file's first finding, as the CLI reports it (exit 1: findings).
node bin/flushguard.js lint --no-cache --format json "$work/demo_blk.c" > "$work/lint.json" || [ $? -eq 1 ]
line=$(node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).findings[0].line))' < "$work/lint.json")
FG_SERVER=bin/flushguard-language-server.js FG_FILE="$work/demo_blk.c" FG_LINE="$line" \
  timeout 90 emacs --batch -Q -l test/emacs/eglot-test.el
echo "emacs: passed in $((SECONDS - start)) s"
