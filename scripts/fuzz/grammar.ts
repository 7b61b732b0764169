/**
 * Grammar-generated kernel-shaped C: random functions built from the constructs the engine
 * models (kmap/kunmap pairs, stores, flushes, vmap and bio submission, if/else, loops, switch,
 * goto ladders, for-each macros, #ifdef) nested to random depths. Valid C most of the time;
 * the mutators break it afterwards.
 */
import type { Rng } from './mutate';

const MAPS = ['kmap', 'kmap_atomic', 'kmap_local_page', 'page_address'];
const UNMAPS: Record<string, string> = {
  kmap: 'kunmap(page)',
  kmap_atomic: 'kunmap_atomic(addr)',
  kmap_local_page: 'kunmap_local(addr)',
  page_address: '(void)0',
};

class Gen {
  private labels: string[] = [];
  /** Statements left for this function: deep nesting grows a spine, not an exponential tree. */
  private left = 0;
  constructor(
    private readonly rng: Rng,
    private readonly maxDepth: number,
  ) {}

  fn(name: string): string {
    this.labels = [];
    this.left = 400 + this.maxDepth * 4;
    const map = this.rng.pick(MAPS);
    const body = this.block(0, 2 + this.rng.int(8));
    const tail = this.labels.map((l) => `${l}:\n\t${this.rng.pick(this.simple())};\n`).join('');
    const unmap = UNMAPS[map]!;
    return (
      `static int ${name}(struct page *page, struct bio *bio, const void *src, size_t len)\n{\n` +
      `\tchar *addr = ${map}(page);\n\tint err = 0;\n${body}\t${unmap};\n` +
      (this.rng.chance(0.4) ? '\tflush_dcache_page(page);\n' : '') +
      `${tail}\treturn err;\n}\n`
    );
  }

  private simple(): string[] {
    const i = this.rng.int(64);
    return [
      `addr[${i}] = ${i}`,
      `memcpy(addr + ${i}, src, len)`,
      `memset(addr, 0, PAGE_SIZE)`,
      `*((u32 *)addr + ${i}) = cpu_to_le32(${i})`,
      'flush_dcache_page(page)',
      `err = do_thing(addr, ${i})`,
      'submit_bio(bio)',
      `flush_kernel_vmap_range(addr, len)`,
      `invalidate_kernel_vmap_range(addr, len)`,
      `addr = ${this.rng.pick(MAPS)}(page)`,
      `kunmap_local(addr)`,
      `copy_to_user(ubuf, addr, len)`,
      'err = -EIO',
    ];
  }

  private block(depth: number, n: number): string {
    let out = '';
    for (let k = 0; k < n; k++) out += this.statement(depth);
    return out;
  }

  private statement(depth: number): string {
    const pad = '\t'.repeat(depth + 1);
    if (--this.left <= 0 || depth >= this.maxDepth || this.rng.chance(0.45))
      return `${pad}${this.rng.pick(this.simple())};\n`;
    const inner = (): string => this.block(depth + 1, depth > 8 ? 1 : 1 + this.rng.int(4));
    switch (this.rng.int(9)) {
      case 0:
        return `${pad}if (${this.cond()}) {\n${inner()}${pad}}${this.rng.chance(0.5) ? ` else {\n${inner()}${pad}}` : ''}\n`;
      case 1:
        return `${pad}for (i = 0; i < len; i++) {\n${inner()}${pad}}\n`;
      case 2:
        return `${pad}while (${this.cond()}) {\n${inner()}${pad}}\n`;
      case 3:
        return `${pad}do {\n${inner()}${pad}} while (${this.rng.chance(0.5) ? '0' : this.cond()});\n`;
      case 4: {
        let s = `${pad}switch (op) {\n`;
        for (let c = this.rng.int(4); c >= 0; c--)
          s += `${pad}case ${c}:\n${inner()}${this.rng.chance(0.7) ? `${pad}\tbreak;\n` : ''}`;
        return s + `${pad}default:\n${inner()}${pad}}\n`;
      }
      case 5: {
        const label = `out_${this.labels.length}`;
        this.labels.push(label);
        return `${pad}if (${this.cond()})\n${pad}\tgoto ${label};\n`;
      }
      case 6:
        return `${pad}bio_for_each_segment(bv, bio, iter) {\n${inner()}${pad}}\n`;
      case 7:
        return `#ifdef CONFIG_${this.rng.int(9)}\n${inner()}#else\n${inner()}#endif\n`;
      default:
        return `${pad}{\n${inner()}${pad}}\n`;
    }
  }

  private cond(): string {
    return this.rng.pick([
      'err',
      '!page',
      'len > PAGE_SIZE',
      'op == REQ_OP_WRITE',
      'unlikely(!addr)',
      'rw == WRITE',
      'i < n',
    ]);
  }
}

/** One to five generated functions, nested up to `maxDepth` (sometimes far deeper than kernel code). */
export function generateC(rng: Rng): string {
  const gen = new Gen(rng, rng.chance(0.95) ? 1 + rng.int(8) : 20 + rng.int(300));
  let out = '#include <linux/highmem.h>\n\n';
  for (let k = 1 + rng.int(5); k > 0; k--) out += gen.fn(`gen_${k}`) + '\n';
  return out;
}
