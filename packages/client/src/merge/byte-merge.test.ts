/**
 * The byte merge against the text merge it replaces (which parses every record with CsvReader):
 * the same output bytes, rows, duplicates and next-seam GUIDs for every format, header (GUID or
 * date column anywhere or missing), seam set, line ending and read size, on hand-made windows and
 * on random ones with quoted newlines, quotes, blank lines, short rows, junk and invalid UTF-8.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { appendWindowBytes } from './byte-merge.js';
import { FORMAT_DELIMITERS } from '../files/csv.js';
import { appendWindowText } from './text-merge.js';
import type { ExportFormat } from '../api/types.js';
import type { WindowMerge, WindowMerged } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-byte-merge-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SEAM_FROM = Date.parse('2025-10-01T23:00:00Z');
let n = 0;

interface Case {
  format: ExportFormat;
  window: Buffer;
  /** What the output holds before this window. */
  before?: string;
  writeHeader: boolean;
  seam: string[];
  chunkBytes?: number;
}

/** Runs both merges on the same window; returns what each wrote and reported. */
async function both(c: Case): Promise<{ bytes: { out: Buffer; result: WindowMerged }; text: { out: Buffer; result: WindowMerged } }> {
  const id = n++;
  const file = join(dir, `w${id}`);
  writeFileSync(file, c.window);
  const run = async (name: string, merge: (m: WindowMerge) => Promise<WindowMerged>) => {
    const out = join(dir, `out${id}-${name}`);
    writeFileSync(out, c.before ?? '');
    const result = await merge({ file, format: c.format, out, output: 'raw', writeHeader: c.writeHeader, seam: new Set(c.seam), seamFrom: SEAM_FROM });
    return { out: readFileSync(out), result };
  };
  return { bytes: await run('bytes', (m) => appendWindowBytes(m, { chunkBytes: c.chunkBytes })), text: await run('text', appendWindowText) };
}

async function assertSame(c: Case): Promise<{ out: Buffer; result: WindowMerged }> {
  const { bytes, text } = await both(c);
  assert.deepEqual(bytes.result, text.result);
  assert.ok(bytes.out.equals(text.out), `outputs differ:\n bytes: ${JSON.stringify(bytes.out.toString())}\n text:  ${JSON.stringify(text.out.toString())}`);
  return bytes;
}

const HEADER = 'marketoGUID,leadId,activityDate,activityTypeId,primaryAttributeValue,attributes\n';

describe('appendWindowBytes', () => {
  test('drops the previous seam\'s GUIDs, collects the next seam\'s, writes the header once before the first row', async () => {
    const window = Buffer.from(HEADER +
      '909,7,2025-10-01T22:59:59Z,1,"two\nlines","{""a"":1}"\n' + // a duplicate from the previous window
      '910,7,2025-10-01T22:59:59Z,1,x,"{}"\r\n' +
      '\n' + // blank lines are skipped
      '911,7,2025-10-01T23:00:00Z,1,"say ""hi""",{}\n' + // at the seam zone's start: kept for the next seam
      '912,7,2025-10-01T23:59:59Z,1,"a,b",{}');
    const { out, result } = await assertSame({ format: 'CSV', window, writeHeader: true, seam: ['909', '1'], chunkBytes: 16 });
    assert.deepEqual(result, { rows: 3, duplicates: 1, nextSeam: ['911', '912'] });
    assert.equal(out.toString(), HEADER +
      '910,7,2025-10-01T22:59:59Z,1,x,"{}"\r\n' +
      '911,7,2025-10-01T23:00:00Z,1,"say ""hi""",{}\n' +
      '912,7,2025-10-01T23:59:59Z,1,"a,b",{}');
  });

  test('a window with no rows adds nothing, not even its header; an empty file neither', async () => {
    for (const window of ['', HEADER, `${HEADER}\n \n\r\n`]) {
      const { out, result } = await assertSame({ format: 'CSV', window: Buffer.from(window), writeHeader: true, seam: [] });
      assert.equal(out.length, 0);
      assert.deepEqual(result, { rows: 0, duplicates: 0, nextSeam: [] });
    }
  });

  test('the header goes in before the first row even when that row is a duplicate (as before)', async () => {
    const { out } = await assertSame({ format: 'CSV', window: Buffer.from(`${HEADER}909,7,2025-10-01T00:00:00Z,1,x,{}\n`), writeHeader: true, seam: ['909'] });
    assert.equal(out.toString(), HEADER);
  });

  test('TSV and SSV, with marketoGUID not first and quoted header names', async () => {
    for (const format of ['TSV', 'SSV'] as const) {
      const d = FORMAT_DELIMITERS[format];
      const rows = [['leadId', 'activityDate', '"marketoGUID"'], ['1', '2025-10-01T23:30:00Z', '"5"'], ['2', '2025-09-01T00:00:00Z', '6'], ['3', '"2025-10-01T23:30:00Z"', '"7"']];
      const window = Buffer.from(rows.map((r) => r.join(d)).join('\r\n') + '\r\n');
      const { result } = await assertSame({ format, window, before: 'old\n', writeHeader: false, seam: ['6'], chunkBytes: 5 });
      assert.deepEqual(result, { rows: 2, duplicates: 1, nextSeam: ['5', '7'] });
    }
  });

  test('without a marketoGUID column nothing is dropped; without activityDate every row is near the seam', async () => {
    const noGuid = await assertSame({ format: 'CSV', window: Buffer.from('id,activityDate\n1,2025-01-01T00:00:00Z\n1,x\n'), writeHeader: true, seam: ['1'] });
    assert.deepEqual(noGuid.result, { rows: 2, duplicates: 0, nextSeam: [] });
    const noDate = await assertSame({ format: 'CSV', window: Buffer.from('marketoGUID,x\n1,a\n2\n\n3,c\n'), writeHeader: true, seam: [] });
    assert.deepEqual(noDate.result, { rows: 3, duplicates: 0, nextSeam: ['1', '2', '3'] });
  });

  test('records longer than the read size, and every read size from 1 byte, give the same bytes', async () => {
    const long = '"' + 'x,\n""'.repeat(500) + '"';
    const window = Buffer.from(`${HEADER}1,7,2025-10-01T23:30:00Z,1,${long},{}\n2,7,2025-01-01T00:00:00Z,1,b,{}\n`);
    for (const chunkBytes of [1, 2, 3, 7, 64, 1000]) await assertSame({ format: 'CSV', window, writeHeader: true, seam: ['2'], chunkBytes });
  });

  test('invalid UTF-8 is written as the text merge writes it (U+FFFD)', async () => {
    const window = Buffer.concat([Buffer.from(HEADER), Buffer.from([0x31, 0x2c, 0xff, 0xc3, 0x0a]), Buffer.from('2,7,2025-10-01T23:30:00Z,1,\u00e9,{}\n')]);
    await assertSame({ format: 'CSV', window, writeHeader: true, seam: [], chunkBytes: 8 });
  });

  test('random windows: the same output and results as the text merge', async () => {
    const guid = fc.constantFrom('1', '2', '3', '10', '"2"', '"1"""', '', 'null', 'é');
    const date = fc.constantFrom('2025-10-01T22:59:59Z', '2025-10-01T23:00:00Z', '2025-10-01T23:59:59Z', '2025-09-30T00:00:00Z',
      '2025-09-31T23:30:00Z', '"2025-10-01T23:30:00Z"', '2025-10-01', '', 'null', 'junk');
    const other = fc.constantFrom('a', 'null', '"x,y"', '"two\nlines"', '"cr\rhere"', '"crlf\r\nin"', '"q""uote"', 'ab"c', '"open', 'ü😀', ' ', '\u00a0', '');
    const columns = fc.shuffledSubarray(['marketoGUID', 'activityDate', 'leadId', 'attributes', '"marketoGUID"'], { minLength: 1 });
    const window = fc.record({
      format: fc.constantFrom<ExportFormat>('CSV', 'TSV', 'SSV'),
      columns,
      rows: fc.array(fc.oneof(
        { weight: 8, arbitrary: fc.tuple(guid, date, other, other).map((r) => ({ fields: r })) },
        { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '\u00a0', '\u2028', '"', 'x\r', '\ufeff').map((raw) => ({ raw })) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 6 }).map((b) => ({ bytes: Buffer.from(b) })) },
      ), { maxLength: 25 }),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
      lastEol: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(window, fc.boolean(), fc.subarray(['1', '2', '3', '10', '', '1"', 'é']), fc.integer({ min: 1, max: 90 }), async (w, writeHeader, seam, chunkBytes) => {
        const d = FORMAT_DELIMITERS[w.format];
        const parts: Buffer[] = [Buffer.from(w.columns.join(d) + w.eol)];
        w.rows.forEach((r, k) => {
          const last = k === w.rows.length - 1 && !w.lastEol;
          if ('bytes' in r) parts.push(r.bytes);
          else if ('raw' in r) parts.push(Buffer.from(r.raw));
          else {
            // Map the 4 generated values onto the header's columns (by position; extra columns get none).
            const byName: Record<string, string> = { marketoGUID: r.fields[0], '"marketoGUID"': r.fields[0], activityDate: r.fields[1], leadId: r.fields[2], attributes: r.fields[3] };
            const fields = w.columns.map((c) => byName[c] ?? '');
            parts.push(Buffer.from(fields.slice(0, 1 + (k % (fields.length + 1))).join(d)));
          }
          if (!last) parts.push(Buffer.from(w.eol));
        });
        await assertSame({ format: w.format, window: Buffer.concat(parts), writeHeader, seam, chunkBytes });
      }),
      { numRuns: 400 },
    );
  });
});
