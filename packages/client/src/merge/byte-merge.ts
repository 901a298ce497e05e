/**
 * The window merge for CSV, TSV and SSV output, done on bytes: the file is read in large chunks,
 * split into records by RecordScanner, and copied to the output as whole runs of records with one
 * large write a chunk. Only two fields of a row are ever decoded: marketoGUID (while the previous
 * seam has GUIDs to drop, and for rows near the next seam) and activityDate (usually compared as
 * bytes). The output is the same as text-merge.ts writes, byte for byte.
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { CsvReader, FORMAT_DELIMITERS } from '../files/csv.js';
import { dateBytesBefore } from './date-bytes.js';
import { fieldValue, isBlankRecord, RecordScanner } from './record-scanner.js';
import { SeamGuids } from './seam-guids.js';
import type { WindowMerge, WindowMerged } from './types.js';

/** Read size. Large enough that a chunk is one write; a record longer than this grows the buffers. */
const CHUNK_BYTES = 4 << 20;

/** Where the window's bytes come from: the file itself, or a download still writing it (FollowedFile). */
export interface ByteSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export interface ByteMergeOptions {
  /** Opens the input (default: `m.file`). */
  source?: () => Promise<ByteSource>;
  /** Read size (tests use small ones to put record ends on chunk edges). */
  chunkBytes?: number;
}

/** @example const merged = await appendWindowBytes({ ...merge, output: 'raw' }) */
export async function appendWindowBytes(m: WindowMerge, o: ByteMergeOptions = {}): Promise<WindowMerged> {
  const merger = new RecordMerger(m);
  const chunkBytes = o.chunkBytes ?? CHUNK_BYTES;
  const input = o.source ? await o.source() : await open(m.file, 'r');
  try {
    const output = await open(m.out, 'a');
    // Two buffers: one is read and scanned while the other's records are being written.
    let writing: Promise<unknown> = Promise.resolve();
    try {
      let bufs = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
      let cur = 0;
      let have = 0;
      let position = 0;
      let atEnd = false;
      for (;;) {
        const buf = bufs[cur]!;
        while (have < buf.length && !atEnd) {
          const { bytesRead } = await input.read(buf, have, buf.length - have, position);
          if (bytesRead === 0) atEnd = true;
          have += bytesRead;
          position += bytesRead;
        }
        const { used, keep } = merger.take(buf, have, atEnd);
        await writing;
        writing = keep.length ? output.writev(keep) : Promise.resolve();
        if (atEnd) break;
        if (used === 0) {
          // One record fills the whole buffer: make room (nothing of `buf` is being written).
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, have);
          bufs = [bigger, Buffer.allocUnsafe(bigger.length)];
          cur = 0;
          continue;
        }
        // The unfinished record moves to the other buffer, whose write has completed.
        const next = bufs[1 - cur]!;
        have = buf.copy(next, 0, used, have);
        cur = 1 - cur;
      }
      await writing;
    } finally {
      await writing.catch(() => undefined); // never close under a write still running
      await output.close();
    }
  } finally {
    await input.close();
  }
  return merger.result();
}

/**
 * The merge decisions, chunk by chunk, with no I/O: which records of a chunk to write, and the
 * rows, duplicates and next-seam GUIDs so far. The first record of the file is its header.
 */
export class RecordMerger {
  private readonly delimiter: number;
  private scanner: RecordScanner;
  private header: Buffer | undefined;
  private headerPending: boolean;
  private hasGuid = false;
  private readonly dateBefore: ReturnType<typeof dateBytesBefore>;
  private readonly seam: SeamGuids;
  private rows = 0;
  private duplicates = 0;
  private readonly nextSeam: string[] = [];

  constructor(private readonly m: Omit<WindowMerge, 'file' | 'out' | 'output'>) {
    this.delimiter = FORMAT_DELIMITERS[m.format].charCodeAt(0);
    this.scanner = new RecordScanner(this.delimiter, []);
    this.headerPending = m.writeHeader;
    this.dateBefore = dateBytesBefore(m.seamFrom);
    this.seam = new SeamGuids(m.seam);
  }

  /**
   * Takes the complete records of `buf[0, len)` (all of it when `atEnd`). Returns how many bytes
   * that was and the byte ranges to append to the output, which point into `buf`.
   * @example const { used, keep } = merger.take(buf, n, false)
   */
  take(buf: Buffer, len: number, atEnd: boolean): { used: number; keep: Buffer[] } {
    const keep: Buffer[] = [];
    let scanner = this.scanner;
    let pos = 0;
    let run = -1; // start of the records being kept, not yet in `keep`
    while (pos < len) {
      const end = scanner.recordEnd(buf, pos, len, atEnd);
      if (end < 0) break;
      if (!this.header) {
        this.readHeader(buf, pos, end);
        scanner = this.scanner; // the one that watches the header's GUID and date columns
      } else if (!isBlankRecord(buf, pos, end)) {
        if (this.headerPending) {
          keep.push(this.header); // before the first row, even one dropped below (as text-merge does)
          this.headerPending = false;
        }
        if (this.keepRow(buf)) {
          if (run < 0) run = pos;
          this.rows++;
          pos = end;
          continue;
        }
      }
      if (run >= 0) keep.push(buf.subarray(run, pos));
      run = -1;
      pos = end;
    }
    if (run >= 0) keep.push(buf.subarray(run, pos));
    return { used: pos, keep: isUtf8(buf.subarray(0, pos)) ? keep : keep.map(reencode) };
  }

  result(): WindowMerged {
    return { rows: this.rows, duplicates: this.duplicates, nextSeam: this.nextSeam };
  }

  /** The header names the columns to watch; its own bytes are written (re-encoded like any text) before the first row. */
  private readHeader(buf: Buffer, start: number, end: number): void {
    const text = buf.toString('utf8', start, end);
    const reader = new CsvReader(FORMAT_DELIMITERS[this.m.format]);
    const names = [...reader.push(text), ...reader.end()][0]!.fields;
    this.header = Buffer.from(text);
    const guidColumn = names.indexOf('marketoGUID');
    this.hasGuid = guidColumn >= 0;
    this.scanner = new RecordScanner(this.delimiter, [guidColumn, names.indexOf('activityDate')]);
  }

  /** Whether the record the scanner just found is written: not when its GUID was written at the previous seam. */
  private keepRow(buf: Buffer): boolean {
    const { starts, ends } = this.scanner;
    // No marketoGUID column, or a short row without that field: nothing to compare.
    if (!this.hasGuid || starts[0]! < 0) return true;
    if (this.seam.has(buf, starts[0]!, ends[0]!)) {
      this.duplicates++;
      return false;
    }
    if (!this.beforeNextSeam(buf, starts[1]!, ends[1]!)) this.nextSeam.push(fieldValue(buf, starts[0]!, ends[0]!));
    return true;
  }

  /** Whether the row's activityDate is before the next seam's zone; a missing or unreadable one is not. */
  private beforeNextSeam(buf: Buffer, start: number, end: number): boolean {
    if (start < 0) return false; // Date.parse('') is NaN
    return this.dateBefore(buf, start, end) ?? Date.parse(fieldValue(buf, start, end)) < this.m.seamFrom;
  }
}

/** Text that is not valid UTF-8 goes out as the text merge writes it: decoded (U+FFFD for bad bytes) and encoded again. */
function reencode(range: Buffer): Buffer {
  return Buffer.from(range.toString('utf8'));
}
