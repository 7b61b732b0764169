/**
 * A position-preserving pre-pass over kernel C, run before tree-sitter sees the text.
 *
 * tree-sitter-c knows nothing of the kernel's macros. Two families do most of the damage
 * (measured in docs/design/parsing.md and by `npm run bench:parse`):
 *  - annotations (`__user`, `__iomem`, `__init`, `__must_check`, `__aligned(8)`, ...) make ERROR
 *    nodes or mangle the function name;
 *  - iterator macros (`list_for_each_entry(pos, head, member) { ... }`) leave their block outside
 *    the loop or, with a single-statement body, silently turn the body into a declaration.
 *
 * Every rewrite replaces characters one for one (annotations become spaces, an iterator's name
 * becomes `while` padded with spaces), so every offset of the rewritten text is an offset of the
 * original: findings, fixes and LSP ranges need no mapping back.
 */

/** Annotations that are blanked out when they stand alone. */
const ANNOTATIONS = new Set([
  '__user', '__iomem', '__rcu', '__force', '__percpu', '__bitwise', '__nocast', '__safe',
  '__private', '__kernel', '__init', '__exit', '__initdata', '__initconst', '__exitdata',
  '__devinit', '__devexit', '__devinitdata', '__meminit', '__meminitdata', '__cpuinit',
  '__ref', '__refdata', '__init_or_module', '__net_init', '__net_exit', '__head',
  '__must_check', '__always_inline', '__maybe_unused', '__always_unused', '__used', '__weak',
  '__pure', '__cold', '__hot', '__packed', '__malloc', '__latent_entropy', '__randomize_layout',
  '__cacheline_aligned', '__cacheline_aligned_in_smp', '____cacheline_aligned',
  '____cacheline_aligned_in_smp', '__nonstring', '__deprecated', '__flatten', '__naked',
  '__noreturn', '__read_mostly', '__ro_after_init', '__visible', 'asmlinkage', 'noinline',
  '__noinline', 'notrace', '__sched', '__lockfunc', '__kprobes', '__nocfi', 'noinstr',
  '__no_kcsan', '__no_sanitize_address', '__no_sanitize_undefined', '__noscs', '__cpuidle',
  '__irq_entry', '__softirq_entry', '__attribute_const__', '__noclone', '__inline',
  '__inline__', '__always_inline__', '__page_aligned_data', '__page_aligned_bss',
  '__nosavedata', '__data_racy', '__noinline_for_stack', 'noinline_for_stack', '__initdata_or_module',
  '__exit_p', '__init_task_data', '__aligned_largest', '__ksym', '__weak_ksym', '__unused',
  // Storage-class macros of single subsystems (xfs `#define STATIC static`).
  'STATIC',
]);

/**
 * Macros that take a type as one argument (index given), which tree-sitter cannot parse as an
 * expression: `container_of(p, struct foo, member)`, `min_t(unsigned int, a, b)`. The type's
 * blanks and stars become `_` so that it reads as one identifier, length unchanged.
 */
const TYPE_ARGUMENT = new Map<string, number>([
  ['container_of', 1], ['container_of_const', 1], ['list_entry', 1], ['list_first_entry', 1],
  ['list_last_entry', 1], ['list_first_entry_or_null', 1], ['list_last_entry_or_null', 1],
  ['hlist_entry', 1], ['hlist_entry_safe', 1], ['rb_entry', 1], ['rb_entry_safe', 1],
  ['llist_entry', 1], ['list_entry_rcu', 1], ['hlist_entry_rcu', 1], ['va_arg', 1],
  ['min_t', 0], ['max_t', 0], ['clamp_t', 0], ['offsetof', 0], ['sizeof_field', 0],
  ['FIELD_SIZEOF', 0], ['typecheck', 0], ['offsetofend', 0], ['__alignof__', 0],
]);

/** Annotations that take an argument list, blanked together with it. */
const ANNOTATIONS_WITH_ARGS = new Set([
  '__aligned', '__section', '__printf', '__scanf', '__alloc_size', '__assume_aligned',
  '__must_hold', '__acquires', '__releases', '__cond_acquires', '__cond_releases',
  '__counted_by', '__guarded_by', '__pt_guarded_by', '__diag_ignore', '__diag_push',
  '__realloc_size', '__designated_init', '__no_sanitize_or_inline', '__attribute__',
  '__nocast_attr', '__ksym_attr',
]);

/** Iterator macros: any identifier with `for_each`/`foreach` in it, used as a statement head. */
const ITERATOR = /(?:^|_)for_?each(?:_|$)|^for_each|foreach/;

export interface IteratorLoop {
  /** Offset of the macro name in the text (where `while` now stands). */
  start: number;
  /** The original macro name, e.g. `bio_for_each_segment`. */
  macro: string;
  /** Offsets of the parentheses around the arguments. */
  argsOpen: number;
  argsClose: number;
}

export interface Preprocessed {
  text: string;
  /** Iterator loops rewritten to `while`, keyed by the offset of the name. */
  iterators: Map<number, IteratorLoop>;
  /** How many characters were blanked (for statistics). */
  blanked: number;
}

const isIdentStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57);

/** Skips a comment or a string/char literal starting at `i`; returns the offset after it, or `i`. */
function skipTrivia(src: string, i: number): number {
  const c = src.charCodeAt(i);
  const n = src.charCodeAt(i + 1);
  if (c === 47 && n === 47) {
    let j = i + 2;
    while (j < src.length && src.charCodeAt(j) !== 10) j++;
    return j;
  }
  if (c === 47 && n === 42) {
    const end = src.indexOf('*/', i + 2);
    return end < 0 ? src.length : end + 2;
  }
  if (c === 34 || c === 39) {
    let j = i + 1;
    while (j < src.length) {
      const d = src.charCodeAt(j);
      if (d === 92) j += 2;
      else if (d === c || d === 10) return j + 1;
      else j++;
    }
    return j;
  }
  return i;
}

/** Offset of the parenthesis matching the one at `open`, or -1 (strings and comments skipped). */
export function matchParen(src: string, open: number, limit = 20000): number {
  let depth = 0;
  const end = Math.min(src.length, open + limit);
  for (let i = open; i < end; ) {
    const skipped = skipTrivia(src, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const c = src.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i;
    else if (c === 59 || c === 123 || c === 125) {
      // A ';' or a brace inside an argument list means this was not a macro call we understand.
      if (depth > 0 && c !== 59) return -1;
    }
    i++;
  }
  return -1;
}

function nextSignificant(src: string, i: number): number {
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 92 && (src.charCodeAt(i + 1) === 10 || src.charCodeAt(i + 1) === 13)) {
      i += 2;
      continue;
    }
    const skipped = skipTrivia(src, i);
    if (skipped !== i && (c === 47)) {
      i = skipped;
      continue;
    }
    return i;
  }
  return i;
}

/** Skips a preprocessor directive line (with continuations) starting at `i` (the '#'). */
function skipDirective(src: string, i: number): number {
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 10) return i;
    if (c === 92 && src.charCodeAt(i + 1) === 10) i += 2;
    else if (c === 92 && src.charCodeAt(i + 1) === 13 && src.charCodeAt(i + 2) === 10) i += 3;
    else if (c === 47 && src.charCodeAt(i + 1) === 42) i = skipTrivia(src, i);
    else i++;
  }
  return i;
}

const STATEMENT_HEAD_AFTER = new Set([';', '{', '}', ')', ':']);
const STATEMENT_HEAD_AFTER_WORDS = new Set(['else', 'do']);

export function preprocess(source: string): Preprocessed {
  // One line-splitting rule everywhere (LF, CRLF and a lone CR, as LSP positions count): a lone
  // CR becomes LF, same length, so that tree-sitter's rows and the end of a `//` comment agree
  // with the editor (a CR-only file was one long line comment from its first `//`).
  const src = source.includes('\r') ? source.replace(/\r(?!\n)/g, '\n') : source;
  const edits: Edit[] = [];
  const iterators = new Map<number, IteratorLoop>();
  let lastToken = ';';
  let atLineStart = true;
  let inCaseLabel = false;

  let i = 0;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      atLineStart = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c === 35 && atLineStart) {
      i = skipDirective(src, i);
      continue;
    }
    atLineStart = false;
    const skipped = skipTrivia(src, i);
    if (skipped !== i) {
      if (c === 34) lastToken = '"';
      i = skipped;
      continue;
    }
    if (!isIdentStart(c)) {
      if (c === 58) inCaseLabel = false;
      // GNU case ranges `case 1 ... 4:` become `case 1 +0+ 4:`.
      if (inCaseLabel && c === 46 && src.startsWith('...', i)) {
        edits.push({ from: i, to: i + 3, text: '+0+' });
        i += 3;
        continue;
      }
      lastToken = src[i] ?? '';
      i++;
      continue;
    }
    let j = i + 1;
    while (j < src.length && isIdentPart(src.charCodeAt(j))) j++;
    const word = src.slice(i, j);
    if (word === 'case') inCaseLabel = true;
    if (ANNOTATIONS.has(word)) {
      edits.push(blank(src, i, j));
      i = j;
      continue;
    }
    if (isStringMacro(src, word, lastToken, j)) {
      // `printk(KERN_ERR "x")`: the macro is a string literal, so make it one of equal length.
      edits.push({ from: i, to: j, text: `"${' '.repeat(word.length - 2)}"` });
      lastToken = '"';
      i = j;
      continue;
    }
    if (ANNOTATIONS_WITH_ARGS.has(word) || TYPE_ARGUMENT.has(word) || ITERATOR.test(word)) {
      const open = nextSignificant(src, j);
      const close = src.charCodeAt(open) === 40 ? matchParen(src, open) : -1;
      if (close > 0 && ANNOTATIONS_WITH_ARGS.has(word)) {
        edits.push(blank(src, i, close + 1));
        i = close + 1;
        continue;
      }
      if (close > 0 && TYPE_ARGUMENT.has(word)) {
        const edit = typeArgumentEdit(src, open, close, TYPE_ARGUMENT.get(word) ?? 0);
        if (edit) edits.push(edit);
      } else if (close > 0 && isIteratorStatement(src, word, lastToken, close)) {
        edits.push({ from: i, to: j, text: 'while' + ' '.repeat(word.length - 5) });
        iterators.set(i, { start: i, macro: word, argsOpen: open, argsClose: close });
        // Scanning goes on inside the arguments (they may hold annotations or type arguments).
        lastToken = '(';
        i = open + 1;
        continue;
      }
    }
    lastToken = word;
    i = j;
  }
  return { text: applyEdits(src, edits), iterators, blanked: edits.length };
}

interface Edit {
  from: number;
  to: number;
  text: string;
}

/** Spaces in place of `from..to`, newlines kept so that line numbers stay right. */
function blank(src: string, from: number, to: number): Edit {
  return { from, to, text: src.slice(from, to).replace(/[^\n\r]/g, ' ') };
}

/** Applies same-length edits in order; an edit overlapping an earlier one is dropped. */
function applyEdits(src: string, edits: Edit[]): string {
  if (edits.length === 0) return src;
  edits.sort((a, b) => a.from - b.from);
  const parts: string[] = [];
  let copied = 0;
  for (const e of edits) {
    if (e.from < copied) continue;
    parts.push(src.slice(copied, e.from), e.text);
    copied = e.to;
  }
  parts.push(src.slice(copied));
  return parts.join('');
}

/** An upper-case macro standing next to a string literal in an argument: `KERN_ERR "..."`. */
function isStringMacro(src: string, word: string, lastToken: string, end: number): boolean {
  if (word.length < 2 || word !== word.toUpperCase() || !/[A-Z]/.test(word)) return false;
  const next = src.charCodeAt(nextSignificant(src, end));
  if (next === 34) return lastToken === '(' || lastToken === ',' || lastToken === '"';
  return lastToken === '"' && (next === 41 || next === 44);
}

function isIteratorStatement(src: string, word: string, lastToken: string, close: number): boolean {
  if (word.length < 5) return false;
  if (!STATEMENT_HEAD_AFTER.has(lastToken) && !STATEMENT_HEAD_AFTER_WORDS.has(lastToken)) {
    return false;
  }
  const after = nextSignificant(src, close + 1);
  const d = src.charCodeAt(after);
  // A body follows: a block, or a statement starting with a word, '*', '(' or '++'/'--'.
  return d === 123 || isIdentStart(d) || d === 42 || d === 40 || d === 43 || d === 45;
}

/** Offsets of the top-level commas of the argument list between `open` and `close`. */
function topLevelCommas(src: string, open: number, close: number): number[] {
  const commas: number[] = [];
  let depth = 0;
  for (let i = open + 1; i < close; ) {
    const skipped = skipTrivia(src, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const c = src.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 0) commas.push(i);
    i++;
  }
  return commas;
}

function typeArgumentEdit(src: string, open: number, close: number, index: number): Edit | undefined {
  const commas = topLevelCommas(src, open, close);
  const from = index === 0 ? open + 1 : (commas[index - 1] ?? -1) + 1;
  const to = commas[index] ?? close;
  if (from <= 0) return undefined;
  const arg = src.slice(from, to);
  const trimmed = arg.trim();
  // Only rewrite what looks like a type with blanks or stars, never an expression.
  if (!/^[A-Za-z_][\w\s*]*$/.test(trimmed) || !/[\s*]/.test(trimmed) || /\n/.test(trimmed)) {
    return undefined;
  }
  const start = from + arg.indexOf(trimmed);
  return { from: start, to: start + trimmed.length, text: trimmed.replace(/[\s*]/g, '_') };
}
