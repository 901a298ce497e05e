/** The `tidemark-extract` executable (bin/tidemark-extract.js loads this). */
import { readFileSync } from 'node:fs';
import { runExtractCommand } from './extract-command.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const code = await runExtractCommand(process.argv.slice(2), { name: 'tidemark-extract', version });
// Sockets kept alive by fetch must not hold the process open after the answer is known.
process.exit(code);
