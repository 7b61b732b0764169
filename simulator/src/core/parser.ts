// Parser for the scenario language (.fgs). It reports every error, each with line:column and what
// was expected, and returns a scenario only when there are none.
import { SimulatorInputError } from './errors';
import { geometryOf, LIMITS } from './geometry';
import { describe, lexLine, parseNumber, type Token } from './lexer';
import { getPreset } from './presets';
import {
  isOp,
  SIGNATURES,
  type AddrRef,
  type ArgKind,
  type DmaDir,
  type Op,
  type PaRef,
  type PresetOverrides,
  type Scenario,
  type ScenarioEvent,
  type Variant,
} from './scenario';

export interface ParseError {
  line: number;
  column: number;
  message: string;
}

export interface ParseResult {
  scenario?: Scenario;
  errors: ParseError[];
}

class LineError extends Error {
  constructor(
    readonly col: number,
    message: string,
  ) {
    super(message);
  }
}

const DIRS: Record<string, DmaDir> = {
  to_device: 'to_device',
  from_device: 'from_device',
  bidirectional: 'bidirectional',
};

/**
 * What one scenario may ask of a run, so that a file of 60 KB cannot make a run of gigabytes:
 * every event is a step of the trace and every line a transfer touches is a recorded access
 * (50 lines of `clean_inval K 1048576` made a JSON trace longer than a string can be). A scenario
 * that crosses a limit is refused at the line that crosses it.
 */
export const SCENARIO_LIMITS = {
  maxEvents: 10_000,
  /** Bytes named by all the events together (lengths, data, speculative lines). */
  maxBytes: 32 * 1024 * 1024,
} as const;

export function parseScenario(text: string): ParseResult {
  const p = new Parser();
  text.split('\n').forEach((line, i) => p.line(line, i + 1));
  return p.errors.length > 0 ? { errors: p.errors } : { scenario: p.scenario, errors: [] };
}

class Parser {
  readonly errors: ParseError[] = [];
  readonly scenario: Scenario = { events: [] };
  private readonly pages = new Set<string>();
  private readonly pagePas = new Map<number, string>();
  private readonly names = new Set<string>();
  private toks: Token[] = [];
  private pos = 0;
  private lineNo = 0;
  private moved = 0;
  /** Set once a limit was crossed: the lines after it are not read. */
  private stopped = false;

  line(raw: string, lineNo: number): void {
    if (this.stopped) return;
    const { tokens, errors, codeEnd } = lexLine(raw);
    for (const e of errors) this.errors.push({ line: lineNo, column: e.col, message: e.message });
    if (errors.length > 0 || tokens.length === 1) return;
    this.toks = tokens;
    this.pos = 0;
    this.lineNo = lineNo;
    try {
      this.statement(raw.slice(0, codeEnd));
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      this.errors.push({ line: lineNo, column: e.col, message: e.message });
    }
  }

  private peek(): Token {
    return this.toks[this.pos] ?? { kind: 'eol', text: '', col: 1 };
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eol') this.pos++;
    return t;
  }

  private fail(t: Token, expected: string): never {
    throw new LineError(t.col, `expected ${expected}, found ${describe(t)}`);
  }

  private isWord(text: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text === text;
  }

  /** `code` is the line without its comment; the event's text starts at the op (no prefixes). */
  private statement(code: string): void {
    let variant: Variant = 'always';
    let cLine: number | undefined;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && t.text === '@') {
        this.next();
        const n = this.next();
        const v = n.kind === 'word' ? parseNumber(n.text) : undefined;
        if (v === undefined) this.fail(n, "a C line number after '@'");
        cLine = Number(v);
      } else if (t.kind === 'word' && (t.text === 'fix' || t.text === 'bug')) {
        this.next();
        variant = t.text;
      } else break;
    }
    const opTok = this.next();
    if (opTok.kind === 'word' && opTok.text === 'preset') return this.presetHeader();
    if (opTok.kind !== 'word' || !isOp(opTok.text)) {
      this.fail(opTok, `an event (${Object.keys(SIGNATURES).join(', ')}, or preset)`);
    }
    const op: Op = opTok.text;
    const text = code.slice(opTok.col - 1).trim();
    const e: ScenarioEvent = { op, loc: { line: this.lineNo, column: opTok.col }, variant, text };
    if (cLine !== undefined) e.cLine = cLine;
    if (op === 'page') this.pageDecl(e);
    else this.args(e);
    this.end(op);
    if (e.bind !== undefined) this.names.add(e.bind);
    if (op === 'title') this.scenario.title = e.note ?? '';
    else {
      this.withinLimits(e, opTok.col);
      this.scenario.events.push(e);
    }
  }

  private withinLimits(e: ScenarioEvent, col: number): void {
    const L = SCENARIO_LIMITS;
    this.moved +=
      (e.len ?? 0) + (e.data?.length ?? 0) + (e.buggy?.length ?? 0) + (e.count ?? 0) * 64;
    let why: string | undefined;
    if (this.scenario.events.length >= L.maxEvents)
      why = `more than ${L.maxEvents} events: the scenario is refused from this line`;
    else if (this.moved > L.maxBytes)
      why = `the events up to this line move more than ${L.maxBytes / 1024 / 1024} MiB in all: the scenario is refused from this line`;
    if (why === undefined) return;
    this.stopped = true;
    throw new LineError(col, why);
  }

  private end(op: string): void {
    const t = this.peek();
    if (t.kind !== 'eol') this.fail(t, `end of line after the operands of '${op}'`);
  }

  private args(e: ScenarioEvent): void {
    const s = SIGNATURES[e.op];
    for (const kind of s.args) this.arg(e, kind);
    if ('buggy' in s && s.buggy && this.isWord('buggy')) {
      this.next();
      e.buggy = this.bytes("the bytes of the buggy run after 'buggy'");
    }
    if ('at' in s && s.at && this.isWord('at')) {
      this.next();
      e.at = this.va();
    }
    if ('as' in s && s.as && this.isWord('as')) {
      this.next();
      e.bind = this.name("a name after 'as'");
    }
  }

  private arg(e: ScenarioEvent, kind: ArgKind): void {
    switch (kind) {
      case 'va':
        e.va = this.va();
        return;
      case 'pa':
        e.pa = this.pa();
        return;
      case 'len':
        e.len = this.len();
        return;
      case 'off':
        e.off = this.num('an offset in bytes');
        return;
      case 'count': {
        const t = this.peek();
        if (t.kind !== 'word' || parseNumber(t.text) === undefined) return;
        e.count = this.num('a count');
        if (e.count < 1 || e.count > LIMITS.maxSpeculations) {
          throw new LineError(t.col, `expected a count from 1 to ${LIMITS.maxSpeculations}`);
        }
        return;
      }
      case 'page':
        (e.pages ??= []).push(this.pageRef());
        return;
      case 'pages':
        e.pages = [this.pageRef()];
        while (this.peek().kind === 'word' && !this.isWord('at') && !this.isWord('as')) {
          e.pages.push(this.pageRef());
        }
        return;
      case 'bytes':
        e.data = this.bytes('data: hex bytes (4F 4C), a "string", or BYTE*COUNT');
        return;
      case 'dir': {
        const t = this.next();
        const d = DIRS[t.text.toLowerCase().replace(/^dma_/, '')];
        if (t.kind !== 'word' || d === undefined)
          this.fail(t, 'a DMA direction (to_device, from_device, bidirectional)');
        e.dir = d;
        return;
      }
      case 'eq': {
        const t = this.next();
        if (t.kind !== 'punct' || t.text !== '=') this.fail(t, "'='");
        return;
      }
      case 'text': {
        const t = this.next();
        if (t.kind !== 'string') this.fail(t, 'a "quoted text"');
        e.note = t.text;
        return;
      }
      case 'name':
        e.bind = this.name('a name');
        return;
    }
  }

  private name(expected: string): string {
    const t = this.next();
    if (t.kind !== 'word' || !/^[A-Za-z_]\w*$/.test(t.text)) this.fail(t, expected);
    return t.text;
  }

  private num(expected: string): number {
    const t = this.next();
    const v = t.kind === 'word' ? parseNumber(t.text) : undefined;
    if (v === undefined) this.fail(t, expected);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new LineError(t.col, `${t.text} is too large`);
    return Number(v);
  }

  private len(): number {
    const t = this.peek();
    const n = this.num('a length in bytes');
    if (n < 1) throw new LineError(t.col, 'expected a length of at least 1 byte');
    if (n > LIMITS.maxTransferBytes) {
      throw new LineError(
        t.col,
        `a transfer of ${n} bytes exceeds the ${LIMITS.maxTransferBytes} byte (1 MiB) limit`,
      );
    }
    return n;
  }

  private offset(): bigint {
    if (this.peek().kind !== 'punct' || this.peek().text !== '+') return 0n;
    this.next();
    const t = this.next();
    const v = t.kind === 'word' ? parseNumber(t.text) : undefined;
    if (v === undefined) this.fail(t, "a number after '+'");
    return v;
  }

  private va(): AddrRef {
    const t = this.next();
    if (t.kind !== 'word') this.fail(t, 'an address (a number or a bound name)');
    const v = parseNumber(t.text);
    if (v !== undefined) return { value: v };
    if (!this.names.has(t.text)) {
      const hint = this.pages.has(t.text)
        ? ` (${t.text} is a page: bind an address with 'kmap ${t.text} as K')`
        : " (bind it with 'as NAME' on map_user/kmap/vmap, or 'let NAME = <va>')";
      throw new LineError(t.col, `expected an address, found unknown name '${t.text}'${hint}`);
    }
    return { name: t.text, value: this.offset() };
  }

  private pa(): PaRef {
    const t = this.next();
    if (t.kind !== 'word') this.fail(t, 'a physical address (a number or a page name)');
    const v = parseNumber(t.text);
    if (v !== undefined) {
      if (v >= BigInt(LIMITS.maxPhysAddr))
        throw new LineError(t.col, `PA ${t.text} is beyond the 2^40 limit`);
      return { value: v };
    }
    if (!this.pages.has(t.text))
      this.fail(t, "a physical address: a number or a declared page's name");
    return { page: t.text, value: this.offset() };
  }

  private pageRef(): string {
    const t = this.next();
    if (t.kind !== 'word') this.fail(t, 'a page name');
    if (!this.pages.has(t.text)) {
      throw new LineError(
        t.col,
        `expected a page name, found unknown page '${t.text}' (declare it with 'page ${t.text} pa=<PA> file|anon')`,
      );
    }
    return t.text;
  }

  /** A data literal: hex words ("4F4C 44"), "strings", each optionally repeated with *COUNT. */
  private bytes(expected: string): Uint8Array {
    const parts: { group: Uint8Array; n: number }[] = [];
    let total = 0;
    for (;;) {
      const t = this.peek();
      let group: Uint8Array | undefined;
      if (t.kind === 'string') {
        group = Uint8Array.from(t.text, (ch) => ch.charCodeAt(0) & 0xff);
      } else if (t.kind === 'word' && t.text !== 'buggy' && /^([0-9a-fA-F]{2})+$/.test(t.text)) {
        group = Uint8Array.from(t.text.match(/../g) ?? [], (h) => parseInt(h, 16));
      }
      if (group === undefined || group.length === 0) {
        if (parts.length === 0) this.fail(t, expected);
        break;
      }
      this.next();
      let n = 1;
      if (this.peek().kind === 'punct' && this.peek().text === '*') {
        this.next();
        n = this.num("a repeat count after '*'");
      }
      total += n * group.length;
      if (total > LIMITS.maxTransferBytes) {
        throw new LineError(t.col, 'data larger than the 1 MiB transfer limit');
      }
      parts.push({ group, n });
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const { group, n } of parts) {
      for (let k = 0; k < n; k++, at += group.length) out.set(group, at);
    }
    return out;
  }

  private pageDecl(e: ScenarioEvent): void {
    const nameTok = this.peek();
    const name = this.name('a page name');
    if (this.pages.has(name))
      throw new LineError(nameTok.col, `page '${name}' is already declared`);
    let pa: number | undefined;
    const page = {
      name,
      pa: 0,
      kind: 'anon' as 'file' | 'anon',
      index: 0,
      mapped: false,
      mapcount: 0,
      arch1: false,
    };
    let kindSeen = false;
    while (this.peek().kind !== 'eol') {
      const t = this.next();
      if (t.kind === 'word' && (t.text === 'file' || t.text === 'anon')) {
        page.kind = t.text;
        kindSeen = true;
        continue;
      }
      if (t.kind !== 'word' || !['pa', 'index', 'mapped', 'mapcount', 'arch1'].includes(t.text)) {
        this.fail(t, 'a page attribute (pa=, file, anon, index=, mapped=, mapcount=, arch1=)');
      }
      const eq = this.next();
      if (eq.kind !== 'punct' || eq.text !== '=') this.fail(eq, `'=' after '${t.text}'`);
      if (t.text === 'mapped' || t.text === 'arch1') {
        const b = this.next();
        const v = { true: true, yes: true, '1': true, false: false, no: false, '0': false }[b.text];
        if (b.kind !== 'word' || v === undefined) this.fail(b, 'true or false (or 1 / 0)');
        if (t.text === 'mapped') page.mapped = v;
        else page.arch1 = v;
      } else if (t.text === 'pa') {
        const at = this.peek();
        pa = this.num('a physical address');
        if (pa >= LIMITS.maxPhysAddr) throw new LineError(at.col, 'PA beyond the 2^40 limit');
        const other = this.pagePas.get(pa);
        if (other !== undefined) throw new LineError(at.col, `PA already used by page '${other}'`);
      } else if (t.text === 'index') page.index = this.num('a page index');
      else page.mapcount = this.num('a map count');
    }
    if (pa === undefined) this.fail(this.peek(), "'pa=<physical address>'");
    if (!kindSeen) this.fail(this.peek(), "'file' or 'anon'");
    page.pa = pa;
    this.pages.add(name);
    this.pagePas.set(pa, name);
    e.page = page;
  }

  private presetHeader(): void {
    const t = this.next();
    if (t.kind !== 'word') this.fail(t, 'a preset id');
    if (this.scenario.preset !== undefined) throw new LineError(t.col, 'the preset is already set');
    const o: PresetOverrides = {};
    const keys = { size: 'cacheBytes', ways: 'ways', line: 'lineBytes' } as const;
    while (this.peek().kind !== 'eol') {
      const k = this.next();
      const key = keys[k.text as keyof typeof keys] as (typeof keys)[keyof typeof keys] | undefined;
      if (k.kind !== 'word' || key === undefined)
        this.fail(k, 'a preset parameter (size=, ways=, line=)');
      const eq = this.next();
      if (eq.kind !== 'punct' || eq.text !== '=') this.fail(eq, `'=' after '${k.text}'`);
      o[key] = this.num('a number');
    }
    try {
      geometryOf({ ...getPreset(t.text), ...o });
    } catch (err) {
      // Unknown id (the message lists the valid ones) or absurd geometry, reported at the id.
      if (err instanceof SimulatorInputError) throw new LineError(t.col, err.message);
      throw err;
    }
    this.scenario.preset = t.text;
    if (Object.keys(o).length > 0) this.scenario.overrides = o;
  }
}
