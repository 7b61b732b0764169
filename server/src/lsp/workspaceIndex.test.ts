import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileFacts, FunctionFactsSummary } from '../xref/types';
import { changedNames } from './workspaceIndex';

const copier = (line: number, arm: number): FunctionFactsSummary => ({
  name: 'copy_to_page',
  isStatic: false,
  line,
  flushes: [],
  writes: [0],
  calls: [{ callee: 'fill_page', args: [0], arm: [arm, arm + 40] }],
});

const facts = (line: number, arm: number, writes = [0]): FileFacts => ({
  file: 'fs/x/copy.c',
  fields: { 'x_buf.page': [{ kind: 'private', what: 'alloc_page', line: line + 30 }] },
  functions: [{ ...copier(line, arm), writes }],
  callbacks: { write_end: ['copy_to_page'] },
});

test('changedNames: lines and offsets moved by an edit above are no change', () => {
  // A keystroke above the function: every line and offset after it moved, nothing else did.
  assert.deepEqual(changedNames(facts(10, 300), facts(11, 301)), []);
});

test('changedNames: a changed summary, field or callback is named', () => {
  assert.deepEqual(changedNames(facts(10, 300), facts(10, 300, [])), ['copy_to_page']);
  const visible = facts(10, 300);
  visible.fields['x_buf.page'] = [{ kind: 'visible', what: 'find_get_page', line: 40 }];
  assert.deepEqual(changedNames(facts(10, 300), visible), ['page']);
  const other = facts(10, 300);
  other.callbacks = { write_end: ['other_end'] };
  assert.deepEqual(changedNames(facts(10, 300), other), ['write_end']);
  // Two calls in one switch arm, then in two arms: the arms changed, not only their offsets.
  const one = facts(10, 300);
  one.functions[0]!.calls.push({ callee: 'fill_page', args: [0], arm: [300, 340] });
  const two = facts(10, 300);
  two.functions[0]!.calls.push({ callee: 'fill_page', args: [0], arm: [300, 380] });
  assert.deepEqual(changedNames(one, two), ['copy_to_page']);
});
