/**
 * Reach: whether Kconfig lets a file be built for an architecture with an aliasing D-cache.
 * The file's object is followed through the directory Makefiles (`foo-y += x.o`,
 * `obj-$(CONFIG_FOO) += foo.o`, `obj-$(CONFIG_BAR) += dir/`, up to the top) into a condition over
 * config symbols, which is evaluated for every aliasing architecture with the tree's Kconfig.
 * What cannot be decided (a header, a file no Makefile names, too many ways to build it) counts
 * as reachable: a finding is never hidden on doubt.
 */
import { ALIASING_ARCHES } from './arches';
import type { Clause, KconfigDb } from './kconfig';
import { KconfigEval, archSymbol, explain, onlyDefinedFor, simplest } from './kconfigEval';
import type { Blocker } from './kconfigEval';
import { parseKbuild } from './kbuild';
import type { Assignment } from './kbuild';
import type { Expr } from './kconfigExpr';

export interface Reach {
  aliasing: boolean;
  /** `drivers/gpu/drm/i915/Kconfig:5: depends on X86 && PCI`, or what it can be built for. */
  why: string;
  /** Contract-only findings: the reason in a few words for text output (`depends on X86`). */
  short?: string;
}

/** Reads tree-relative files (Makefiles); undefined when absent. */
export interface MakefileReader {
  read(rel: string): string | undefined;
}

/** One way to build the file: every clause must hold. */
type Alt = Clause[];

/** Beyond this many ways to build a file the formula is given up (counted as reachable). */
const MAX_ALTS = 64;
const UNDECIDED = 0;

const isTrue = (e: Expr): boolean => e.k === 'const' && e.v === 'y';
const parentDir = (d: string): string => (d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '');
const undecided = (file: string, text: string): Alt => [
  { expr: { k: 'unknown', text }, file, line: UNDECIDED, text },
];

export class ReachIndex {
  private readonly kbuild = new Map<string, { file: string; a: Assignment }[]>();
  private readonly dirMemo = new Map<string, Alt[]>();
  private readonly evals: KconfigEval[];
  /** Makefiles looked for so far (present or not), tree-relative: what cached results depend on. */
  readonly makefilesRead = new Set<string>();

  constructor(
    db: KconfigDb,
    private readonly files: MakefileReader,
    treeArches: readonly string[],
    aliasing: readonly string[] = ALIASING_ARCHES,
  ) {
    this.evals = aliasing.filter((a) => treeArches.includes(a)).map((a) => new KconfigEval(db, a));
  }

  /** The reach of a tree-relative file path. */
  reach(rel: string): Reach {
    const alts = this.fileAlts(rel);
    return this.judge(alts);
  }

  /**
   * The reach of code in `rel` that preprocessor conditions confine further (ppGuards.ts):
   * every way to build the file, with those conditions added.
   */
  reachUnder(rel: string, guards: readonly Clause[]): Reach {
    const alts = this.fileAlts(rel);
    return this.judge(guards.length === 0 ? alts : alts.map((alt) => [...guards, ...alt]));
  }

  private judge(alts: Alt[]): Reach {
    const value = (alt: Alt, ev: KconfigEval): 'y' | 'n' | '?' => {
      let v: 'y' | 'n' | '?' = 'y';
      for (const c of alt) {
        const cv = ev.expr(c.expr);
        if (cv === 'n') return 'n';
        if (cv === '?') v = '?';
      }
      return v;
    };
    const can = this.evals.filter((ev) => alts.some((alt) => value(alt, ev) !== 'n'));
    if (this.evals.length === 0)
      return {
        aliasing: true,
        why: 'the tree has none of the aliasing architectures; counted as aliasing',
      };
    if (can.length > 0) {
      const open = alts.find((alt) =>
        alt.some((c) => c.line === UNDECIDED && c.expr.k === 'unknown'),
      );
      if (open) {
        const c = open.find((x) => x.line === UNDECIDED)!;
        return {
          aliasing: true,
          why: `reach not decided (${c.file ? `${c.file}: ` : ''}${c.text}); counted as aliasing`,
        };
      }
      return { aliasing: true, why: `can be built for ${can.map((e) => e.arch).join(', ')}` };
    }
    const first = alts[0] ?? [];
    const blockers = first
      .filter((c) => this.evals.every((ev) => ev.expr(c.expr) === 'n'))
      .map((c) => this.blocker(c));
    const b = simplest(blockers);
    if (!b) {
      const text = first.map((c) => `${where(c.file, c.line)}${c.text}`).join('; ');
      return {
        aliasing: false,
        why: text,
        short: 'no aliasing architecture meets all of its conditions',
      };
    }
    return { aliasing: false, why: `${where(b.file, b.line)}${b.text}`, short: b.short };
  }

  private blocker(c: Clause): Blocker & { short: string } {
    if (c.expr.k === 'sym' && c.expr.s.startsWith('@arch:')) {
      const arch = c.expr.s.slice('@arch:'.length);
      return {
        file: c.file,
        line: UNDECIDED,
        text: c.text,
        part: arch,
        short: `built only for ${arch}`,
      };
    }
    const b = explain(c, this.evals);
    // A preprocessor condition in the source file itself, or the Kconfig line behind it.
    if (/\.[ch]$/.test(c.file) && b.file === c.file) {
      const only = onlyDefinedFor(b.part, this.evals);
      const on = only.length > 0 ? ` (${b.part} exists only for ${only.join(', ')})` : '';
      return { ...b, text: b.text + on, short: `inside ${c.text}` };
    }
    if (/\.[ch]$/.test(c.file)) return { ...b, short: `inside ${c.text}: ${b.text}` };
    if (!/(^|\/)(Makefile|Kbuild)$/.test(b.file))
      return { ...b, short: `${b.text.startsWith('if ') ? 'inside if' : 'depends on'} ${b.part}` };
    const only = onlyDefinedFor(b.part, this.evals);
    const on = only.length > 0 ? ` (${b.part} exists only for ${only.join(', ')})` : '';
    return { ...b, text: b.text + on, short: `built only with CONFIG_${b.part}${on}` };
  }

  private fileAlts(rel: string): Alt[] {
    const dir = parentDir(rel);
    const name = rel.slice(dir === '' ? 0 : dir.length + 1);
    if (!name.endsWith('.c'))
      return this.enclosing(dir) ?? [undecided('', 'a header is built wherever it is included')];
    const found = this.search(dir, name.replace(/\.c$/, '.o'));
    if (found) return found;
    return this.enclosing(dir) ?? [undecided('', `no Makefile builds ${rel}`)];
  }

  /**
   * A file no Makefile names (a header, a `.c` included by another, a selftest) is built with
   * the code around it: the reach of the nearest enclosing directory that is itself decided.
   * Top-level directories (include/, the tree's top) say nothing and stay undecided.
   */
  private enclosing(dir: string): Alt[] | undefined {
    for (let d = dir; d.includes('/'); d = parentDir(d)) {
      const alts = this.dirAlts(d);
      if (!alts.some((alt) => alt.some((c) => c.line === UNDECIDED))) return alts;
    }
    return undefined;
  }

  /** Alternatives for a directory (`drivers/gpu/drm/i915`) to be descended into. */
  private dirAlts(dir: string): Alt[] {
    const known = this.dirMemo.get(dir);
    if (known) return known;
    let alts: Alt[];
    const arch = /^arch\/([^/]+)$/.exec(dir)?.[1];
    if (dir === '') alts = [[]];
    else if (arch !== undefined) {
      const text = `built only for ARCH=${arch}`;
      alts = [[{ expr: { k: 'sym', s: archSymbol(arch) }, file: `arch/${arch}/`, line: 1, text }]];
    } else {
      this.dirMemo.set(dir, [undecided(dir, 'the directory includes itself')]);
      alts = this.search(parentDir(dir), `${dir.slice(dir.lastIndexOf('/') + 1)}/`) ?? [
        undecided('', `no Makefile descends into ${dir}/`),
      ];
    }
    this.dirMemo.set(dir, alts);
    return alts;
  }

  /** Looks for `name` (relative to `dir`) in the Makefiles of `dir` and then of its parents. */
  private search(dir: string, name: string): Alt[] | undefined {
    let at = dir;
    let token = name;
    for (;;) {
      const found = this.tokenAlts(at, token, new Set());
      if (found) return cross(found, this.dirAlts(at));
      if (at === '' || /^arch\/[^/]+$/.test(at)) return undefined;
      const up = parentDir(at);
      token = `${at.slice(up === '' ? 0 : up.length + 1)}/${token}`;
      at = up;
    }
  }

  private assignments(dir: string): { file: string; a: Assignment }[] {
    let list = this.kbuild.get(dir);
    if (list) return list;
    list = [];
    const prefix = dir === '' ? '' : `${dir}/`;
    const pending = ['Kbuild', 'Makefile'].map((n) => prefix + n);
    const seen = new Set<string>();
    while (pending.length > 0) {
      const file = pending.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      this.makefilesRead.add(file);
      const text = this.files.read(file);
      if (text === undefined) continue;
      const parsed = parseKbuild(text);
      for (const a of parsed.assignments) list.push({ file, a });
      // `include $(src)/sub/Kbuild`: its lines are this directory's, paths relative to it.
      pending.push(...parsed.includes.map((i) => prefix + i));
    }
    this.kbuild.set(dir, list);
    return list;
  }

  /** The ways `token` in `dir`'s Makefiles is built; undefined when no line lists it. */
  private tokenAlts(dir: string, token: string, visiting: Set<string>): Alt[] | undefined {
    const hits = this.assignments(dir).filter(({ a }) => a.tokens.includes(token));
    if (hits.length === 0) return undefined;
    let alts: Alt[] = [];
    for (const { file, a } of hits) {
      const own: Alt = [];
      if (!isTrue(a.guard)) own.push({ expr: a.guard, file, line: a.line, text: a.text });
      if (!isTrue(a.cond)) own.push({ expr: a.cond, file, line: a.line, text: a.text });
      if (a.kind === 'goal') {
        alts.push(own);
        continue;
      }
      if (visiting.has(a.variable)) continue;
      visiting.add(a.variable);
      // Listed by its object, or as a variable: `$(gem-y)`, and `$(mmu-y)` for `mmu-$(CONFIG_MMU)`.
      const refs = new Set([`$(${a.variable})`]);
      if (a.base !== undefined) for (const s of ['y', 'm', 'objs']) refs.add(`$(${a.base}-${s})`);
      const up = [
        ...(a.object !== undefined ? (this.tokenAlts(dir, a.object, visiting) ?? []) : []),
        ...[...refs].flatMap((r) => this.tokenAlts(dir, r, visiting) ?? []),
      ];
      visiting.delete(a.variable);
      for (const u of up) alts.push([...own, ...u]);
      if (alts.length > MAX_ALTS) break;
    }
    if (alts.length > MAX_ALTS) alts = [undecided(hits[0]!.file, 'too many ways to build it')];
    if (alts.length === 0)
      alts = [undecided(hits[0]!.file, `${token} is listed but no goal builds it`)];
    return alts;
  }
}

function where(file: string, line: number): string {
  if (file === '') return '';
  return line === UNDECIDED ? `${file}: ` : `${file}:${line}: `;
}

/** Both conditions: every pair of alternatives; given up past MAX_ALTS. */
function cross(a: Alt[], b: Alt[]): Alt[] {
  if (a.length * b.length > MAX_ALTS) return [undecided('', 'too many ways to build it')];
  return a.flatMap((x) => b.map((y) => [...x, ...y]));
}
