/**
 * What `tidemark import` does: reads the file in chunks, parses each chunk's records, and hands
 * them to the store in batches, all-or-nothing (or the valid ones with --skip-invalid), with
 * `line N: reason` for each bad line and a progress bar on a terminal. Asset catalogs load here too.
 */
import { SingleBar } from 'cli-progress';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ASSET_KINDS, parseCatalog } from '../domain/assets.js';
import type { NulCounter } from '../domain/field-values.js';
import { buildLeadSchema, schemaConflict } from '../domain/lead-schema.js';
import { IMPORT_KINDS, type RecordReader } from './import-kinds.js';
import { formatOf, readSource, type ImportFormat } from './import-sources.js';
import { fail, openStoreFrom } from './store-options.js';

export interface ImportOptions {
  kind: string;
  format?: string;
  skipInvalid?: boolean;
  json?: boolean;
  dataDir?: string;
  databaseUrl?: string;
}

const MAX_REPORTED = 50;
/** Read size: about 2,700 activity lines a chunk, so a batch carries many records. */
const CHUNK_BYTES = 1 << 20;

class ImportRejected extends Error {}

export async function runImport(file: string, opts: ImportOptions): Promise<void> {
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
    input = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  }
  const started = Date.now();
  const store = await openStoreFrom(opts);
  const bar = process.stderr.isTTY && totalBytes ? new SingleBar({ format: 'importing [{bar}] {percentage}% | {value}/{total} bytes | {lines} lines', stream: process.stderr }) : undefined;
  bar?.start(totalBytes ?? 0, 0, { lines: 0 });
  const scan = new Scan(await kind.reader(store), opts.skipInvalid ?? false, bar !== undefined);
  try {
    const { parts, counts } = await kind.write(store, scan.batches(input, format, (bytes) => {
      bar?.update(Math.min(bytes, totalBytes ?? bytes), { lines: scan.lineNo });
    }));
    bar?.update(totalBytes ?? 0, { lines: scan.lineNo });
    bar?.stop();
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (scan.invalid) parts.push(`${scan.invalid} invalid lines skipped`);
    if (scan.nul.nulBytes) parts.push(`${scan.nul.nulBytes} NUL bytes stripped`);
    if (opts.json) {
      const summary = { kind: opts.kind, ...counts, invalid: scan.invalid, nulBytes: scan.nul.nulBytes, seconds: Number(secs) };
      process.stdout.write(JSON.stringify(summary) + '\n');
    } else process.stdout.write(`${parts.join(', ')} in ${secs}s\n`);
  } catch (err) {
    bar?.stop();
    if (err instanceof ImportRejected) {
      if (scan.invalid > MAX_REPORTED) process.stderr.write(`... and ${scan.invalid - MAX_REPORTED} more invalid lines\n`);
      fail(`nothing imported: ${scan.invalid} of ${scan.lineNo} lines are invalid (use --skip-invalid to import the valid ones)`);
    }
    throw err;
  } finally {
    await store.close();
  }
}

/** Parses the source's records batch by batch, reporting the bad ones; counts what it saw. */
class Scan {
  lineNo = 0;
  invalid = 0;
  readonly nul: NulCounter = { nulBytes: 0 };

  constructor(private readonly reader: RecordReader<unknown>, private readonly skip: boolean, private readonly barShown: boolean) {}

  /** The valid records, a batch per chunk read; throws ImportRejected at the end if any line was bad (without --skip-invalid). */
  async *batches(input: Readable, format: ImportFormat, progress: (bytes: number) => void): AsyncGenerator<unknown[]> {
    for await (const batch of readSource(input, format, this.reader.columns)) {
      const valid: unknown[] = [];
      for (const src of batch.records) {
        this.lineNo = src.line;
        const parsed = src.error ? { ok: false as const, reason: src.error } : this.reader.parse(src.record, this.nul);
        if (!parsed.ok) {
          this.invalid++;
          if (this.invalid <= MAX_REPORTED) process.stderr.write(`${this.barShown ? '\n' : ''}line ${src.line}: ${parsed.reason}\n`);
          continue;
        }
        // All-or-nothing: keep scanning to report every bad line, then roll back.
        if (this.invalid === 0 || this.skip) valid.push(parsed.record);
      }
      progress(batch.bytes);
      if (valid.length) yield valid;
    }
    if (this.invalid > 0 && !this.skip) throw new ImportRejected();
  }
}

/** Loads an asset catalog (programs, static lists, forms, lead fields); all-or-nothing. */
async function importAssets(file: string, opts: ImportOptions): Promise<void> {
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
