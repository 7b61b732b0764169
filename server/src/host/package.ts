/** Facts about the installed package: its root, version, and the rule docs it ships. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

function packageRoot(): string {
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let i = 0; i < 6; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && /"name":\s*"flushguard"/.test(readFileSync(manifest, 'utf8')))
      return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export function packageVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return '0.0.0';
  }
}

/** Where a rule's documentation is: under `base` when given (CI), else the installed file. */
export function docsUri(ruleId: string, base?: string): string {
  if (base) return `${base.replace(/\/$/, '')}/${ruleId}.md`;
  return pathToFileURL(join(packageRoot(), 'docs', 'rules', `${ruleId}.md`)).href;
}

export function ruleDocMarkdown(ruleId: string): string {
  try {
    return readFileSync(join(packageRoot(), 'docs', 'rules', `${ruleId}.md`), 'utf8');
  } catch {
    return '';
  }
}
