/** The state file alone: which settings differ, what counts as progress, which state a run starts from. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { planExtraction } from './plan.js';
import { hasProgress, loadState, openState, paramDifferences, saveState, StateMismatchError, type ExtractParams } from './state.js';

const P: ExtractParams = { endpoint: 'http://a:3000', since: Date.parse('2026-03-01T00:00:00Z'), until: Date.parse('2026-03-31T23:59:59Z'), format: 'csv', out: 'a.csv' };

function dir(t: TestContext): string {
  const d = mkdtempSync(join(tmpdir(), 'tidemark-state-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('paramDifferences names each setting that differs, with both values, in words', () => {
  assert.deepEqual(paramDifferences(P, P), []);
  assert.deepEqual(paramDifferences(P, { ...P, endpoint: 'https://b', since: P.since + 86_400_000, types: [1, 6], fields: ['leadId'], format: 'tsv', out: 'b.tsv' }), [
    'endpoint is http://a:3000 in the state file, https://b now',
    'since is 2026-03-01T00:00:00Z in the state file, 2026-03-02T00:00:00Z now',
    'types is (all) in the state file, 1,6 now',
    'fields is (all) in the state file, leadId now',
    'format is csv in the state file, tsv now',
    'output is a.csv in the state file, b.tsv now',
  ]);
});

test('progress: a job on the server or merged bytes; a plan alone is none', () => {
  const s = planExtraction(P);
  assert.equal(hasProgress(s), false);
  assert.equal(hasProgress({ ...s, windows: [{ ...s.windows[0]!, phase: 'created', exportId: 'e' }] }), true);
  assert.equal(hasProgress({ ...s, outBytes: 10 }), true);
});

test('openState: none saved, a matching one, restart, a stale one without progress, and a mismatch with progress', (t) => {
  const path = join(dir(t), 's.json');
  const fresh = () => planExtraction(P);
  assert.deepEqual(openState(path, P, false, fresh), { state: fresh() });
  const saved = { ...fresh(), outBytes: 5, rows: 1 };
  saveState(path, saved);
  assert.deepEqual(openState(path, P, false, fresh).state, saved);
  assert.deepEqual(openState(path, P, true, fresh), { state: fresh(), abandoned: [] }, 'restart ignores the saved state');
  const open = fresh();
  open.windows[0] = { ...open.windows[0]!, phase: 'queued', exportId: 'job-q' };
  saveState(path, open);
  assert.deepEqual(openState(path, P, true, fresh), { state: fresh(), abandoned: ['job-q'] }, 'and names the jobs it left open');
  assert.deepEqual(openState(path, { ...P, endpoint: 'http://b:3000' }, true, fresh).abandoned, [], 'on this endpoint only');
  saveState(path, saved);
  const other = { ...P, endpoint: 'http://b:3000' };
  assert.throws(() => openState(path, other, false, () => planExtraction(other)), (e: unknown) =>
    e instanceof StateMismatchError && e.statePath === path && e.differences.length === 1 && /--restart/.test(e.message));
  saveState(path, fresh());
  assert.deepEqual(openState(path, other, false, () => planExtraction(other)), {
    state: planExtraction(other), replaced: ['endpoint is http://a:3000 in the state file, http://b:3000 now'],
  });
});

test('a file that is not a state file is refused with a way out', (t) => {
  const path = join(dir(t), 's.json');
  writeFileSync(path, 'not json');
  assert.throws(() => loadState(path), /not a tidemark extract state file \(not JSON\); delete it or run with --restart/);
  writeFileSync(path, '{"version":2}');
  assert.throws(() => loadState(path), /not a tidemark extract state file/);
  assert.equal(openState(path, P, true, () => planExtraction(P)).state.windows.length, 1, 'restart does not read it');
});
