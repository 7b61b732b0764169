/**
 * The fuzzer's hostile mutators and cases (scripts/fuzz/hostile.ts) make what they claim: a
 * mutator that silently produced nothing would leave its class untested.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { Rng } from '../../scripts/fuzz/mutate';
import { MUTATORS } from '../../scripts/fuzz/mutate';
import {
  CONTROLS,
  HOSTILE_MUTATORS,
  hostileConfig,
  makeSpecialFile,
  SPECIAL_FILES,
} from '../../scripts/fuzz/hostile';
import { manyFunctions, manyIfs, manyIfsVmap } from '../../scripts/fuzz/hostileInputs';

const BASE = 'int before(void)\n{\n\treturn 0;\n}\n';
const count = (text: string, re: RegExp): number => [...text.matchAll(re)].length;

test('fuzz mutators: the hostile ones are among those the fuzzer picks', () => {
  for (const name of Object.keys(HOSTILE_MUTATORS)) assert.ok(name in MUTATORS, name);
});

test('fuzz mutators: hugeFunction inserts one function of many ifs, at a line start', () => {
  for (let seed = 1; seed <= 8; seed++) {
    const out = HOSTILE_MUTATORS.hugeFunction!(BASE, new Rng(seed));
    assert.equal(count(out, /^void hostile_ifs\(/gm), 1);
    assert.ok(count(out, /^\tif \(m & \d+\) p\d+\[\d+\] = 1;$/gm) >= 20);
    assert.ok(out.includes('int before(void)'), 'the original text is kept');
  }
});

test('fuzz mutators: manyFunctions appends many small functions, some of them buggy', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const out = HOSTILE_MUTATORS.manyFunctions!(BASE, new Rng(seed));
    assert.ok(out.startsWith(BASE));
    assert.ok(count(out, /^static (?:void|int) fn_\d+\(/gm) >= 20);
    assert.ok(count(out, /kmap_atomic/g) >= 2);
  }
});

test('fuzz mutators: controlChars puts a terminal control into the text', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const out = HOSTILE_MUTATORS.controlChars!(BASE, new Rng(seed));
    assert.ok(
      CONTROLS.some((c) => out.includes(c) && !BASE.includes(c)),
      JSON.stringify(out),
    );
  }
});

test('fuzz cases: hostile configurations hold prototype keys, deep nesting and wrong types', () => {
  const seen = { proto: 0, deep: 0, wrongType: 0 };
  for (let seed = 1; seed <= 80; seed++) {
    const text = hostileConfig(new Rng(seed));
    if (/"(?:__proto__|constructor|prototype)[".]/.test(text)) seen.proto++;
    if (text.includes('['.repeat(1000)) || text.includes('{"a":'.repeat(1000))) seen.deep++;
    if (/: (?:-?\d+|null|true|\[\]|\{\})[,}]|"severity":(?!")/.test(text)) seen.wrongType++;
    if (text.length < 10_000) assert.doesNotThrow(() => JSON.parse(text) as unknown, text);
  }
  assert.ok(seen.proto > 8, JSON.stringify(seen));
  assert.ok(seen.deep > 3, JSON.stringify(seen));
  assert.ok(seen.wrongType > 8, JSON.stringify(seen));
});

test('fuzz cases: each special file is what its name says', () => {
  for (const kind of SPECIAL_FILES) {
    const { path, cleanup } = makeSpecialFile(kind);
    try {
      const l = lstatSync(path);
      switch (kind) {
        case 'fifo':
          assert.ok(l.isFIFO());
          break;
        case 'devzero':
        case 'devnull':
          assert.ok(l.isSymbolicLink());
          assert.equal(readlinkSync(path), kind === 'devzero' ? '/dev/zero' : '/dev/null');
          assert.ok(statSync(path).isCharacterDevice());
          break;
        case 'directory':
          assert.ok(l.isDirectory());
          assert.ok(path.endsWith('.c'));
          break;
        case 'sparse':
          assert.ok(l.isFile());
          assert.equal(l.size, 1536 * 1024 * 1024);
          assert.ok(l.blocks * 512 < 1024 * 1024, `${l.blocks} blocks: not sparse`);
          break;
      }
    } finally {
      cleanup();
    }
  }
});

test('hostile inputs: the generators give the shapes and sizes the issue describes', () => {
  const ifs = manyIfs(30_000, 30);
  assert.equal(count(ifs, /^\tif /gm), 30_000);
  assert.equal(count(ifs, /kmap_local_page/g), 30);
  assert.ok(ifs.length > 500_000, `${ifs.length} chars`);
  assert.equal(count(manyIfsVmap(1_000), /^\tif \(m & /gm), 1_000);
  assert.equal(count(manyFunctions(5_000), /^static (?:void|int) fn_\d+\(/gm), 5_000);
});
