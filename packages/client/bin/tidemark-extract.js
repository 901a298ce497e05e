#!/usr/bin/env node
// Runs the compiled CLI; `npm install` of the package ships dist/, a checkout builds it through `prepare`.
import { existsSync } from 'node:fs';
const entry = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tidemark-extract: dist/ is missing; run `npm run build` in packages/client (npm ci does this for you).\n');
  process.exit(1);
}
await import(entry.href);
