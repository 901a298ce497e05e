/** The state file of an extraction: enough to resume it without fetching finished windows again. */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Window } from './windows.js';

export type WindowPhase = 'pending' | 'created' | 'queued' | 'completed' | 'downloaded' | 'merged';

export interface WindowState extends Window {
  phase: WindowPhase;
  exportId?: string;
  fileSize?: number;
  fileChecksum?: string;
  records?: number;
}

/** The format of the merged output; jobs use CSV for ndjson output. */
export type OutputFormat = 'csv' | 'tsv' | 'ssv' | 'ndjson';

/** What an extraction is: a state file belongs to exactly one of these. */
export interface ExtractParams {
  /** The instance, as given (a Tidemark URL or a Marketo REST base URL). */
  endpoint: string;
  /** First moment, inclusive, epoch ms. */
  since: number;
  /** Last moment, inclusive, epoch ms. */
  until: number;
  types?: number[];
  fields?: string[];
  format: OutputFormat;
  /** The merged output file. */
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

/**
 * A state file saved for another extraction. `differences` name each setting that differs.
 * @example
 * try { await extract({ client, params, statePath }) } catch (e) { if (e instanceof StateMismatchError) console.error(e.differences.join('\n')) }
 */
export class StateMismatchError extends Error {
  constructor(readonly statePath: string, readonly differences: string[]) {
    super(`${statePath} was saved for a different extraction: ${differences.join('; ')}. ` +
      'Start over with --restart (restart: true in the SDK), or use another --state file.');
    this.name = 'StateMismatchError';
  }
}

/** The saved state, or undefined when there is none. */
export function loadState(path: string): ExtractState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let state: ExtractState;
  try {
    state = JSON.parse(text) as ExtractState;
  } catch {
    throw new Error(`${path} is not a tidemark extract state file (not JSON); delete it or run with --restart`);
  }
  if (state.version !== 1 || !Array.isArray(state.windows)) throw new Error(`${path} is not a tidemark extract state file`);
  return state;
}

/** Written to a temp name and renamed, so a kill never leaves half a state file. */
export function saveState(path: string, state: ExtractState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 1));
  renameSync(`${path}.tmp`, path);
}

export function removeState(path: string): void {
  rmSync(path, { force: true });
}

const SETTINGS: [keyof ExtractParams, string][] = [
  ['endpoint', 'endpoint'], ['since', 'since'], ['until', 'until'], ['types', 'types'], ['fields', 'fields'], ['format', 'format'], ['out', 'output'],
];

function show(key: keyof ExtractParams, value: unknown): string {
  if (value === undefined) return key === 'types' || key === 'fields' ? '(all)' : '(none)';
  if (key === 'since' || key === 'until') return new Date(value as number).toISOString().replace('.000Z', 'Z');
  return Array.isArray(value) ? value.join(',') : String(value);
}

/**
 * The settings of `wanted` that differ from the saved ones, in words.
 * @example paramDifferences(saved, wanted) // ["endpoint is http://a:3000 in the state file, http://b:3000 now"]
 */
export function paramDifferences(saved: ExtractParams, wanted: ExtractParams): string[] {
  const out: string[] = [];
  for (const [key, label] of SETTINGS) {
    if (JSON.stringify(saved[key]) !== JSON.stringify(wanted[key])) {
      out.push(`${label} is ${show(key, saved[key])} in the state file, ${show(key, wanted[key])} now`);
    }
  }
  return out;
}

/** Whether a state holds anything a rerun would lose: a job on the server, or merged rows. */
export function hasProgress(state: ExtractState): boolean {
  return state.outBytes > 0 || state.windows.some((w) => w.exportId !== undefined || w.phase !== 'pending');
}

/**
 * The state an extraction starts from: the saved one when it matches `params`, `fresh()` when
 * there is none, when `restart` is asked for, or when the saved one belongs to another extraction
 * but holds no progress (a first run that failed before creating a job must not block the
 * corrected command). Throws StateMismatchError otherwise.
 */
export function openState(
  path: string | undefined, params: ExtractParams, restart: boolean, fresh: () => ExtractState,
): { state: ExtractState; replaced?: string[]; abandoned?: string[] } {
  if (path && restart) return { state: fresh(), abandoned: openJobsOf(path, params) };
  const saved = path ? loadState(path) : undefined;
  if (!saved) return { state: fresh() };
  const differences = paramDifferences(saved.params, params);
  if (differences.length === 0) return { state: saved };
  if (hasProgress(saved)) throw new StateMismatchError(path!, differences);
  return { state: fresh(), replaced: differences };
}

/**
 * The jobs a saved state left Created or Queued on the same endpoint. A restart cancels them:
 * left alone they would hold places in the server's queue of 10 (and, Queued, run against the
 * daily quota) for an extraction nobody will finish.
 */
function openJobsOf(path: string, params: ExtractParams): string[] {
  let saved: ExtractState | undefined;
  try {
    saved = loadState(path);
  } catch {
    return []; // not a state file: nothing of ours to cancel
  }
  if (!saved || saved.params.endpoint !== params.endpoint) return [];
  return saved.windows.flatMap((w) => ((w.phase === 'created' || w.phase === 'queued') && w.exportId ? [w.exportId] : []));
}
