#!/usr/bin/env node
// Thin launcher for the language server bundle (dist/server.js); pass --stdio or --node-ipc.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'server.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('flushguard-language-server: dist/server.js is missing; run `npm run build` first\n');
  process.exit(2);
}
require(bundle);
