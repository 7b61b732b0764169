/**
 * Whether a Kconfig symbol can be set when building for a given architecture, in three values
 * (`y` always, `n` never, `?` can be either). A symbol is `n` on an architecture when none of its
 * definitions is read for it (it exists only under other arch/ directories) or when every
 * definition has a condition that cannot hold. `COMPILE_TEST` counts as not set: code that builds
 * elsewhere only for compile coverage never runs there. A symbol no Kconfig defines can be set
 * (never hide a finding on doubt).
 */
import { conjuncts, evaluate, printExpr } from './kconfigExpr';
import type { Expr, Tri } from './kconfigExpr';
import type { Clause, KconfigDb, SymbolDef } from './kconfig';

/** The pseudo-symbol standing for "ARCH=<dir>", used for files under arch/<dir>/. */
export const archSymbol = (arch: string): string => `@arch:${arch}`;

export class KconfigEval {
  private readonly memo = new Map<string, Tri>();
  private readonly active = new Set<string>();

  constructor(
    private readonly db: KconfigDb,
    readonly arch: string,
  ) {}

  symbol(s: string): Tri {
    if (s.startsWith('@arch:')) return s === archSymbol(this.arch) ? 'y' : 'n';
    if (s === 'COMPILE_TEST') return 'n';
    const known = this.memo.get(s);
    if (known !== undefined) return known;
    if (this.active.has(s)) return '?';
    this.active.add(s);
    const v = this.compute(s);
    this.active.delete(s);
    this.memo.set(s, v);
    return v;
  }

  expr(e: Expr): Tri {
    return evaluate(e, (s) => this.symbol(s));
  }

  /** The definitions read for this architecture. */
  visible(s: string): SymbolDef[] {
    return (this.db.defs[s] ?? []).filter((d) => d.arch === undefined || d.arch === this.arch);
  }

  all(s: string): SymbolDef[] {
    return this.db.defs[s] ?? [];
  }

  clause(i: number): Clause {
    return this.db.clauses[i]!;
  }

  defined(s: string): boolean {
    return (this.db.defs[s]?.length ?? 0) > 0;
  }

  private compute(s: string): Tri {
    if (!this.defined(s)) return '?';
    let best: Tri = 'n';
    for (const def of this.visible(s)) {
      let v: Tri = 'y';
      for (const c of def.clauses) {
        const cv = this.expr(this.clause(c).expr);
        if (cv === 'n') {
          v = 'n';
          break;
        }
        if (cv === '?') v = '?';
      }
      if (v === 'n') continue;
      if (v === 'y' && def.alwaysOn) return 'y';
      best = '?';
    }
    return best;
  }
}

/** Where a condition that is `n` on every architecture asked about comes from. */
export interface Blocker {
  file: string;
  line: number;
  /** The whole line as written: `depends on X86 && PCI`. */
  text: string;
  /** The part that cannot hold: `X86`. */
  part: string;
}

/**
 * Follows a condition that is `n` on every evaluator down to the Kconfig line that makes it so:
 * through `&&` to the first conjunct that cannot hold, and through a symbol defined for some of
 * these architectures into its definition. Stops at symbols that do not exist there.
 */
export function explain(
  clause: Clause,
  evals: readonly KconfigEval[],
  seen = new Set<string>(),
): Blocker {
  const never = (e: Expr): boolean => evals.every((ev) => ev.expr(e) === 'n');
  let part: Expr = clause.expr;
  for (const c of conjuncts(clause.expr)) {
    if (never(c)) {
      part = c;
      break;
    }
  }
  const here: Blocker = {
    file: clause.file,
    line: clause.line,
    text: clause.text,
    part: printExpr(part),
  };
  if (part.k !== 'sym' || seen.has(part.s)) return here;
  const sym = part.s;
  seen.add(sym);
  // Deeper only when some architecture here has a definition: otherwise this line is the reason.
  const first = evals.flatMap((ev) => ev.visible(sym).map((d) => ({ d, ev })))[0];
  if (!first) return here;
  const deeper = first.d.clauses
    .map((c) => first.ev.clause(c))
    .filter((cl) => never(cl.expr))
    .map((cl) => explain(cl, evals, seen));
  return simplest(deeper) ?? here;
}

/** Of several reasons, one naming a single symbol (`depends on X86`) reads best. */
export function simplest<B extends Blocker>(blockers: B[]): B | undefined {
  return blockers.find((b) => /^[A-Za-z0-9_]+$/.test(b.part)) ?? blockers[0];
}

/** The architectures that define a symbol none of `evals` can see (`X86`: x86), else empty. */
export function onlyDefinedFor(sym: string, evals: readonly KconfigEval[]): string[] {
  if (evals.some((ev) => ev.visible(sym).length > 0)) return [];
  const arches = new Set<string>();
  for (const d of evals[0]?.all(sym) ?? []) if (d.arch !== undefined) arches.add(d.arch);
  return [...arches].sort();
}
