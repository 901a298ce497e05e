/** `tidemark import FILE`: its flags here; what it does in import-run.ts, loaded when it runs. */
import type { Command } from 'commander';
import type { ImportOptions } from './import-run.js';
import { withStoreOptions } from './store-options.js';

export function registerImport(program: Command): void {
  withStoreOptions(program.command('import').description('load activities, leads or program members from NDJSON or a Marketo export file, or an asset catalog (`-` reads stdin)'))
    .argument('<file>', 'NDJSON file (one record a line), a .csv/.tsv/.ssv export file, or - for stdin')
    .option('--kind <kind>', 'activities, leads, program-members (NDJSON or an export file), or assets (a catalog JSON file, see docs/assets.md)', 'activities')
    .option('--format <format>', 'ndjson, or csv/tsv/ssv for a Marketo bulk export file (default: from the file name, else ndjson)')
    .option('--skip-invalid', 'import the valid lines and report the rest, instead of importing nothing')
    .option('--json', 'print the summary as one JSON object on stdout (problems still go to stderr)')
    .action(async (file: string, opts: ImportOptions) => {
      // Loaded when it runs: the parsers, the progress bar and the store are no use to other commands.
      const { runImport } = await import('./import-run.js');
      await runImport(file, opts);
    });
}
