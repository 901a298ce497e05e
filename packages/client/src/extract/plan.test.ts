/** Planning an extraction, alone: windows, the job each asks for, the format jobs use. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobFormatOf, planExtraction, windowRequest } from './plan.js';
import type { ExtractParams } from './state.js';

const params: ExtractParams = {
  endpoint: 'http://x', since: Date.parse('2026-03-01T00:00:00Z'), until: Date.parse('2026-05-15T23:59:59Z'), format: 'ssv', out: 'all.ssv',
};

test('a new extraction: every window pending, nothing merged, the params kept', () => {
  const state = planExtraction(params);
  assert.equal(state.version, 1);
  assert.deepEqual(state.windows.map((w) => [new Date(w.start).toISOString(), new Date(w.end).toISOString(), w.phase]), [
    ['2026-03-01T00:00:00.000Z', '2026-03-31T23:59:59.000Z', 'pending'],
    ['2026-04-01T00:00:00.000Z', '2026-05-01T23:59:59.000Z', 'pending'],
    ['2026-05-02T00:00:00.000Z', '2026-05-15T23:59:59.000Z', 'pending'],
  ]);
  assert.deepEqual([state.outBytes, state.rows, state.seamGuids, state.params], [0, 0, [], params]);
});

test('the create request of a window: its inclusive range in whole seconds, the format, types and fields only when given', () => {
  const w = planExtraction(params).windows[1]!;
  assert.deepEqual(windowRequest(params, w), { format: 'SSV', filter: { createdAt: { startAt: '2026-04-01T00:00:00Z', endAt: '2026-05-01T23:59:59Z' } } });
  assert.deepEqual(windowRequest({ ...params, types: [1, 2], fields: ['marketoGUID', 'leadId'] }, w), {
    format: 'SSV', fields: ['marketoGUID', 'leadId'],
    filter: { createdAt: { startAt: '2026-04-01T00:00:00Z', endAt: '2026-05-01T23:59:59Z' }, activityTypeIds: [1, 2] },
  });
});

test('jobs use the output format, and CSV for NDJSON output', () => {
  assert.deepEqual((['csv', 'tsv', 'ssv', 'ndjson'] as const).map(jobFormatOf), ['CSV', 'TSV', 'SSV', 'CSV']);
});
