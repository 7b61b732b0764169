// Whole-tree benchmark: `flushguard lint` over every *.c and *.h of linux-source-6.1 against a
// `grep -rlE` pass for the same API names over the same tree, alternating, median of N rounds.
// Usage: npm run bench [-- --rounds N] [-- --jobs N]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { kernelTree } from './kernelTree';
import { Verdicts } from './verdict';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = arg('--rounds', 3);
const jobs = arg('--jobs', 2);
const GOAL_RATIO = 10;
const API = 'kmap|page_address|bvec_virt|b_data|sg_miter_next|memcpy_page|memset_page|flush_dcache_page|vmap|vm_map_ram|flush_kernel_vmap_range|invalidate_kernel_vmap_range';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeIt(cmd: string, args: string[]): { ms: number; stdout: string; stderr: string; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { ms: performance.now() - t0, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function main(): void {
  const tree = kernelTree();
  const grepMs: number[] = [];
  const lintMs: number[] = [];
  const rss: number[] = [];
  let findings = 0;
  let files = 0;
  for (let r = 0; r < rounds; r++) {
    const g = timeIt('grep', ['-rlE', '--include=*.c', '--include=*.h', API, tree]);
    grepMs.push(g.ms);
    const l = timeIt(process.execPath, ['--require', join(__dirname, 'rss-preload.cjs'), 'bin/flushguard.js', 'lint', '--format', 'json', '--jobs', String(jobs), '--no-progress', tree]);
    if (l.status !== 0 && l.status !== 1) throw new Error(`flushguard failed (${l.status}): ${l.stderr.slice(0, 2000)}`);
    lintMs.push(l.ms);
    const report = JSON.parse(l.stdout) as { filesScanned: number; findings: unknown[] };
    findings = report.findings.length;
    files = report.filesScanned;
    rss.push(Number(/FLUSHGUARD_MAXRSS_KB=(\d+)/.exec(l.stderr)?.[1] ?? 0) / 1024);
    console.error(`round ${r + 1}/${rounds}: grep ${(g.ms / 1000).toFixed(2)} s, flushguard ${(l.ms / 1000).toFixed(2)} s`);
  }
  const lint = median(lintMs);
  const grep = median(grepMs);
  console.log(`tree: ${tree}`);
  console.log(`files scanned: ${files}   findings: ${findings}   jobs: ${jobs}   rounds: ${rounds}`);
  console.log(`flushguard lint: median ${(lint / 1000).toFixed(2)} s, ${Math.round(files / (lint / 1000))} files/s, peak RSS (main thread + workers) median ${median(rss).toFixed(0)} MB`);
  console.log(`grep -rlE floor: median ${(grep / 1000).toFixed(2)} s`);
  console.log(`ratio flushguard / grep: ${(lint / grep).toFixed(2)}x`);
  const verdicts = new Verdicts();
  verdicts.add({
    what: 'whole-tree lint time / grep -rlE time',
    goal: `<= ${GOAL_RATIO}x`,
    measured: `${(lint / grep).toFixed(2)}x`,
    met: lint / grep <= GOAL_RATIO,
  });
  verdicts.finish();
}

main();
