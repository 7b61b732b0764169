// Whole-tree benchmark: `flushguard lint` over every *.c and *.h of linux-source-6.1 against a
// `grep -rlE` pass for the same API names over the same tree, alternating, median of N rounds.
// Each round lints twice with a fresh cache directory: cold (empty cache) then warm (unchanged
// tree, everything from the cache); the two must report identical findings.
// Usage: npm run bench [-- --rounds N] [-- --jobs N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelTree } from './kernelTree';
import { Verdicts } from './verdict';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = arg('--rounds', 3);
const jobs = arg('--jobs', 2);
const API = 'kmap|page_address|bvec_virt|b_data|sg_miter_next|memcpy_page|memset_page|flush_dcache_page|vmap|vm_map_ram|flush_kernel_vmap_range|invalidate_kernel_vmap_range';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeIt(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; stdout: string; stderr: string; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, env });
  return { ms: performance.now() - t0, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function main(): void {
  const tree = kernelTree();
  const grepMs: number[] = [];
  const lintMs: number[] = [];
  const warmMs: number[] = [];
  const rss: number[] = [];
  let identical = true;
  let findings = 0;
  let files = 0;
  for (let r = 0; r < rounds; r++) {
    const g = timeIt('grep', ['-rlE', '--include=*.c', '--include=*.h', API, tree]);
    grepMs.push(g.ms);
    const cache = mkdtempSync(join(tmpdir(), 'flushguard-bench-cache-'));
    const env = { ...process.env, FLUSHGUARD_CACHE_DIR: cache };
    const lint = (): ReturnType<typeof timeIt> => {
      const run = timeIt(process.execPath, ['--require', join(__dirname, 'rss-preload.cjs'), 'bin/flushguard.js', 'lint', '--format', 'json', '--jobs', String(jobs), '--no-progress', tree], env);
      if (run.status !== 0 && run.status !== 1) throw new Error(`flushguard failed (${run.status}): ${run.stderr.slice(0, 2000)}`);
      // getrusage's ru_maxrss of the lint process: worker threads share its address space, so
      // this is the whole process (the figure `/usr/bin/time -v` prints for the same run).
      rss.push(Number(/FLUSHGUARD_MAXRSS_KB=(\d+)/.exec(run.stderr)?.[1] ?? 0) / 1024);
      return run;
    };
    const l = lint();
    lintMs.push(l.ms);
    const w = lint();
    warmMs.push(w.ms);
    rmSync(cache, { recursive: true, force: true });
    if (w.stdout !== l.stdout) identical = false;
    const report = JSON.parse(l.stdout) as { filesScanned: number; findings: unknown[] };
    findings = report.findings.length;
    files = report.filesScanned;
    console.error(`round ${r + 1}/${rounds}: grep ${(g.ms / 1000).toFixed(2)} s, flushguard cold ${(l.ms / 1000).toFixed(2)} s, warm ${(w.ms / 1000).toFixed(2)} s`);
  }
  const lint = median(lintMs);
  const grep = median(grepMs);
  console.log(`tree: ${tree}`);
  console.log(`files scanned: ${files}   findings: ${findings}   jobs: ${jobs}   rounds: ${rounds}`);
  const warm = median(warmMs);
  console.log(`flushguard lint, cold cache: median ${(lint / 1000).toFixed(2)} s, ${Math.round(files / (lint / 1000))} files/s`);
  console.log(`flushguard lint, warm cache: median ${(warm / 1000).toFixed(2)} s`);
  console.log(`peak RSS (main thread + workers): median ${median(rss).toFixed(0)} MB, max ${Math.max(...rss).toFixed(0)} MB`);
  console.log(`grep -rlE floor: median ${(grep / 1000).toFixed(2)} s`);
  console.log(`ratio cold / grep: ${(lint / grep).toFixed(2)}x`);
  console.log(`ratio warm / grep: ${(warm / grep).toFixed(2)}x`);
  const maxRss = Math.max(...rss);
  const verdicts = new Verdicts();
  verdicts.add({ what: 'cold lint time / grep -rlE time', goal: '<= 8x', measured: `${(lint / grep).toFixed(2)}x`, met: lint / grep <= 8 });
  verdicts.add({ what: 'warm lint time / grep -rlE time', goal: '<= 1.5x', measured: `${(warm / grep).toFixed(2)}x`, met: warm / grep <= 1.5 });
  verdicts.add({ what: 'peak RSS (main thread + workers)', goal: '< 1024 MB', measured: `${maxRss.toFixed(0)} MB`, met: maxRss < 1024 });
  verdicts.add({ what: 'findings cold vs warm', goal: 'identical', measured: identical ? 'identical' : 'different', met: identical });
  verdicts.finish();
}

main();
