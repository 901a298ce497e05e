/** The `tidemark` command. */
import { Command } from 'commander';
import { registerCa } from './ca.js';
import { registerDemo } from './demo.js';
import { registerEmulator } from './emulator.js';
import { registerExtract } from './extract.js';
import { registerImport } from './import.js';
import { registerServe } from './serve.js';
import { registerUsers } from './users.js';

const program = new Command('tidemark')
  .description('A Marketo-compatible Bulk Activity Extract server, test double and client')
  .version('0.1.0');
registerServe(program);
registerUsers(program);
registerImport(program);
registerDemo(program);
registerExtract(program);
registerEmulator(program);
registerCa(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`tidemark: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
