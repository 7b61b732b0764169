/** Writes docs/kernel-apis.md from the kernel-API table (server/src/knowledge/apis.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIS } from '../server/src/knowledge/apis';
import { renderApiDocs } from '../server/src/knowledge/apiDocs';

const out = join(__dirname, '..', 'docs', 'kernel-apis.md');
writeFileSync(out, renderApiDocs(APIS));
console.log(`wrote ${out} (${APIS.length} APIs)`);
