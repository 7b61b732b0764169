/** Writes each tree under test/fixtures/apis/ (a Makefile naming its version, and api.c) from the table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TREES, fixtureFile, makefile, treeName } from '../test/fixtures/apis/render';

for (const v of TREES) {
  const dir = join(__dirname, '..', 'test', 'fixtures', 'apis', treeName(v));
  mkdirSync(join(dir, 'drivers', 'demo'), { recursive: true });
  writeFileSync(join(dir, 'Makefile'), makefile(v));
  writeFileSync(join(dir, 'drivers', 'demo', 'api.c'), fixtureFile(v));
  console.log(`wrote ${dir}`);
}
