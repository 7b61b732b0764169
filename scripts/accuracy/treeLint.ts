/** The whole-tree run: `flushguard lint --format json .` from the tree root, as a user runs it. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface TreeFinding {
  file: string;
  function: string;
  rule: string;
  line: number;
}

export interface TreeLint {
  findings: TreeFinding[];
  filesScanned: number;
  ms: number;
}

export function lintTree(tree: string, jobs: number): TreeLint {
  const bin = join(__dirname, '..', '..', 'bin', 'flushguard.js');
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [bin, 'lint', '--format', 'json', '--no-progress', '--jobs', String(jobs), '.'],
    { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1)
    throw new Error(
      `flushguard lint failed in ${tree} (exit ${r.status}): ${r.stderr.slice(0, 2000)}`,
    );
  const report = JSON.parse(r.stdout) as { filesScanned: number; findings: TreeFinding[] };
  const findings = report.findings.map(({ file, function: fn, rule, line }) => ({
    file: file.replace(/^\.\//, ''),
    function: fn,
    rule,
    line,
  }));
  return { findings, filesScanned: report.filesScanned, ms };
}
