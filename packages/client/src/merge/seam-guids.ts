/**
 * The GUIDs written near the previous seam, asked about a row's marketoGUID field in bytes. Every
 * row of a window is asked; building a string for each (millions a window) cost more than the
 * question, so a plain ASCII field is hashed in place and only a hash that matches is decoded.
 */
import { fieldValue } from './record-scanner.js';

const QUOTE = 0x22;

export class SeamGuids {
  private readonly hashes = new Set<number>();

  /** @example const seam = new SeamGuids(new Set(state.seamGuids)); seam.has(buf, start, end) */
  constructor(private readonly guids: ReadonlySet<string>) {
    for (const g of guids) {
      const b = Buffer.from(g);
      this.hashes.add(hashBytes(b, 0, b.length));
    }
  }

  get size(): number {
    return this.guids.size;
  }

  /** Exactly `guids.has(fieldValue(buf, start, end))`. */
  has(buf: Buffer, start: number, end: number): boolean {
    if (this.guids.size === 0) return false;
    // A quoted field, or one with non-ASCII bytes (which may be invalid UTF-8), is decoded first.
    if (buf[start] === QUOTE || !isAscii(buf, start, end)) return this.guids.has(fieldValue(buf, start, end));
    return this.hashes.has(hashBytes(buf, start, end)) && this.guids.has(buf.toString('latin1', start, end));
  }
}

/** FNV-1a, 32 bits. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  let any = 0;
  for (let i = start; i < end; i++) any |= buf[i]!;
  return any < 0x80;
}
