import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simulateFinding } from './api';
import type { FindingInput } from './finding';
import { renderBytes, renderRunText } from './render';

const finding: FindingInput = {
  rule: 'missing-flush-dcache-page',
  file: 'drivers/x.c',
  line: 42,
  steps: [
    { line: 40, kind: 'map', note: 'kmap_local_page' },
    { line: 41, kind: 'write', note: 'memcpy', size: 8 },
  ],
};

describe('renderBytes', () => {
  it('puts expected and observed side by side and marks the first bad byte under it', () => {
    const lines = renderBytes('1122334455', '1122aa4455', 2);
    const row = lines[1] ?? '';
    const mark = lines[2] ?? '';
    assert.match(row, /^ {2}0x0000 {2}11 22 33 44 55 +11 22 AA 44 55$/);
    assert.equal(mark.indexOf('^^'), row.lastIndexOf('AA'));
    assert.match(mark, /first bad byte \(offset 2\)/);
  });
  it('starts at the row of the first bad byte in long buffers', () => {
    const e = '00'.repeat(100);
    const o = '00'.repeat(50) + 'ff' + '00'.repeat(49);
    const lines = renderBytes(e, o, 50, 2);
    assert.match(lines[1] ?? '', /^ {2}0x0030 /);
    assert.match(lines[lines.length - 1] ?? '', /100 bytes in all/);
  });
});

describe('renderRunText', () => {
  const r = simulateFinding(finding, 'arm1176-32k');
  const text = renderRunText(r);

  it('traces both runs with C lines, addresses, sets, ways and colours', () => {
    assert.match(text, /== As written ==/);
    assert.match(text, /== With the fix ==/);
    assert.match(text, /C:41 +store K "NEW!"\*2/);
    assert.match(text, /store +0xc0100000 -> PA 0x00100000 {2}set 0 way 0 colour 0: hit, dirty/);
    assert.match(text, /C:42 +\+ flush_dcache_page P0/);
    assert.match(
      text,
      /0x40001000 -> PA 0x00100000 {2}set 128 way 0 colour 1: miss, filled from DRAM/,
    );
  });

  it('gives the verdicts and the summary', () => {
    assert.match(
      text,
      /Verdict: CORRUPTED: user space sees stale data \(first bad byte at offset 0\)/,
    );
    assert.match(text, /Verdict: OK: user space sees the expected data/);
    assert.match(text, /Summary: corrupted as written, correct with the fix\./);
  });

  it('is pure: same input, same text, input untouched', () => {
    const before = JSON.stringify(r);
    assert.equal(renderRunText(r), text);
    assert.equal(JSON.stringify(r), before);
  });

  it('summarises long steps instead of listing every line', () => {
    const big = simulateFinding({
      ...finding,
      rule: 'missing-flush-kernel-vmap-range',
      steps: [{ line: 1, kind: 'write', note: '', size: 8192 }],
    });
    assert.match(
      renderRunText(big, { maxAccesses: 2 }),
      /\.\.\. \d+ more lines \(\d+ not cached, \d+ written back, 0 lost\)/,
    );
  });
});
