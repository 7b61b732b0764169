// Drives code-server (a real VS Code workbench) with headless Debian Chromium through the user's
// path: squiggle and Problems entry -> Ctrl+. quick fix -> the finding is gone -> Simulate ->
// the panel shows the corruption -> preset pipt-32k shows none -> reload restores the panel.
// Every wait is for an event on the page, never a fixed sleep. Screenshots go to OUT.
// Usage: node test/e2e/driver.mjs <url-with-?folder=> <out-dir>
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { S } from './selectors.mjs';

const [url, outDir] = process.argv.slice(2);
if (!url || !outDir) {
  console.error('usage: driver.mjs URL OUTDIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const DRIVER_FILE = 'demo_blk.c';
const HOSTILE_FILE = 'evil<img src=x onerror=alert(1)>.c';
const SCENARIO_FILE = 's1-missing-flush-dcache-page.fgs';

const ctx = await chromium.launchPersistentContext(
  process.env.E2E_PROFILE || join(outDir, '.chromium-profile'),
  {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
);
const page = ctx.pages()[0] ?? (await ctx.newPage());
page.setDefaultTimeout(60000);
const dialogs = [];
page.on('dialog', (d) => {
  dialogs.push(d.message());
  void d.dismiss();
});
const shot = async (name) => {
  await page.screenshot({ path: join(outDir, name) });
  log('screenshot', name);
};
const view = () => page.frameLocator(S.webviewOuter).frameLocator(S.webviewInner);
const steps = [];
const pass = (what) => {
  steps.push(what);
  log('PASS', what);
};

async function command(title) {
  await page.keyboard.press('F1');
  await page.waitForSelector(S.quickInput, { state: 'visible' });
  await page.keyboard.type(title);
  await page.locator(S.quickRow, { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

async function openFile(name, typed = name) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector(S.quickInput, { state: 'visible' });
  await page.keyboard.type(typed);
  await page.locator(S.quickRow, { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active`, { hasText: name }).waitFor();
  await page.waitForSelector(S.editorLines);
}

/** Ctrl+G to a 1-based line (and column: the cursor must sit inside a finding for Ctrl+.). */
async function goToLine(line, column = 1) {
  await page.keyboard.press('Control+G');
  await page.waitForSelector(S.quickInput, { state: 'visible' });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator(S.selectionStatus, { hasText: `Ln ${line},` }).waitFor();
}

/** Moves the focus in the open quick-fix menu to the action titled `text`, then applies it. */
async function chooseAction(text) {
  for (let i = 0; i < 12; i++) {
    const focused = page.locator(`${S.actionFocused}`).first();
    if ((await focused.innerText()).includes(text)) return page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page
      .locator(S.actionFocused)
      .filter({ hasNotText: await focused.innerText() })
      .first()
      .waitFor();
  }
  throw new Error(`no quick fix titled ${text}`);
}

let ok = false;
try {
  await page.goto(url);
  await page.waitForSelector(S.workbench, { timeout: 90000 });
  log('workbench loaded');
  await page
    .locator('.monaco-workbench')
    .click({ position: { x: 800, y: 500 } })
    .catch(() => {});

  // 1. the finding: squiggle and Problems entry
  await openFile(DRIVER_FILE);
  const tOpen = Date.now();
  await page.waitForSelector(S.squiggle);
  log(`squiggle ${Date.now() - tOpen} ms after opening ${DRIVER_FILE}`);
  await page.keyboard.press('Control+Shift+M');
  const statusProblem = page.locator(S.problemRow, { hasText: 'flush_dcache_page(status_page)' });
  await statusProblem.first().waitFor();
  await page.locator(S.problemRow, { hasText: 'flush_dcache_page(page)' }).first().waitFor();
  pass('squiggle and Problems entries for both findings of demo_blk.c');
  await shot('1-diagnostic.png');

  // 2. Ctrl+. on the finding, apply "Insert flush_dcache_page(status_page);"
  await page.locator(S.editorLines).first().click();
  await goToLine(61, 3);
  await page.keyboard.press('Control+.');
  const fix = page
    .locator(S.actionRow, { hasText: 'Insert flush_dcache_page(status_page)' })
    .first();
  await fix.waitFor();
  await shot('2-quickfix.png');
  await chooseAction('Insert flush_dcache_page(status_page)');
  await page
    .locator(S.editorLines, { hasText: 'flush_dcache_page(status_page);' })
    .first()
    .waitFor();
  await statusProblem.first().waitFor({ state: 'detached', timeout: 30000 });
  pass('quick fix inserted flush_dcache_page(status_page); and its finding disappeared');
  await shot('3-fixed.png');

  // 3. Simulate the remaining finding from its code lens (side bar and panel closed: room for
  // the two runs side by side)
  await page.keyboard.press('Control+B');
  await page.keyboard.press('Control+J');
  await page.waitForSelector('.part.sidebar', { state: 'hidden' });
  await goToLine(23);
  const lens = page.locator(S.codeLens, { hasText: 'Simulate' }).first();
  await lens.waitFor();
  await lens.click();
  const asWritten = view().locator(`${S.verdict('asWritten')}[data-corrupted="true"]`);
  await asWritten.waitFor({ timeout: 30000 });
  const verdict = (await asWritten.innerText()).replace(/\s+/g, ' ');
  log('as written:', verdict);
  if (!/reads .* at offset \d+; the kernel wrote/.test(verdict))
    throw new Error(`verdict sentence: ${verdict}`);
  await view().locator(S.firstBad('asWritten')).waitFor();
  await view()
    .locator(`${S.verdict('withFix')}[data-corrupted="false"]`)
    .waitFor();
  pass(
    'Simulate shows the corruption as written, the first bad byte marked, and none with the fix',
  );
  await shot('4-simulation.png');

  // 4. step through the timeline; a step's C line is revealed in the editor
  const before = await view().locator(S.position).innerText();
  await view().locator(S.stepBack).click();
  await view().locator(S.position).filter({ hasNotText: before }).waitFor();
  const total = before.replace(/^Step \d+ of /, '');
  await view().locator(S.play).click();
  await view()
    .locator(S.position, { hasText: `Step ${total} of ${total}` })
    .waitFor();
  await view().locator(S.steps).focus();
  await page.keyboard.press('Home');
  await view()
    .locator(S.position, { hasText: `Step 1 of ${total}` })
    .waitFor();
  await page.keyboard.press('ArrowDown');
  await view()
    .locator(S.position, { hasText: `Step 2 of ${total}` })
    .waitFor();
  pass('timeline: play runs to the last step; Home and ArrowDown move through the list');
  const row = view().locator(`${S.row}[data-line]`).nth(1);
  const line = Number(await row.getAttribute('data-line'));
  await row.click();
  await page.locator(S.selectionStatus, { hasText: `Ln ${line},` }).waitFor();
  pass(`timeline: step back moved the position; clicking a step revealed C line ${line}`);

  // 5. preset pipt-32k: no corruption
  await view().locator(S.preset).selectOption('pipt-32k');
  await view()
    .locator(`${S.verdict('asWritten')}[data-corrupted="false"]`)
    .waitFor({ timeout: 30000 });
  const control = (await view().locator(S.verdict('asWritten')).innerText()).replace(/\s+/g, ' ');
  log('pipt-32k:', control);
  if (!/no corruption on pipt-32k/.test(control)) throw new Error(`pipt-32k verdict: ${control}`);
  pass('preset pipt-32k: no corruption');
  await shot('5-pipt-32k.png');

  // 6. reload the window: the panel comes back with its preset
  const reloaded = page.waitForEvent('framenavigated', {
    predicate: (f) => f === page.mainFrame(),
    timeout: 60000,
  });
  await command('Developer: Reload Window');
  await reloaded;
  await page.waitForSelector(S.editorPart, { timeout: 90000 });
  await view()
    .locator(`${S.verdict('asWritten')}[data-corrupted="false"]`)
    .waitFor({ timeout: 60000 });
  const restored = await view().locator(S.preset).inputValue();
  if (restored !== 'pipt-32k') throw new Error(`restored preset: ${restored}`);
  pass('after a reload the panel is restored on pipt-32k');
  await shot('6-restored.png');

  // 7. hostile text: a file whose name, strings and comments hold markup
  await openFile(HOSTILE_FILE, 'evil');
  await page.keyboard.press('Control+Shift+M');
  await page.locator(S.problemRow, { hasText: 'flush_dcache_page' }).first().waitFor();
  await goToLine(10);
  await command('FlushGuard: Simulate Finding at Cursor');
  const title = view().locator(S.title, { hasText: 'evil<img' });
  await title.waitFor({ timeout: 30000 });
  const imgs = await view().locator('img, svg, iframe').count();
  // VS Code injects its own script into the frame; ours is the bundle; none may carry the text.
  const ours = await view().locator('script[src$="/dist/webview.js"]').count();
  const hostile = await view().locator('script', { hasText: 'alert' }).count();
  if (imgs !== 0 || ours !== 1 || hostile !== 0 || dialogs.length > 0)
    throw new Error(
      `hostile text executed or became markup: ${imgs} img/svg/iframe, ${ours} bundle scripts, ${hostile} scripts with the text, dialogs ${dialogs}`,
    );
  pass(`hostile file name shown as text: "${await title.innerText()}", no markup, no dialog`);
  await shot('7-hostile.png');

  // 8. a scenario file opens in the same view (on the preset this workspace last picked)
  await openFile(SCENARIO_FILE, 's1-missing');
  await command('FlushGuard: Simulate Scenario');
  await view().locator(S.title, { hasText: SCENARIO_FILE }).waitFor({ timeout: 30000 });
  await view()
    .locator(`${S.verdict('asWritten')}[data-corrupted="false"]`)
    .waitFor();
  await view().locator(S.preset).selectOption('arm1176-32k');
  const s1 = view().locator(`${S.verdict('asWritten')}[data-corrupted="true"]`);
  await s1.waitFor({ timeout: 30000 });
  const s1Verdict = (await s1.innerText()).replace(/\s+/g, ' ');
  if (!s1Verdict.includes('User space reads AA AA AA AA at offset 0; the kernel wrote 11 22 33 44'))
    throw new Error(`scenario verdict: ${s1Verdict}`);
  pass(`scenario file: clean on pipt-32k, on arm1176-32k "${s1Verdict}"`);
  await shot('8-scenario.png');
  ok = true;
} catch (e) {
  console.error('FAIL:', e instanceof Error ? e.message : e);
  await shot('failure.png').catch(() => {});
} finally {
  await ctx.close();
}
log(`${steps.length} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
