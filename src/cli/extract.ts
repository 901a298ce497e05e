/**
 * `tidemark extract`: the client's `tidemark-extract` command, re-exposed under the server's CLI.
 * The client package owns its flags, help and exit codes; commander passes every argument through
 * untouched.
 */
import type { Command } from 'commander';

export function registerExtract(program: Command): void {
  program.command('extract')
    .description('extract every activity of a date range from Tidemark or Marketo into one file (see `tidemark extract --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]')
    .action(async (flags: string[]) => {
      // Loaded when it runs, so the other commands start without the client.
      const { runExtractCommand } = await import('@tidemark/client/internal');
      const code = await runExtractCommand(flags, { name: 'tidemark extract', version: program.version() ?? '' });
      // Sockets kept alive by fetch must not hold the process open after the answer is known.
      process.exit(code);
    });
}
