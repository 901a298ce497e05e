import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateActivityExportRequest } from './export-request.js';
import { cancelBlocker, enqueueBlocker, JOB_STATUSES, parseStatusFilter, toJobView, type JobRecord, type JobStatus } from './job.js';

const T = Date.parse('2026-01-15T12:00:00Z');
const request = validateActivityExportRequest({ filter: { createdAt: { startAt: '2026-01-01', endAt: '2026-01-02' } }, format: 'TSV' });

/** A job that has been through every step, with the status set to `status`. */
function job(status: JobStatus, extra: Partial<JobRecord> = {}): JobRecord {
  return {
    exportId: 'ce45a7a1-f19d-4ce2-882c-a3c795940a7d', owner: 'client-1', format: 'TSV', status, request,
    createdAt: T + 400, queuedAt: T + 1_000, startedAt: T + 2_999, finishedAt: T + 60_000,
    numberOfRecords: 12, fileSize: 3456, fileChecksum: 'sha256:abc', errorMsg: 'worker crashed', ...extra,
  };
}

describe('toJobView', () => {
  const base = { exportId: 'ce45a7a1-f19d-4ce2-882c-a3c795940a7d', format: 'TSV', createdAt: '2026-01-15T12:00:00Z' };
  test('Created: only the first four keys', () => {
    const view = toJobView({ ...job('Created'), queuedAt: undefined, startedAt: undefined, finishedAt: undefined });
    assert.deepEqual(view, { ...base, status: 'Created' });
    assert.deepEqual(Object.keys(view), ['exportId', 'format', 'status', 'createdAt']);
  });
  test('Queued adds queuedAt', () => {
    const view = toJobView({ ...job('Queued'), startedAt: undefined, finishedAt: undefined });
    assert.deepEqual(Object.keys(view), ['exportId', 'format', 'status', 'createdAt', 'queuedAt']);
    assert.equal(view.queuedAt, '2026-01-15T12:00:01Z');
  });
  test('Processing adds startedAt, whole seconds', () => {
    const view = toJobView({ ...job('Processing'), finishedAt: undefined });
    assert.deepEqual(Object.keys(view), ['exportId', 'format', 'status', 'createdAt', 'queuedAt', 'startedAt']);
    assert.equal(view.startedAt, '2026-01-15T12:00:02Z');
  });
  test('Completed: all keys except errorMsg, in Marketo order', () => {
    const view = toJobView(job('Completed'));
    assert.deepEqual(Object.keys(view), ['exportId', 'format', 'status', 'createdAt', 'queuedAt', 'startedAt', 'finishedAt',
      'numberOfRecords', 'fileSize', 'fileChecksum']);
    assert.deepEqual(view, { ...base, status: 'Completed', queuedAt: '2026-01-15T12:00:01Z', startedAt: '2026-01-15T12:00:02Z',
      finishedAt: '2026-01-15T12:01:00Z', numberOfRecords: 12, fileSize: 3456, fileChecksum: 'sha256:abc' });
  });
  test('Completed with no records still shows 0 and 0', () => {
    const view = toJobView({ ...job('Completed'), numberOfRecords: undefined, fileSize: undefined });
    assert.equal(view.numberOfRecords, 0);
    assert.equal(view.fileSize, 0);
  });
  test('Failed shows finishedAt and errorMsg, no file keys', () => {
    const view = toJobView(job('Failed'));
    assert.deepEqual(Object.keys(view), ['exportId', 'format', 'status', 'createdAt', 'queuedAt', 'startedAt', 'finishedAt', 'errorMsg']);
    assert.equal(view.errorMsg, 'worker crashed');
  });
  test('Cancelled hides finishedAt and errorMsg', () => {
    const view = toJobView(job('Cancelled'));
    assert.deepEqual(Object.keys(view), ['exportId', 'format', 'status', 'createdAt', 'queuedAt', 'startedAt']);
  });
  test('errorMsg never appears unless Failed', () => {
    for (const status of JOB_STATUSES.filter((s) => s !== 'Failed')) assert.equal('errorMsg' in toJobView(job(status)), false, status);
  });
});

describe('enqueueBlocker and cancelBlocker', () => {
  const table: [JobStatus, ReturnType<typeof enqueueBlocker>, ReturnType<typeof cancelBlocker>][] = [
    ['Created', undefined, undefined],
    ['Queued', 'already-queued', undefined],
    ['Processing', 'already-queued', undefined],
    ['Completed', 'finished', 'finished'],
    ['Failed', 'finished', 'finished'],
    ['Cancelled', 'finished', 'noop'],
  ];
  for (const [status, enqueue, cancel] of table) {
    test(status, () => {
      assert.equal(enqueueBlocker(status), enqueue);
      assert.equal(cancelBlocker(status), cancel);
    });
  }
});

describe('parseStatusFilter', () => {
  const cases: [string, string | string[] | undefined, ReturnType<typeof parseStatusFilter>][] = [
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    ['only commas', ' , ,', undefined],
    ['one', 'Completed', ['Completed']],
    ['comma list with spaces', 'Queued, Processing', ['Queued', 'Processing']],
    ['repeated keys', ['Queued', 'Failed,Created'], ['Queued', 'Failed', 'Created']],
    ['any case', 'cOmPlEtEd,QUEUED', ['Completed', 'Queued']],
    ['Canceled', 'Canceled', ['Cancelled']],
    ['cancelled lower case', 'cancelled', ['Cancelled']],
    ['both spellings once', 'Canceled,Cancelled', ['Cancelled']],
    ['duplicates dropped', 'Failed,failed', ['Failed']],
    ['unknown', 'Completed,Done', { invalid: 'Done' }],
    ['unknown in a repeated key', ['Queued', 'Running'], { invalid: 'Running' }],
  ];
  for (const [label, raw, expected] of cases) {
    test(label, () => assert.deepEqual(parseStatusFilter(raw), expected));
  }
});
