/**
 * Reads a tree's Kconfig files from the top `Kconfig`, following `source` lines, into the
 * definitions of every symbol with the conditions that guard it: its own `depends on` lines and
 * those of the enclosing `if`, `menu` and `choice` blocks (kconfig-language.rst, "Menu
 * dependencies"). `select` and `imply` are not dependencies and are not read.
 *
 * `source "arch/$(SRCARCH)/Kconfig"` is followed once per directory under `arch/`, and what it
 * defines is tagged with that architecture: a symbol defined only under other architectures does
 * not exist (is `n`) when building for this one. The result is plain data, cached on disk.
 */
import { parseExpr } from './kconfigExpr';
import type { Expr } from './kconfigExpr';

/** One condition with where it was written, for the `why` of a reach. */
export interface Clause {
  expr: Expr;
  file: string;
  line: number;
  /** As written: `depends on X86 && PCI`, `if NET`. */
  text: string;
}

export interface SymbolDef {
  file: string;
  line: number;
  /** The architecture (directory under arch/) whose Kconfig defined it; absent: generic. */
  arch?: string;
  /** Indices into `KconfigDb.clauses`; all must hold for the symbol to be settable. */
  clauses: number[];
  /** `def_bool y` or an unconditional `default y` with no prompt: on whenever its clauses hold. */
  alwaysOn: boolean;
}

export interface KconfigDb {
  clauses: Clause[];
  defs: Record<string, SymbolDef[]>;
  /** Every Kconfig file read (tree-relative), for the cache's validity check. */
  files: string[];
  /** `source` lines that could not be followed (unknown variable, missing file). */
  unresolved: string[];
}

/** What a tree offers the reader: file text by tree-relative path, and the arch directories. */
export interface KconfigSource {
  read(relPath: string): string | undefined;
  arches: readonly string[];
}

type Stmt =
  | { t: 'config'; sym: string; line: number }
  | { t: 'block'; kind: 'menu' | 'choice'; line: number }
  | { t: 'if'; expr: string; line: number }
  | { t: 'end'; kind: 'menu' | 'choice' | 'if' }
  | { t: 'comment'; line: number }
  | { t: 'depends'; expr: string; line: number }
  | { t: 'prompt'; cond: boolean }
  | { t: 'default'; value: string; cond: boolean }
  | { t: 'source'; path: string; relative: boolean; line: number };

/** Splits a Kconfig file into the statements that matter, help texts skipped. */
export function statements(text: string): Stmt[] {
  const out: Stmt[] = [];
  const lines = text.split('\n');
  let helpIndent = -1;
  let inHelp = false;
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i]!;
    const lineNo = i + 1;
    if (inHelp) {
      if (raw.trim() === '') continue;
      const ind = indent(raw);
      if (helpIndent < 0) helpIndent = ind;
      if (ind >= helpIndent) continue;
      inHelp = false;
    }
    while (raw.endsWith('\\') && i + 1 < lines.length) raw = raw.slice(0, -1) + ' ' + lines[++i]!;
    const line = withoutComment(raw).trim();
    if (line === '') continue;
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const [kw, rest] = [m[1]!, m[2]!];
    switch (kw) {
      case 'config':
      case 'menuconfig':
        out.push({ t: 'config', sym: rest.trim(), line: lineNo });
        break;
      case 'menu':
      case 'choice':
        out.push({ t: 'block', kind: kw, line: lineNo });
        break;
      case 'endmenu':
        out.push({ t: 'end', kind: 'menu' });
        break;
      case 'endchoice':
        out.push({ t: 'end', kind: 'choice' });
        break;
      case 'if':
        out.push({ t: 'if', expr: rest, line: lineNo });
        break;
      case 'endif':
        out.push({ t: 'end', kind: 'if' });
        break;
      case 'comment':
        out.push({ t: 'comment', line: lineNo });
        break;
      case 'depends':
        out.push({ t: 'depends', expr: rest.replace(/^on\s+/, ''), line: lineNo });
        break;
      case 'bool':
      case 'tristate':
      case 'string':
      case 'hex':
      case 'int':
      case 'prompt':
        if (/^\s*["']/.test(rest) || kw === 'prompt')
          out.push({ t: 'prompt', cond: /\bif\b/.test(afterString(rest)) });
        break;
      case 'def_bool':
      case 'def_tristate':
      case 'default': {
        const cond = /\s+if\s+/.exec(rest);
        out.push({
          t: 'default',
          value: (cond ? rest.slice(0, cond.index) : rest).trim(),
          cond: cond !== null,
        });
        break;
      }
      case 'help':
      case '---help---':
        inHelp = true;
        helpIndent = -1;
        break;
      case 'source':
      case 'osource':
      case 'rsource':
      case 'orsource': {
        const p = /^"([^"]*)"|^(\S+)/.exec(rest);
        const path = p?.[1] ?? p?.[2];
        if (path !== undefined)
          out.push({
            t: 'source',
            path,
            relative: kw.startsWith('r') || kw.startsWith('or'),
            line: lineNo,
          });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function indent(s: string): number {
  let n = 0;
  for (const c of s) {
    if (c === ' ') n++;
    else if (c === '\t') n = (Math.floor(n / 8) + 1) * 8;
    else break;
  }
  return n;
}

function withoutComment(s: string): string {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return s.slice(0, i);
  }
  return s;
}

function afterString(s: string): string {
  const m = /^\s*("(?:[^"\\]|\\.)*"|'[^']*')/.exec(s);
  return m ? s.slice(m[0].length) : s;
}

interface Frame {
  kind: 'menu' | 'choice' | 'if' | 'root';
  clauses: number[];
}

/** Reads the whole tree's Kconfig from `Kconfig`; missing files are listed, not fatal. */
export function readKconfig(src: KconfigSource): KconfigDb {
  const db: KconfigDb = { clauses: [], defs: {}, files: [], unresolved: [] };
  const parsed = new Map<string, Stmt[] | null>();
  const load = (path: string): Stmt[] | null => {
    let s = parsed.get(path);
    if (s === undefined) {
      const text = src.read(path);
      s = text === undefined ? null : statements(text);
      parsed.set(path, s);
      if (s) db.files.push(path);
    }
    return s;
  };
  const clause = (expr: string, file: string, line: number, text: string): number => {
    db.clauses.push({ expr: parseExpr(expr), file, line, text });
    return db.clauses.length - 1;
  };
  const active = new Set<string>();

  const walk = (file: string, arch: string | undefined, outer: number[]): void => {
    const key = `${arch ?? ''}:${file}`;
    const stmts = load(file);
    if (!stmts) {
      db.unresolved.push(file);
      return;
    }
    if (active.has(key)) return;
    active.add(key);
    const stack: Frame[] = [{ kind: 'root', clauses: outer }];
    const top = (): Frame => stack[stack.length - 1]!;
    // The entry that `depends on` and friends attach to: a symbol, a block, or nothing.
    let entry:
      { def: SymbolDef; prompt: boolean; defaultY: boolean } | Frame | 'comment' | undefined;
    const closeEntry = (): void => {
      if (entry && entry !== 'comment' && 'def' in entry)
        entry.def.alwaysOn = entry.defaultY && !entry.prompt;
      entry = undefined;
    };
    for (const st of stmts) {
      switch (st.t) {
        case 'config': {
          closeEntry();
          const def: SymbolDef = {
            file,
            line: st.line,
            clauses: [...top().clauses],
            alwaysOn: false,
          };
          if (arch !== undefined) def.arch = arch;
          (db.defs[st.sym] ??= []).push(def);
          entry = { def, prompt: false, defaultY: false };
          break;
        }
        case 'block': {
          closeEntry();
          const frame: Frame = { kind: st.kind, clauses: [...top().clauses] };
          stack.push(frame);
          entry = frame;
          break;
        }
        case 'if': {
          closeEntry();
          stack.push({
            kind: 'if',
            clauses: [...top().clauses, clause(st.expr, file, st.line, `if ${st.expr}`)],
          });
          break;
        }
        case 'end': {
          closeEntry();
          if (stack.length > 1) stack.pop();
          break;
        }
        case 'comment':
          closeEntry();
          entry = 'comment';
          break;
        case 'depends': {
          if (entry === undefined || entry === 'comment') break;
          const c = clause(st.expr, file, st.line, `depends on ${st.expr}`);
          if ('def' in entry) entry.def.clauses.push(c);
          else entry.clauses.push(c);
          break;
        }
        case 'prompt':
          if (entry && entry !== 'comment' && 'def' in entry) entry.prompt = true;
          break;
        case 'default':
          if (entry && entry !== 'comment' && 'def' in entry && !st.cond && st.value === 'y')
            entry.defaultY = true;
          break;
        case 'source': {
          closeEntry();
          for (const [path, a] of expandSource(st.path, st.relative, file, arch, src.arches)) {
            if (path === undefined) db.unresolved.push(`${file}:${st.line}: ${st.path}`);
            else walk(path, a, top().clauses);
          }
          break;
        }
      }
    }
    closeEntry();
    active.delete(key);
  };
  walk('Kconfig', undefined, []);
  return db;
}

/** The files a `source` names, with the architecture each is read for. */
function expandSource(
  path: string,
  relative: boolean,
  from: string,
  arch: string | undefined,
  arches: readonly string[],
): [string | undefined, string | undefined][] {
  const base = relative ? from.slice(0, from.lastIndexOf('/') + 1) : '';
  if (path.includes('$(SRCARCH)')) {
    const targets = arch !== undefined ? [arch] : arches;
    return targets.map((a) => [base + path.split('$(SRCARCH)').join(a), a]);
  }
  if (path.includes('$(')) return [[undefined, arch]];
  return [[normalise(base + path), arch]];
}

function normalise(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}
