/**
 * `node --import tsx scripts/hostile-cases.ts --root DIR [--only ID] [--timeout S] [--cap-mb MB]`:
 * the outside tester's ten cases of issue 15 through the CLI of the checkout at DIR (its
 * bin/flushguard.js, built), one command each under `/usr/bin/time -v` and `timeout`, with the
 * inputs generated here (nothing committed). Prints a Markdown table: elapsed time, peak
 * resident memory, exit code and what the run said or did. A run past --timeout (default 150 s)
 * is recorded as ">S s"; one past --cap-mb (default 3072) of resident memory is killed and
 * recorded as over the cap, so that a "before" that runs away costs neither the machine nor time.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manyFunctions, manyIfs, manyIfsVmap } from './fuzz/hostileInputs';

const BAD =
  'void bad(struct page *page)\n{\n\tchar *p = kmap(page);\n\tp[0] = 1;\n\tkunmap(page);\n}\n';
const ESC = '\u001b[2J\u001b]52;c;ZXZpbA==\u0007';

interface Case {
  id: string;
  what: string;
  /** Writes the inputs under `dir`; returns the CLI arguments. */
  setup: (dir: string) => string[];
  /** What the output says, in a few words. */
  outcome: (r: RunResult) => string;
}

interface RunResult {
  code: number | null;
  out: string;
  err: string;
  seconds: number;
  rssMb: number;
  timedOut: boolean;
  capped: boolean;
}

/** The findings printed, as `name:line:col` (the summary line is not printed under `timeout`). */
const summary = (r: RunResult): string => {
  const found = [...r.out.matchAll(/([^/\n]+\.c):(\d+:\d+): (?:warning|error|info):/g)];
  const shown = found.slice(0, 3).map((m) => `${m[1]}:${m[2]}`);
  if (found.length > 3) shown.push('…');
  return `${found.length} finding${found.length === 1 ? '' : 's'}${shown.length > 0 ? ` (${shown.join(', ')})` : ''}`;
};
/** The first lines of stderr, without the temporary directory and stack frames. */
const firstErr = (r: RunResult): string =>
  r.err
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s*at /.test(l) && !/^Command exited/.test(l))
    .slice(0, 2)
    .join(' ')
    .replace(/(?:\.\.\/)*\/?tmp\/fg-hostile-cases-\w+\//g, '')
    .slice(0, 110);
const esc = (s: string): string => JSON.stringify(s).slice(1, -1).replace(/\|/g, '\\|');

function dir(base: string, name: string, files: Record<string, string>): string {
  const d = join(base, name);
  mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}

const CASES: Case[] = [
  {
    id: '1',
    what: '8 MB function of 8,000,000 `;`, then a file with a finding',
    setup: (d) => {
      // A mapped page keeps the rules interested, so the 8 MB function is parsed.
      const big = `void big(struct page *page)\n{\n\tchar *p = kmap(page);\n${';'.repeat(8_000_000)}\n\tp[0] = 1;\n\tkunmap(page);\n}\n`;
      const w = dir(d, 'c1', { 'big.c': big, 'demo.c': BAD });
      return ['lint', '--jobs', '1', '--no-cache', join(w, 'big.c'), join(w, 'demo.c')];
    },
    outcome: (r) =>
      `${summary(r)}; ${/big\.c: skipped: [^\n]{0,60}/.exec(r.err)?.[0] ?? 'big.c not named'}`,
  },
  {
    id: '2',
    what: '`{"__proto__.missing-flush-dcache-page": "off"}` in .flushguard.json',
    setup: (d) => {
      const w = dir(d, 'c2', {
        '.flushguard.json': '{"__proto__.missing-flush-dcache-page": "off"}',
        'demo.c': BAD,
      });
      return ['lint', '--jobs', '1', '--no-cache', join(w, 'demo.c')];
    },
    outcome: (r) => (r.code === 2 ? firstErr(r) : summary(r)),
  },
  {
    id: '3a',
    what: '30,000 `if`s over 30 written pages, default budget',
    setup: (d) => {
      writeFileSync(join(d, 'ifs30.c'), manyIfs(30_000, 30));
      return ['lint', '--jobs', '1', '--no-cache', join(d, 'ifs30.c')];
    },
    outcome: (r) => /skipped: [^\n]{0,70}/.exec(r.err)?.[0] ?? summary(r),
  },
  {
    id: '3b',
    what: 'its vmap variant',
    setup: (d) => {
      writeFileSync(join(d, 'vmap.c'), manyIfsVmap(30_000));
      return ['lint', '--jobs', '1', '--no-cache', join(d, 'vmap.c')];
    },
    outcome: (r) => /skipped: [^\n]{0,70}/.exec(r.err)?.[0] ?? summary(r),
  },
  {
    id: '3c',
    what: '`simulate` of the 30-page file',
    setup: (d) => {
      writeFileSync(join(d, 'ifs30s.c'), manyIfs(30_000, 30));
      return ['simulate', join(d, 'ifs30s.c'), '--line', '40'];
    },
    outcome: (r) => (r.code === 0 ? 'simulated' : firstErr(r)),
  },
  {
    id: '4',
    what: '20,000 small functions',
    setup: (d) => {
      writeFileSync(join(d, 'fns20k.c'), manyFunctions(20_000));
      return ['lint', '--jobs', '1', '--no-cache', join(d, 'fns20k.c')];
    },
    outcome: (r) => /skipped: [^\n]{0,70}/.exec(r.err)?.[0] ?? summary(r),
  },
  {
    id: '5a',
    what: 'exclude `*a*a*a*a*a*a*a*a*a*a*b` against a 60-character name',
    setup: (d) => {
      const w = dir(d, 'c5a', {
        '.flushguard.json': '{"exclude": ["*a*a*a*a*a*a*a*a*a*a*b"]}',
        [`${'a'.repeat(60)}.c`]: BAD,
      });
      return ['lint', '--jobs', '1', '--no-cache', w];
    },
    outcome: (r) => summary(r) || firstErr(r),
  },
  {
    id: '5b',
    what: 'exclude `drivers/[z-a]*.c`',
    setup: (d) => {
      const w = dir(d, 'c5b', {
        '.flushguard.json': '{"exclude": ["drivers/[z-a]*.c"]}',
        'demo.c': BAD,
      });
      return ['lint', '--jobs', '1', '--no-cache', w];
    },
    outcome: firstErr,
  },
  {
    id: '6a',
    what: '`lint /dev/zero`',
    setup: () => ['lint', '--jobs', '1', '--no-cache', '/dev/zero'],
    outcome: firstErr,
  },
  {
    id: '6b',
    what: 'a FIFO named as input',
    setup: (d) => {
      const fifo = join(d, 'fifo.c');
      spawnFifo(fifo);
      return ['lint', '--jobs', '1', '--no-cache', fifo];
    },
    outcome: firstErr,
  },
  {
    id: '6c',
    what: 'a 1.5 GB sparse `.c`',
    setup: (d) => {
      const f = join(d, 'sparse.c');
      writeFileSync(f, '');
      truncateSync(f, 1536 * 1024 * 1024);
      return ['lint', '--jobs', '1', '--no-cache', f];
    },
    outcome: firstErr,
  },
  {
    id: '6d',
    what: '`--config` a link to /dev/zero',
    setup: (d) => {
      const w = dir(d, 'c6d', { 'demo.c': BAD });
      symlinkSync('/dev/zero', join(w, 'zero.json'));
      return [
        'lint',
        '--jobs',
        '1',
        '--no-cache',
        '--config',
        join(w, 'zero.json'),
        join(w, 'demo.c'),
      ];
    },
    outcome: firstErr,
  },
  {
    id: '7',
    what: '50 lines of `clean_inval K 1048576`, `--format json`',
    setup: (d) => {
      const f = join(d, 'big.fgs');
      writeFileSync(
        f,
        'preset arm1176-32k\npage P pa=0x00010000 file index=1\nkmap P as K\n' +
          'clean_inval K 1048576\n'.repeat(50),
      );
      return ['simulate', '--scenario', f, '--format', 'json'];
    },
    outcome: (r) =>
      r.code === 0 ? `ran, ${(r.out.length / 1048576).toFixed(1)} MiB of JSON` : firstErr(r),
  },
  {
    id: '8',
    what: 'a 100,000-deep value in .flushguard.json',
    setup: (d) => {
      const w = dir(d, 'c8', {
        '.flushguard.json': `{"rules": ${'['.repeat(100_000)}1${']'.repeat(100_000)}}`,
        'demo.c': BAD,
      });
      return ['lint', '--jobs', '1', '--no-cache', join(w, 'demo.c')];
    },
    outcome: firstErr,
  },
  {
    id: '9',
    what: 'ESC `[2J` and OSC 52 in a comment; a newline in a file name',
    setup: (d) => {
      const src = `void f(struct page **pages)\n{\n\tchar *p = kmap(pages[/* ${ESC} */0]);\n\tp[0] = 1;\n\tkunmap(pages[0]);\n}\n`;
      const w = dir(d, 'c9', {
        'evil\nx.c:1:1: error: forged [missing-flush-dcache-page]\n.c': src,
      });
      return ['lint', '--verbose', '--jobs', '1', '--no-cache', w];
    },
    outcome: (r) => {
      const raw = (r.out + r.err).match(/[\u0000-\u0008\u000b-\u001f\u007f]/g)?.length ?? 0;
      const forged = /^x\.c:1:1: error: forged/m.test(r.out);
      return `${raw} raw control bytes; forged line ${forged ? 'printed' : 'absent'}`;
    },
  },
  {
    id: '10',
    what: '`pages[/* . */0]`, and CR-only line ends after a `//` first line',
    setup: (d) => {
      const src = `void f(struct page **pages)\n{\n\tchar *p = kmap(pages[/* . */0]);\n\tp[0] = 1;\n\tkunmap(pages[0]);\n}\n`;
      const cr = `// first line\n${BAD}`.replace(/\n/g, '\r');
      const w = dir(d, 'c10', { 'dot.c': src, 'cr.c': cr });
      return ['lint', '--jobs', '1', '--no-cache', join(w, 'dot.c'), join(w, 'cr.c')];
    },
    outcome: summary,
  },
];

function spawnFifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed`);
}

/** `pid` and its descendants (from /proc). */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // The process ended meanwhile.
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Resident memory of `pid` and its descendants, in MB. */
function treeRssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Ended.
    }
  }
  return kb / 1024;
}

function runCase(bin: string, args: string[], timeoutS: number, capMb: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(
      '/usr/bin/time',
      ['-v', 'timeout', String(timeoutS), process.execPath, bin, ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      if (out.length < 4 * 1048576) out += b.toString('latin1');
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString('latin1');
      if (err.length > 1048576) err = err.slice(0, 65536) + err.slice(-65536);
    });
    let capped = false;
    let peakMb = 0;
    const watch = setInterval(() => {
      const mb = treeRssMb(child.pid!);
      peakMb = Math.max(peakMb, mb);
      if (mb > capMb && !capped) {
        capped = true;
        // The runaway run (its node process, under `timeout`, under `time`), by pid.
        for (const p of processTree(child.pid!).slice(2).reverse()) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // Ended.
          }
        }
      }
    }, 200);
    child.on('close', (code) => {
      clearInterval(watch);
      const seconds = (performance.now() - t0) / 1000;
      const maxKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? NaN);
      const timeLines = err.indexOf('\tCommand being timed');
      const cleanErr = timeLines >= 0 ? err.slice(0, timeLines) : err;
      const status = /Exit status: (\d+)/.exec(err)?.[1];
      resolve({
        code: status !== undefined ? Number(status) : code,
        out,
        err: cleanErr,
        seconds,
        rssMb: Math.max(peakMb, maxKb / 1024 || 0),
        timedOut: status === '124',
        capped,
      });
    });
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const get = (n: string): string | undefined =>
    argv.includes(n) ? argv[argv.indexOf(n) + 1] : undefined;
  const root = get('--root') ?? join(__dirname, '..');
  const only = get('--only')?.split(',');
  const timeoutS = Number(get('--timeout') ?? 150);
  const capMb = Number(get('--cap-mb') ?? 3072);
  const bin = join(root, 'bin', 'flushguard.js');
  const work = mkdtempSync(join(tmpdir(), 'fg-hostile-cases-'));
  console.log(`| case | input | elapsed | peak RSS | exit | what happened |`);
  console.log(`|---|---|---|---|---|---|`);
  for (const c of CASES) {
    if (only && !only.includes(c.id)) continue;
    const args = c.setup(work);
    const r = await runCase(bin, args, timeoutS, capMb);
    const time = r.timedOut ? `>${timeoutS} s` : `${r.seconds.toFixed(1)} s`;
    const rss = r.capped ? `>${capMb} MB (killed)` : `${Math.round(r.rssMb)} MB`;
    const exit = r.timedOut ? 'timeout' : r.capped ? 'killed' : String(r.code);
    console.log(`| ${c.id} | ${c.what} | ${time} | ${rss} | ${exit} | ${esc(c.outcome(r))} |`);
  }
}

void main();
