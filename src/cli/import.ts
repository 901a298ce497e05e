import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ASSET_KINDS, parseCatalog } from '../domain/assets.js';
import { buildLeadSchema, schemaConflict } from '../domain/lead-schema.js';
import { IMPORT_KINDS } from './import-kinds.js';
import { formatOf, readSource } from './import-sources.js';
import { fail, openStoreFrom, withStoreOptions } from './store-options.js';

const MAX_REPORTED = 50;

class ImportRejected extends Error {}

export function registerImport(program: Command): void {
  withStoreOptions(program.command('import').description('load activities, leads or program members from NDJSON or a Marketo export file, or an asset catalog (`-` reads stdin)'))
    .argument('<file>', 'NDJSON file (one record a line), a .csv/.tsv/.ssv export file, or - for stdin')
    .option('--kind <kind>', 'activities, leads, program-members (NDJSON or an export file), or assets (a catalog JSON file, see docs/assets.md)', 'activities')
    .option('--format <format>', 'ndjson, or csv/tsv/ssv for a Marketo bulk export file (default: from the file name, else ndjson)')
    .option('--skip-invalid', 'import the valid lines and report the rest, instead of importing nothing')
    .option('--json', 'print the summary as one JSON object on stdout (problems still go to stderr)')
    .action(async (file: string, opts: { kind: string; format?: string; skipInvalid?: boolean; json?: boolean; dataDir?: string; databaseUrl?: string }) => {
      if (opts.kind === 'assets') return importAssets(file, opts);
      const kind = IMPORT_KINDS[opts.kind];
      if (!kind) fail(`unknown --kind '${opts.kind}'; use activities, leads, program-members or assets`, 2);
      const format = formatOf(file, opts.format);
      if (!format) fail(`unknown --format '${opts.format}'; use ndjson, csv, tsv or ssv`, 2);
      let input: Readable;
      let totalBytes: number | undefined;
      if (file === '-') input = process.stdin;
      else {
        try {
          totalBytes = statSync(file).size;
        } catch {
          fail(`cannot read ${file}: no such file`, 2);
        }
        input = createReadStream(file);
      }
      const started = Date.now();
      const store = await openStoreFrom(opts);
      const bar = process.stderr.isTTY && totalBytes ? new SingleBar({ format: 'importing [{bar}] {percentage}% | {value}/{total} bytes | {lines} lines', stream: process.stderr }) : undefined;
      bar?.start(totalBytes ?? 0, 0, { lines: 0 });

      let lineNo = 0, invalid = 0;
      const nul = { nulBytes: 0 };
      const skip = opts.skipInvalid ?? false;
      const reader = await kind.reader(store);
      async function* records(): AsyncGenerator<unknown> {
        for await (const src of readSource(input, format!, reader.columns)) {
          lineNo = src.line;
          if (bar && lineNo % 5000 === 0) bar.update(Math.min(src.bytes, totalBytes ?? src.bytes), { lines: lineNo });
          const parsed = src.error ? { ok: false as const, reason: src.error } : reader.parse(src.record, nul);
          if (!parsed.ok) {
            invalid++;
            if (invalid <= MAX_REPORTED) process.stderr.write(`${bar ? '\n' : ''}line ${lineNo}: ${parsed.reason}\n`);
            continue;
          }
          // All-or-nothing: keep scanning to report every bad line, then roll back.
          if (invalid === 0 || skip) yield parsed.record;
        }
        if (invalid > 0 && !skip) throw new ImportRejected();
      }

      try {
        const { parts, counts } = await kind.write(store, records());
        bar?.update(totalBytes ?? 0, { lines: lineNo });
        bar?.stop();
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        if (invalid) parts.push(`${invalid} invalid lines skipped`);
        if (nul.nulBytes) parts.push(`${nul.nulBytes} NUL bytes stripped`);
        if (opts.json) {
          const summary = { kind: opts.kind, ...counts, invalid, nulBytes: nul.nulBytes, seconds: Number(secs) };
          process.stdout.write(JSON.stringify(summary) + '\n');
        } else process.stdout.write(`${parts.join(', ')} in ${secs}s\n`);
      } catch (err) {
        bar?.stop();
        if (err instanceof ImportRejected) {
          if (invalid > MAX_REPORTED) process.stderr.write(`... and ${invalid - MAX_REPORTED} more invalid lines\n`);
          fail(`nothing imported: ${invalid} of ${lineNo} lines are invalid (use --skip-invalid to import the valid ones)`);
        }
        throw err;
      } finally {
        await store.close();
      }
    });
}

/** Loads an asset catalog (programs, static lists, forms, lead fields); all-or-nothing. */
async function importAssets(file: string, opts: { json?: boolean; dataDir?: string; databaseUrl?: string }): Promise<void> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : readFileSync(file, 'utf8');
  } catch {
    fail(`cannot read ${file}`, 2);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    fail(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = parseCatalog(raw, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
  if ('error' in parsed) fail(`nothing imported: ${parsed.error}`);
  const store = await openStoreFrom(opts);
  try {
    // The lead schema the stored catalog and this file make together must be consistent.
    const incoming = parsed.assets.filter((a) => a.kind === 'leadField');
    const stored = (await store.listAssets('leadField')).filter((a) => !incoming.some((b) => b.id === a.id));
    const conflict = schemaConflict(buildLeadSchema([...stored, ...incoming].map((a) => a.data)));
    if (conflict) fail(`nothing imported: ${conflict}`);
    await store.putAssets(parsed.assets);
  } finally {
    await store.close();
  }
  const counts = ASSET_KINDS.map((k) => [k, parsed.assets.filter((a) => a.kind === k).length] as const);
  if (opts.json) process.stdout.write(JSON.stringify({ kind: 'assets', imported: Object.fromEntries(counts) }) + '\n');
  else process.stdout.write(`imported asset catalog: ${counts.map(([k, n]) => `${n} ${k}s`).join(', ')}\n`);
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}
