/**
 * What `tidemark-extract` shows while it runs: with `--json` one JSON object a line on stdout for
 * every event; on a terminal one redrawn line (windows done, jobs by status, rows, MB, ETA); else
 * a line per merged window on stderr. Retries are always shown: a client that waits must say why.
 */
import type { RetryInfo } from '../api/transport.js';
import type { ExtractEvent } from '../extract/ledger.js';

/** Where the progress goes; process.stdout/stderr by default, replaceable in tests. */
export interface ProgressIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
}

export class Progress {
  private readonly started = Date.now();
  private readonly windows = new Map<number, string>();
  private rows = 0;
  private bytes = 0;
  private merged = 0;
  private total = 0;
  private readonly downloads = new Map<number, number>();
  private timer?: NodeJS.Timeout;
  private readonly tty: boolean;

  constructor(private readonly json: boolean, private readonly io: ProgressIo = process) {
    this.tty = io.stderr.isTTY === true;
    if (this.tty && !json) this.timer = setInterval(() => this.draw(), 250);
  }

  /** One JSON line on stdout (with --json). */
  line(fields: Record<string, unknown>): void {
    if (this.json) this.io.stdout.write(JSON.stringify(fields) + '\n');
  }

  /** A message for people on stderr, above the progress line (not with --json, where events say it). */
  say(text: string): void {
    if (this.json) return;
    this.io.stderr.write(this.tty ? `\r\x1b[K${text}\n` : `${text}\n`);
  }

  retry(info: RetryInfo): void {
    this.line({ event: 'retry', ...info, delayMs: Math.round(info.delayMs) });
    this.say(`retry ${info.attempt} of ${info.retries} in ${(info.delayMs / 1000).toFixed(1)} s: ${info.reason}`);
  }

  event(e: ExtractEvent): void {
    const { type, ...rest } = e;
    this.line({ event: type, ...rest });
    switch (e.type) {
      case 'window':
        this.total = Math.max(this.total, e.index + 1);
        this.windows.set(e.index, e.status ?? e.phase);
        break;
      case 'download':
        this.downloads.set(e.index, e.bytes);
        break;
      case 'merged':
        this.merged++;
        this.rows = e.totalRows;
        this.bytes = e.outBytes;
        this.downloads.delete(e.index);
        if (!this.tty) this.say(`window ${e.index + 1} merged: ${e.rows} rows (total ${e.totalRows})`);
        break;
      case 'resumed':
        this.merged = e.merged;
        this.total = e.windows;
        this.say(`Resuming: ${e.merged} of ${e.windows} windows already done`);
        break;
      case 'restarted':
        this.say(`Starting over: the state file was saved for another extraction and held no progress (${e.reason.join('; ')})`);
        break;
      case 'abandoned':
        if (e.exportIds.length) this.say(`Starting over: cancelled ${e.exportIds.length} job(s) the earlier run had left open (${e.exportIds.join(', ')})`);
        break;
      case 'cancelled':
        break;
    }
  }

  finish(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.draw();
    this.io.stderr.write('\n');
  }

  private draw(): void {
    const counts: Record<string, number> = {};
    for (const s of this.windows.values()) counts[s] = (counts[s] ?? 0) + 1;
    const running = Object.entries(counts).filter(([s]) => s !== 'merged' && s !== 'pending').map(([s, n]) => `${n} ${s}`).join(', ');
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = this.merged > 0 && this.total > this.merged ? `ETA ${fmtSecs((elapsed / this.merged) * (this.total - this.merged))}` : '';
    const dl = [...this.downloads.values()].reduce((a, b) => a + b, 0);
    const line = `windows ${this.merged}/${this.total || '?'} | ${running || 'starting'} | ${this.rows.toLocaleString('en-US')} rows | ${((this.bytes + dl) / 1e6).toFixed(1)} MB | ${fmtSecs(elapsed)} ${eta}`;
    const width = (this.io.stderr.columns || 120) - 1;
    this.io.stderr.write(`\r${line.slice(0, width).padEnd(width)}`);
  }
}

function fmtSecs(s: number): string {
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
