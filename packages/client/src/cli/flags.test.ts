/** The command's flags alone: what they become, what the environment adds, and what is refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFlags, readFormat, UsageError } from './flags.js';

const BASE = ['--endpoint', 'https://123-ABC-456.mktorest.com/rest/', '--client-id', 'id', '--client-secret', 's', '--since', '2026-03-01', '--until', '2026-03-31'];

test('flags become the extraction: a date alone for --until is the end of that day; state next to the output', () => {
  const cmd = readFlags([...BASE, '--out', 'all.tsv', '--types', '1, 2', '--fields', 'marketoGUID,leadId', '--json', '--keep-state'], {});
  assert.notEqual(typeof cmd, 'string');
  if (typeof cmd === 'string') return;
  assert.deepEqual(cmd.params, {
    endpoint: 'https://123-ABC-456.mktorest.com/rest', since: Date.parse('2026-03-01T00:00:00Z'), until: Date.parse('2026-03-31T23:59:59Z'),
    types: [1, 2], fields: ['marketoGUID', 'leadId'], format: 'tsv', out: 'all.tsv',
  });
  assert.deepEqual([cmd.statePath, cmd.concurrency, cmd.json, cmd.restart, cmd.keepState], ['all.tsv.state.json', 2, true, false, true]);
});

test('the environment fills what the flags leave out; a flag wins over its variable', () => {
  const env = { TIDEMARK_ENDPOINT: 'http://env:3000', TIDEMARK_CLIENT_ID: 'eid', TIDEMARK_CLIENT_SECRET: 'es', TIDEMARK_CONCURRENCY: '3', TIDEMARK_STATE: 'env.json', TIDEMARK_FORMAT: 'ndjson' };
  const cmd = readFlags(['--since', '2026-03-01T12:00:00+02:00', '--until', '2026-03-02T00:00:00Z', '--out', 'x.csv', '--client-id', 'flag'], env);
  if (typeof cmd === 'string') return assert.fail(cmd);
  assert.deepEqual([cmd.params.endpoint, cmd.clientId, cmd.clientSecret, cmd.concurrency, cmd.statePath, cmd.params.format], ['http://env:3000', 'flag', 'es', 3, 'env.json', 'ndjson']);
  assert.equal(cmd.params.since, Date.parse('2026-03-01T10:00:00Z'));
});

test('the format follows the output name as import reads it; --format wins; any other name is an error', () => {
  const cases: [string, string][] = [['a.csv', 'csv'], ['a.TSV', 'tsv'], ['a.ssv', 'ssv'], ['a.ndjson', 'ndjson'], ['a.jsonl', 'ndjson'], ['dir.v2/a.csv', 'csv']];
  for (const [name, format] of cases) assert.equal(readFormat(undefined, name), format, name);
  assert.equal(readFormat('SSV', 'a.txt'), 'ssv');
  for (const name of ['a.txt', 'a', 'a.csv.gz', 'a.json']) {
    assert.throws(() => readFormat(undefined, name), (e: unknown) => e instanceof UsageError && e.message.includes(`'${name}'`) && /give --format/.test(e.message), name);
  }
  assert.throws(() => readFormat('xml', 'a.csv'), /--format must be one of csv, tsv, ssv, ndjson/);
});

test('help, version, unknown options and stray arguments', () => {
  assert.equal(readFlags(['--help'], {}), 'help');
  assert.equal(readFlags(['-h'], {}), 'help');
  assert.equal(readFlags(['--version'], {}), 'version');
  assert.throws(() => readFlags([...BASE, '--out', 'a.csv', '--colour'], {}), /^UsageError: unknown option '--colour' \(see --help\)$/);
  assert.throws(() => readFlags([...BASE, '--out', 'a.csv', 'extra'], {}), /^UsageError: unexpected argument 'extra' \(see --help\)$/);
  assert.throws(() => readFlags([...BASE, '--out'], {}), UsageError);
});
