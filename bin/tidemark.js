#!/usr/bin/env node
// The bin runs the compiled CLI; `npm ci` builds dist/ through the `prepare` script.
import { existsSync } from 'node:fs';
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tidemark: dist/ is missing; run `npm run build` (npm ci does this for you).\n');
  process.exit(1);
}
await import(entry.href);
