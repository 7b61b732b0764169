/**
 * Entry of `flushguard-language-server` (dist/server.js): a few lines that start the analysis
 * thread on the language server's bundle (dist/server-main.js, from main.ts) and then load that
 * bundle here. The thread's start-up (its own copy of the bundle, its WASM parser) thus overlaps
 * all of this thread's, reading and compiling the bundle included.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { handOver, isServerProcess, startThread } from './earlyThread';

const bundle = join(__dirname, 'server-main.js');
if (isServerProcess()) handOver(startThread(bundle, false));
createRequire(__filename)(bundle);
