/**
 * Memoised answers to a question asked recursively over a graph with cycles: what a function
 * writes or flushes of its parameters, over a call graph where functions call each other.
 *
 * Cutting a cycle by answering "nothing yet" for a question still being computed, and memoising
 * whatever came back, makes an answer depend on which question was asked first: a function met
 * again inside its own computation is answered with the cut, and the functions computed under
 * it keep that wrong answer for good. Here the questions still being computed form strongly
 * connected components (Tarjan): an answer that leaned on an open question stays provisional,
 * and the component's first question recomputes its members until none changes (the least fixed
 * point, for answers that only grow as their inputs grow) before any of them is memoised.
 */

interface Frame<V> {
  key: string;
  index: number;
  /** Asked again while open: its answer leaned on its own provisional one. */
  reentered: boolean;
  low: number;
  value: V;
  compute: () => V;
}

/** Rounds of a component's recomputation before its answers are taken as they stand. */
const MAX_ROUNDS = 16;

let provisional = 0;

/**
 * How many provisional answers (a question met again while it was computed) every memo has given
 * so far. Something derived from answers (a callee's page model) is final when this did not move
 * while it was derived: it leaned on no answer a later round could change.
 */
export function provisionalAnswers(): number {
  return provisional;
}

export class FixpointMemo<V> {
  private readonly done = new Map<string, V>();
  private readonly open = new Map<string, Frame<V>>();
  private readonly stack: Frame<V>[] = [];
  private current: Frame<V> | undefined;
  private counter = 0;

  /**
   * `bottom`: the answer assumed for a question met again while it is computed ("nothing");
   * `same`: whether two answers are equal (the recomputation stops when none changes).
   */
  constructor(
    private readonly bottom: V,
    private readonly same: (a: V, b: V) => boolean,
  ) {}

  /** The answer for `key`, computed by `compute` (which may ask other keys through `get`). */
  get(key: string, compute: () => V): V {
    if (this.done.has(key)) return this.done.get(key) as V;
    const open = this.open.get(key);
    if (open) {
      provisional++;
      open.reentered = true;
      if (this.current) this.current.low = Math.min(this.current.low, open.index);
      return open.value;
    }
    const frame: Frame<V> = {
      key,
      index: this.counter,
      low: this.counter,
      reentered: false,
      value: this.bottom,
      compute,
    };
    this.counter++;
    this.open.set(key, frame);
    this.stack.push(frame);
    const parent = this.current;
    this.current = frame;
    try {
      frame.value = compute();
      if (frame.low === frame.index) this.settle(frame);
    } catch (e) {
      // A deadline or an interrupt: nothing computed under this frame may be kept half-done.
      this.abandon(frame);
      throw e;
    } finally {
      this.current = parent;
    }
    if (parent) parent.low = Math.min(parent.low, frame.low);
    return frame.value;
  }

  /** `root` heads a component: recompute its members to a fixed point, then memoise them. */
  private settle(root: Frame<V>): void {
    const at = this.stack.indexOf(root);
    // A question that met no open one (the common case) is final as computed.
    if (this.stack.length - at > 1 || root.reentered) {
      for (let round = 0, changed = true; changed && round < MAX_ROUNDS; round++) {
        changed = false;
        // Members found in this round (a question its first pass did not ask) join the next.
        for (let k = at; k < this.stack.length; k++) {
          const m = this.stack[k]!;
          this.current = m;
          const v = m.compute();
          if (!this.same(v, m.value)) {
            m.value = v;
            changed = true;
          }
        }
      }
    }
    for (const f of this.stack.splice(at)) {
      this.open.delete(f.key);
      this.done.set(f.key, f.value);
    }
  }

  private abandon(frame: Frame<V>): void {
    const at = this.stack.indexOf(frame);
    for (const f of at >= 0 ? this.stack.splice(at) : [frame]) this.open.delete(f.key);
  }
}
