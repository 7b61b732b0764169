/**
 * Builds a FunctionCfg from a tree-sitter `function_definition`.
 *
 * One method per construct; the targets of `break` and `continue` live on a stack of jump
 * contexts, and `goto` edges are joined to their labels when the label is reached (or at the end,
 * for forward gotos), the kernel's error-unwinding style:
 *
 *     if (err) goto out_unmap;      entry -[true]-> (goto) -> out_unmap
 *     ...                           entry -[false]-> ... -> out_unmap
 *   out_unmap:
 *     kunmap(page);
 *
 * Nesting deeper than MAX_DEPTH makes the function "skipped" with a reason instead of risking
 * the stack (kernel functions nest a dozen levels at most; fuzzed input nests thousands).
 */
import type { Node } from '../parsing/parser';
import { connect } from './graph';
import type { Block, EdgeKind, FunctionCfg } from './graph';
import { callArguments, calleeName, functionName, stripExpr } from '../parsing/nodeText';
import { checkDeadline } from '../parsing/deadline';

export const MAX_DEPTH = 200;
/** A branch costs about three blocks: 20,000 statements with branches stay analysable. */
export const MAX_BLOCKS = 200_000;

/** Calls after which control never returns (paths through them are not paths to the exit). */
const NO_RETURN = new Set([
  'BUG',
  'panic',
  'do_exit',
  'unreachable',
  '__builtin_unreachable',
  'kthread_exit',
  'make_task_dead',
]);

class TooComplex extends Error {}

/** Where a condition goes when it comes out true (or false), and the kind of that edge. */
interface Exit {
  to: Block;
  kind: EdgeKind;
}

interface JumpContext {
  breakTo: Block;
  continueTo?: Block;
}

class Builder {
  readonly blocks: Block[] = [];
  readonly entry: Block;
  readonly exit: Block;
  private current: Block;
  private readonly jumps: JumpContext[] = [];
  private readonly labels = new Map<string, Block>();
  private depth = 0;

  constructor() {
    this.entry = this.newBlock();
    this.exit = this.newBlock();
    this.current = this.entry;
  }

  newBlock(): Block {
    if (this.blocks.length >= MAX_BLOCKS)
      throw new TooComplex(`more than ${MAX_BLOCKS} basic blocks`);
    const block: Block = { id: this.blocks.length, items: [], succ: [], pred: [] };
    this.blocks.push(block);
    return block;
  }

  /** Ends the current block with an edge to `to`; what follows is unreachable until a label. */
  private jump(to: Block, kind: EdgeKind, via?: Node): void {
    connect(this.current, to, kind, via);
    this.current = this.newBlock();
  }

  private startBlock(kind: EdgeKind = 'next', via?: Node): Block {
    const block = this.newBlock();
    connect(this.current, block, kind, via);
    this.current = block;
    return block;
  }

  private label(name: string): Block {
    let block = this.labels.get(name);
    if (!block) {
      block = this.newBlock();
      this.labels.set(name, block);
    }
    return block;
  }

  statement(node: Node): void {
    // The build walks every statement of the function: a huge one must stop at the file's budget
    // like the analysis after it (BudgetExceeded goes up; the file is skipped with its reason).
    checkDeadline();
    if (++this.depth > MAX_DEPTH)
      throw new TooComplex(`statements nested deeper than ${MAX_DEPTH}`);
    try {
      this.dispatch(node);
    } finally {
      this.depth--;
    }
  }

  private dispatch(node: Node): void {
    switch (node.type) {
      case 'compound_statement':
      case 'translation_unit':
      case 'ERROR':
        return this.sequence(node.namedChildren);
      case 'if_statement':
        return this.ifStatement(node);
      case 'switch_statement':
        return this.switchStatement(node);
      case 'while_statement':
        return this.whileStatement(node);
      case 'for_statement':
        return this.forStatement(node);
      case 'do_statement':
        return this.doStatement(node);
      case 'return_statement':
        this.current.items.push(node);
        return this.jump(this.exit, 'return', node);
      case 'break_statement':
        return this.breakOrContinue(node, 'break');
      case 'continue_statement':
        return this.breakOrContinue(node, 'continue');
      case 'goto_statement': {
        const name = node.childForFieldName('label')?.text ?? '';
        return this.jump(this.label(name), 'goto', node);
      }
      case 'labeled_statement':
        return this.labeled(node);
      case 'attributed_statement':
        return this.sequence(node.namedChildren.filter((c) => c.type !== 'attribute_declaration'));
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
        return this.preprocBranch(node);
      case 'preproc_else':
        return this.sequence(node.namedChildren);
      case 'case_statement':
        // A case label outside a switch (broken code): analyse what it labels.
        return this.sequence(
          node.namedChildren.filter((c) => c.id !== node.childForFieldName('value')?.id),
        );
      case 'comment':
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
      case ';':
        return;
      default:
        this.current.items.push(node);
        if (node.type === 'expression_statement' && endsControl(node)) {
          this.current = this.newBlock();
        }
    }
  }

  private sequence(nodes: Node[]): void {
    for (const n of nodes) this.statement(n);
  }

  /**
   * `if ... else if ... else if ...` is walked as a loop, not by recursion, so a dispatch chain of
   * any length neither counts against MAX_DEPTH nor grows the stack. The graph is the one the
   * recursion built: one join per `if`, each inner join falling through to the outer one.
   */
  private ifStatement(first: Node): void {
    const joins: Block[] = [];
    for (let node: Node | undefined = first; node;) {
      const join = this.newBlock();
      joins.push(join);
      const then = this.newBlock();
      const otherwise = this.newBlock();
      this.condition(
        node.childForFieldName('condition'),
        node,
        { to: then, kind: 'true' },
        { to: otherwise, kind: 'false' },
      );
      this.current = then;
      const consequence = node.childForFieldName('consequence');
      if (consequence) this.statement(consequence);
      connect(this.current, join, 'next');
      this.current = otherwise;
      const alternative: Node | null = node.childForFieldName('alternative');
      const rest: Node[] = alternative?.namedChildren ?? [];
      node = rest.length === 1 && rest[0]?.type === 'if_statement' ? rest[0] : undefined;
      if (!node) this.sequence(rest);
    }
    for (let i = joins.length - 1; i >= 0; i--) {
      connect(this.current, joins[i]!, 'next');
      this.current = joins[i]!;
    }
  }

  /**
   * Evaluates a condition in the current block and leaves it by `ifTrue` or `ifFalse`. `&&` and
   * `||` fork the way ESLint's code-path analysis forks on logical expressions: each operand is
   * tested in a block of its own, and a short circuit goes straight to the construct's target.
   * `!` swaps the targets; parentheses, casts and likely()/unlikely() are looked through. Every
   * edge out carries the atom it tested and the atom's value (graph.ts, EdgeTest).
   */
  private condition(condition: Node | null, via: Node, ifTrue: Exit, ifFalse: Exit): void {
    if (!condition) {
      connect(this.current, ifTrue.to, ifTrue.kind, via);
      connect(this.current, ifFalse.to, ifFalse.kind, via);
      return;
    }
    if (++this.depth > MAX_DEPTH)
      throw new TooComplex(`conditions nested deeper than ${MAX_DEPTH}`);
    try {
      const { node, negated } = peelCondition(condition);
      if (negated) [ifTrue, ifFalse] = [ifFalse, ifTrue];
      const op = logicalOperator(node);
      if (!op) {
        this.current.items.push(node);
        connect(this.current, ifTrue.to, ifTrue.kind, via, { atom: node, value: true });
        connect(this.current, ifFalse.to, ifFalse.kind, via, { atom: node, value: false });
        return;
      }
      // A chain of one operator (`a && b && c`) is walked as a loop: only a change of operator
      // recurses, so a long chain neither counts against MAX_DEPTH nor grows the stack.
      const operands = operandsOf(node, op);
      operands.forEach((operand, i) => {
        if (i === operands.length - 1) return this.condition(operand, via, ifTrue, ifFalse);
        const next = this.newBlock();
        if (op === '&&') this.condition(operand, via, { to: next, kind: 'and' }, ifFalse);
        else this.condition(operand, via, ifTrue, { to: next, kind: 'or' });
        this.current = next;
      });
    } finally {
      this.depth--;
    }
  }

  private switchStatement(node: Node): void {
    const condition = node.childForFieldName('condition');
    if (condition) this.current.items.push(condition);
    const head = this.current;
    const after = this.newBlock();
    this.jumps.push({ breakTo: after, ...this.continueTarget() });
    let hasDefault = false;
    let previousEnd: Block | undefined;
    const body = node.childForFieldName('body');
    for (const child of body?.namedChildren ?? []) {
      if (child.type !== 'case_statement') {
        // Statements before the first label are unreachable; after a label they continue it.
        if (previousEnd) {
          this.current = previousEnd;
          this.statement(child);
          previousEnd = this.current;
        }
        continue;
      }
      const value = child.childForFieldName('value');
      const isDefault = !value;
      hasDefault ||= isDefault;
      const start = this.newBlock();
      connect(head, start, isDefault ? 'default' : 'case', child);
      if (previousEnd) connect(previousEnd, start, 'next');
      this.current = start;
      // Node wrappers are fresh per access: compare ids, or the label's value becomes an item.
      this.sequence(child.namedChildren.filter((c) => c.id !== value?.id));
      previousEnd = this.current;
    }
    if (previousEnd) connect(previousEnd, after, 'next');
    if (!hasDefault) connect(head, after, 'no-case', node);
    this.jumps.pop();
    this.current = after;
  }

  private continueTarget(): { continueTo?: Block } {
    const outer = this.jumps.at(-1)?.continueTo;
    return outer ? { continueTo: outer } : {};
  }

  private loop(
    node: Node,
    condition: Node | null,
    body: Node | null,
    update: Node | null,
    firstRuns = false,
  ): void {
    const entry = this.current;
    const head = firstRuns ? this.newBlock() : this.startBlock('next');
    this.current = head;
    const after = this.newBlock();
    const latch = this.newBlock();
    if (update) latch.items.push(update);
    connect(latch, head, 'loop', node);
    this.jumps.push({ breakTo: after, continueTo: latch });
    const start = this.newBlock();
    // A loop known to run its body once is entered at the body; the test guards later rounds.
    if (firstRuns) connect(entry, start, 'true', node);
    if (isAlwaysTrue(condition)) {
      if (condition) head.items.push(condition);
      connect(head, start, 'true', node);
    } else {
      this.condition(
        condition,
        node,
        { to: start, kind: 'true' },
        { to: after, kind: 'loop-exit' },
      );
    }
    this.current = start;
    if (body) this.statement(body);
    connect(this.current, latch, 'next');
    this.jumps.pop();
    this.current = after;
  }

  private whileStatement(node: Node): void {
    this.loop(node, node.childForFieldName('condition'), node.childForFieldName('body'), null);
  }

  private forStatement(node: Node): void {
    const init = node.childForFieldName('initializer');
    if (init) this.current.items.push(init);
    const condition = node.childForFieldName('condition');
    this.loop(
      node,
      condition,
      node.childForFieldName('body'),
      node.childForFieldName('update'),
      runsOverPage(init, condition),
    );
  }

  private doStatement(node: Node): void {
    const body = this.startBlock('next');
    const after = this.newBlock();
    const latch = this.newBlock();
    const condition = node.childForFieldName('condition');
    this.jumps.push({ breakTo: after, continueTo: latch });
    this.current = body;
    const stmt = node.childForFieldName('body');
    if (stmt) this.statement(stmt);
    connect(this.current, latch, 'next');
    this.jumps.pop();
    this.current = latch;
    // `do { } while (0)` runs once: no back edge.
    const once = condition?.text.replace(/[\s()]/g, '') === '0';
    if (once || isAlwaysTrue(condition)) {
      if (condition) latch.items.push(condition);
      if (!once) connect(latch, body, 'loop', node);
      if (!isAlwaysTrue(condition)) connect(latch, after, 'loop-exit', node);
    } else {
      this.condition(condition, node, { to: body, kind: 'loop' }, { to: after, kind: 'loop-exit' });
    }
    this.current = after;
  }

  private breakOrContinue(node: Node, kind: 'break' | 'continue'): void {
    const context = this.jumps.at(-1);
    const target = kind === 'break' ? context?.breakTo : context?.continueTo;
    if (target) this.jump(target, kind, node);
  }

  private labeled(node: Node): void {
    const name = node.childForFieldName('label')?.text ?? '';
    const block = this.label(name);
    connect(this.current, block, 'next');
    this.current = block;
    this.sequence(node.namedChildren.filter((c) => c.type !== 'statement_identifier'));
  }

  /** `#if A ... #elif B ... #else ... #endif` inside a body: each branch is a possible path. */
  private preprocBranch(node: Node): void {
    const head = this.current;
    const join = this.newBlock();
    const alternative = node.childForFieldName('alternative');
    // web-tree-sitter hands out a fresh wrapper object per access, so compare node ids.
    const skip = new Set(
      [node.childForFieldName('condition'), node.childForFieldName('name'), alternative].map(
        (c) => c?.id,
      ),
    );
    this.current = head;
    this.startBlock('preproc', node);
    this.sequence(node.namedChildren.filter((c) => !skip.has(c.id) && c.type !== 'identifier'));
    connect(this.current, join, 'next');
    this.current = head;
    this.startBlock('preproc-else', node);
    if (alternative) this.statement(alternative);
    connect(this.current, join, 'next');
    this.current = join;
  }

  finish(): void {
    connect(this.current, this.exit, 'next');
  }
}

/**
 * `for (i = 0; i < PAGE_SIZE / bsize; i++)`, `for (off = 0; off < PAGE_SIZE; off += n)`: a walk
 * over the blocks of a page starts below a bound of at least one (a block is never larger than
 * the page it divides), so its body runs at least once.
 */
function runsOverPage(init: Node | null, condition: Node | null): boolean {
  const from = init?.type === 'declaration' ? init.namedChildren.at(-1) : init;
  const start =
    from?.type === 'init_declarator'
      ? [from.childForFieldName('declarator'), from.childForFieldName('value')]
      : from?.type === 'assignment_expression' && from.childForFieldName('operator')?.text === '='
        ? [from.childForFieldName('left'), from.childForFieldName('right')]
        : [];
  const [name, value] = start;
  if (name?.type !== 'identifier' || value?.text !== '0' || !condition) return false;
  const test = stripExpr(condition);
  if (test.type !== 'binary_expression' || test.childForFieldName('operator')?.text !== '<')
    return false;
  if (test.childForFieldName('left')?.text !== name.text) return false;
  const bound = test.childForFieldName('right');
  const b = bound && stripExpr(bound);
  const dividend =
    b?.type === 'binary_expression' &&
    /^(?:\/|>>)$/.test(b.childForFieldName('operator')?.text ?? '')
      ? b.childForFieldName('left')
      : b;
  return dividend?.text === 'PAGE_SIZE';
}

function isAlwaysTrue(condition: Node | null): boolean {
  if (!condition) return true;
  const t = condition.text.replace(/[\s()]/g, '');
  return t === '1' || t === 'true' || t === '';
}

/** Parentheses, casts, `!` and likely()/unlikely() around a condition; odd `!`s negate it. */
export function peelCondition(n: Node): { node: Node; negated: boolean } {
  let negated = false;
  for (let guard = 0; guard < MAX_DEPTH; guard++) {
    n = stripExpr(n);
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.type === '!') {
      const arg = n.childForFieldName('argument');
      if (!arg) break;
      negated = !negated;
      n = arg;
      continue;
    }
    const args = n.type === 'call_expression' ? callArguments(n) : [];
    if (args.length === 1 && /^(?:un)?likely$/.test(calleeName(n))) {
      n = args[0]!;
      continue;
    }
    break;
  }
  return { node: n, negated };
}

function logicalOperator(n: Node): '&&' | '||' | undefined {
  if (n.type !== 'binary_expression') return undefined;
  const op = n.childForFieldName('operator')?.type;
  return op === '&&' || op === '||' ? op : undefined;
}

/** `a && (b && c) && d` gives a, b, c, d: the operands of one operator, left to right. */
function operandsOf(n: Node, op: '&&' | '||'): Node[] {
  const out: Node[] = [];
  const stack = [n];
  while (stack.length > 0) {
    const m = stack.pop()!;
    const s = stripExpr(m);
    const left = s.childForFieldName('left');
    const right = s.childForFieldName('right');
    if (logicalOperator(s) === op && left && right) stack.push(right, left);
    else out.push(m);
  }
  return out;
}

function endsControl(statement: Node): boolean {
  const expr = statement.namedChild(0);
  if (expr?.type !== 'call_expression') return false;
  return NO_RETURN.has(expr.childForFieldName('function')?.text ?? '');
}

export function buildCfg(fn: Node): FunctionCfg {
  const builder = new Builder();
  const name = functionName(fn);
  try {
    const body = fn.childForFieldName('body');
    if (body) builder.statement(body);
    builder.finish();
  } catch (e) {
    if (!(e instanceof TooComplex)) throw e;
    const empty = new Builder();
    empty.finish();
    return {
      name,
      node: fn,
      entry: empty.entry,
      exit: empty.exit,
      blocks: empty.blocks,
      skipped: e.message,
    };
  }
  return { name, node: fn, entry: builder.entry, exit: builder.exit, blocks: builder.blocks };
}
