#!/usr/bin/env bash
# End-to-end test in a real VS Code: code-server (npm registry) + Debian Chromium + playwright-core,
# with the packaged .vsix installed. How it works: docs/editor.md, "Tests and measurements".
# Never skips: a missing prerequisite that cannot be installed fails the run, loudly.
# Env: FLUSHGUARD_CODE_SERVER (install dir, default .bench/code-server-$CS_VERSION),
#      E2E_OUT (artifacts, default test-artifacts/e2e), CHROMIUM (default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CS_VERSION=4.100.3 # engines.node 20, like this project's Node
CS_DIR=${FLUSHGUARD_CODE_SERVER:-$ROOT/.bench/code-server-$CS_VERSION}
OUT=${E2E_OUT:-$ROOT/test-artifacts/e2e}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
t() { local s=$SECONDS; "$@"; echo "e2e: $1 ${2:-} took $((SECONDS - s)) s"; }

# 1. Debian packages: the browser and what code-server's native modules build with.
APT=(chromium fonts-dejavu-core build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev
     libsecret-1-dev ripgrep curl unzip)
missing=()
for p in "${APT[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "e2e: FAIL: need root (or these packages installed): ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  t apt-get update -qq
  t apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x "$CHROMIUM" ] || { echo "e2e: FAIL: no Chromium at $CHROMIUM" >&2; exit 1; }

rm -rf "$OUT"; mkdir -p "$OUT"

# 2. code-server, once per machine (cached; .bench/ is ignored by git).
if [ ! -f "$CS_DIR/.complete" ]; then
  mkdir -p "$(dirname "$CS_DIR")" "$OUT"
  echo "e2e: installing code-server $CS_VERSION into $CS_DIR (one time)"
  s=$SECONDS
  if ! sh test/e2e/install-code-server.sh "$CS_VERSION" "$CS_DIR" > "$OUT/code-server-install.log" 2>&1; then
    tail -40 "$OUT/code-server-install.log" >&2
    echo "e2e: FAIL: code-server could not be installed (log: $OUT/code-server-install.log)" >&2
    exit 1
  fi
  echo "e2e: code-server installed in $((SECONDS - s)) s"
fi

# 3. the .vsix, as a user would install it
t npm run -s package > "$OUT/package.log" 2>&1 \
  || { cat "$OUT/package.log" >&2; echo "e2e: FAIL: npm run package" >&2; exit 1; }
node test/e2e/package-smoke.mjs flushguard.vsix

# 4. a throw-away profile and workspace; code-server kept out of $HOME
WORK=$(mktemp -d)
export E2E_PROFILE="$WORK/chromium"
CS_PID=
cleanup() {
  if [ -n "$CS_PID" ]; then kill "$CS_PID" 2>/dev/null || true; wait "$CS_PID" 2>/dev/null || true; fi
  cp -r "$WORK/data/logs" "$OUT/vscode-logs" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$WORK/xdg-config" XDG_DATA_HOME="$WORK/xdg-data"
CS=(node "$CS_DIR/package/out/node/entry.js" --config "$WORK/config.yaml" --user-data-dir "$WORK/data"
    --extensions-dir "$WORK/ext" --disable-telemetry --disable-update-check --disable-workspace-trust
    --disable-getting-started-override)
mkdir -p "$WORK/data/User" "$WORK/ws/drivers"
cat > "$WORK/data/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false, "update.mode": "none",
  "workbench.enableExperiments": false, "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false, "chat.commandCenter.enabled": false,
  "chat.disableAIFeatures": true, "editor.codeLens": true, "window.confirmBeforeClose": "never" }
JSON
cp examples/demo_blk.c "$WORK/ws/drivers/demo_blk.c"
cp test/e2e/hostile.c "$WORK/ws/drivers/evil<img src=x onerror=alert(1)>.c"
mkdir -p "$WORK/ws/scenarios"; cp examples/scenarios/s1-missing-flush-dcache-page.fgs "$WORK/ws/scenarios/"

t "${CS[@]}" --install-extension "$ROOT/flushguard.vsix" > "$OUT/install-extension.log" 2>&1 \
  || { cat "$OUT/install-extension.log" >&2; echo "e2e: FAIL: extension install" >&2; exit 1; }

PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
"${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none "$WORK/ws" > "$OUT/code-server.log" 2>&1 &
CS_PID=$!
for _ in $(seq 1 300); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  kill -0 "$CS_PID" 2>/dev/null || { cat "$OUT/code-server.log" >&2; echo "e2e: FAIL: code-server exited" >&2; exit 1; }
  sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "e2e: FAIL: code-server not ready" >&2; exit 1; }
node test/e2e/driver.mjs "http://127.0.0.1:$PORT/?folder=$WORK/ws" "$OUT"
