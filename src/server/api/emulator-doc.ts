/**
 * What the emulator controls (emulator.ts) are, for the OpenAPI document and the console's mount
 * of them: where they live, their bounds, one summary each, and the shapes of the bodies they
 * document (emulator.ts's readers decide; they also take an empty body as {}, and ignore
 * `message` unless `fail` is set).
 */
import { z } from 'zod';

export const EMULATOR_BASE = '/tidemark/v1/emulator';
export const MAX_COUNT = 1_000_000;
/** Clock travel and delays are bounded so that dates stay printable and tests stay finite. */
export const MAX_ADVANCE_MS = 3650 * 86_400_000;
export const MAX_DELAY_MS = 3_600_000;

/** One line per control, keyed by `METHOD path`. */
export const EMULATOR_SUMMARIES: Record<string, string> = {
  [`GET ${EMULATOR_BASE}`]: "Emulator: the server's clock and pending faults",
  [`GET ${EMULATOR_BASE}/clock`]: "Emulator: the server's clock",
  [`POST ${EMULATOR_BASE}/clock`]: 'Emulator: move the clock forward ({"advance":"8d"})',
  [`POST ${EMULATOR_BASE}/faults/jobs`]: 'Emulator: fail the next N jobs ({"fail":N,"message"}) or delay jobs ({"delay":"30s"})',
  [`POST ${EMULATOR_BASE}/faults/calls`]: 'Emulator: answer the next N calls with 606 or 615 ({"code","count"})',
  [`POST ${EMULATOR_BASE}/faults/clear`]: 'Emulator: drop every pending fault',
  [`POST ${EMULATOR_BASE}/quota/exhaust`]: 'Emulator: spend the daily export quota until 00:00 America/Chicago',
  [`POST ${EMULATOR_BASE}/reset`]: 'Emulator: delete jobs, files and tokens ({"activities":true} deletes activities too)',
};

const durationShape = (max: number) => z.union([z.string(), z.int().min(0).max(max)])
  .meta({ description: `A duration such as '8d', '1h30m' or '500ms', or milliseconds; at most ${max} ms`, examples: ['8d'] });
const countShape = z.int().min(0).max(MAX_COUNT);

export const EMULATOR_BODY_SHAPES = {
  clock: z.looseObject({ advance: durationShape(MAX_ADVANCE_MS) }).meta({ examples: [{ advance: '8d' }] }),
  jobFaults: z.looseObject({
    fail: countShape.optional().meta({ description: 'Fail the next N jobs' }),
    message: z.string().min(1).max(1000).optional().meta({ description: "The failed jobs' errorMsg" }),
    delay: durationShape(MAX_DELAY_MS).optional().meta({ description: 'Hold every job this long before it starts' }),
  }).meta({ description: 'fail, delay or both', examples: [{ fail: 1, message: 'Export failed: disk full' }] }),
  callFaults: z.looseObject({
    code: z.union([z.enum(['606', '615']), z.literal(606), z.literal(615)]),
    count: countShape.optional().meta({ description: 'Calls to refuse (default 1)' }),
  }).meta({ examples: [{ code: '606', count: 2 }] }),
  reset: z.looseObject({ activities: z.boolean().optional().meta({ description: 'Delete activities too' }) }).meta({ examples: [{ activities: false }] }),
};

