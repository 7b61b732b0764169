// No import cycles in the sources: the import graph (type-only imports included, as they tie
// modules together just the same) is built with TypeScript's own pre-processor and resolver, and
// every strongly connected component must be a single module without a self-import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..');
const FOLDERS = ['server/src', 'simulator/src', 'client/src'];

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (/\.ts$/.test(e.name) && !/\.(test|d)\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

/** module → the modules it imports, within the given files. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const edges = new Set<string>();
    for (const ref of info.importedFiles) {
      const resolved = ts.resolveModuleName(ref.fileName, file, options, ts.sys).resolvedModule;
      if (resolved && known.has(resolved.resolvedFileName)) edges.add(resolved.resolvedFileName);
    }
    graph.set(file, [...edges]);
  }
  return graph;
}

/** Tarjan's strongly connected components; those that hold a cycle, as sorted module lists. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) !== order.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return found;
}

test('import cycles: the checker finds a cycle it is shown, and none where there is none', () => {
  const g = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  assert.deepEqual(cycles(g), [['a', 'b', 'c']]);
  assert.deepEqual(cycles(new Map([['a', ['a']]])), [['a']]);
  assert.deepEqual(
    cycles(
      new Map([
        ['a', ['b']],
        ['b', []],
      ]),
    ),
    [],
  );
});

test('import cycles: the graph sees type-only imports', () => {
  const lsp = join(ROOT, 'server/src/lsp');
  const graph = importGraph(sources(lsp));
  assert.ok(
    (graph.get(join(lsp, 'views.ts')) ?? []).includes(join(lsp, 'context.ts')),
    'views.ts imports the ServerContext type',
  );
});

test('import cycles: none in server/src, simulator/src and client/src', () => {
  const files = FOLDERS.flatMap((f) => sources(join(ROOT, f)));
  assert.ok(files.length > 50, `${files.length} modules read`);
  const graph = importGraph(files);
  const edges = [...graph.values()].reduce((n, e) => n + e.length, 0);
  assert.ok(edges > files.length, `${edges} imports resolved`);
  const found = cycles(graph).map((c) => c.map((f) => relative(ROOT, f)).join(' → '));
  assert.deepEqual(found, []);
});
