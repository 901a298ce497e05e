/** The state file of `tidemark extract`: enough to resume an extraction without fetching finished windows again. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Window } from './windows.js';

export type WindowPhase = 'pending' | 'created' | 'queued' | 'completed' | 'downloaded' | 'merged';

export interface WindowState extends Window {
  phase: WindowPhase;
  exportId?: string;
  fileSize?: number;
  fileChecksum?: string;
  records?: number;
}

export interface ExtractParams {
  endpoint: string;
  since: number;
  until: number;
  types?: number[];
  fields?: string[];
  /** Output format; jobs use CSV for ndjson output. */
  format: 'csv' | 'tsv' | 'ssv' | 'ndjson';
  out: string;
}

export interface ExtractState {
  version: 1;
  params: ExtractParams;
  windows: WindowState[];
  /** Bytes of `out` that hold merged windows; a resumed run truncates to this. */
  outBytes: number;
  rows: number;
  /** marketoGUIDs near the last merged seam, to drop duplicates across windows. */
  seamGuids: string[];
}

export function loadState(path: string): ExtractState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const state = JSON.parse(text) as ExtractState;
  if (state.version !== 1 || !Array.isArray(state.windows)) throw new Error(`${path} is not a tidemark extract state file`);
  return state;
}

/** Written to a temp name and renamed, so a kill never leaves half a state file. */
export function saveState(path: string, state: ExtractState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 1));
  renameSync(`${path}.tmp`, path);
}

/** True when a saved state was made for the same extraction (same range, types, fields, format, output). */
export function sameParams(a: ExtractParams, b: ExtractParams): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
