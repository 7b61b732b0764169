/**
 * Which engine produced a cached result. The package version alone is not enough (the engine
 * changes between releases while it is developed), so the id is a hash of the code that runs:
 * the bundle (dist/cli.js) when bundled, or every TypeScript source under server/src when run
 * from source (tests, scripts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha1 } from './store';

let memo: string | undefined;

export function engineId(): string {
  if (memo !== undefined) return memo;
  const self = __filename;
  if (self.endsWith('.js')) memo = sha1(readFileSync(self));
  else {
    const parts: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts'))
          parts.push(name, sha1(readFileSync(p)));
      }
    };
    walk(join(__dirname, '..'));
    memo = sha1(parts.join('\n'));
  }
  return memo;
}
