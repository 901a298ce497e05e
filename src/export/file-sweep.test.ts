import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StoredFile } from '../files/file-store.js';
import type { JobOwnership } from '../store/store.js';
import { filesToRemove, tagOfOwner } from './file-sweep.js';

const NOW = 1_000_000_000;
const WALL = 2_000_000_000;
const DAY = 86_400_000;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const published = (n: number): StoredFile => ({ exportId: id(n), name: `${id(n)}.export` });
const temp = (n: number, tag: string): StoredFile => ({ exportId: id(n), tag, name: `${id(n)}.export.${tag}.part` });

describe('filesToRemove', () => {
  const owners: JobOwnership[] = [
    { exportId: id(1), status: 'Completed', finishedAt: NOW - DAY },
    { exportId: id(2), status: 'Completed', finishedAt: NOW - 8 * DAY },
    { exportId: id(3), status: 'Cancelled', finishedAt: NOW },
    { exportId: id(4), status: 'Failed', finishedAt: NOW },
    { exportId: id(5), status: 'Queued' },
    { exportId: id(6), status: 'Processing', lease: { owner: 'host-a:11:aaaa', until: WALL + 10_000 } },
    { exportId: id(7), status: 'Processing', lease: { owner: 'host-b:22:bbbb', until: WALL - 1 } },
    { exportId: id(8), status: 'Created' },
  ];
  const cases: [string, StoredFile, boolean][] = [
    ['the file of a Completed job within retention', published(1), true],
    ['the file of a Completed job past retention', published(2), false],
    ['the file of a Cancelled job', published(3), false],
    ['the file of a Failed job', published(4), false],
    ['the file of a requeued job (its outcome was never recorded)', published(5), false],
    ['the file of a Processing job (the worker is recording it)', published(6), true],
    ['the file of a Processing job whose lease ran out', published(7), true],
    ['the file of a Created job', published(8), false],
    ['the file of a job that does not exist', published(9), false],
    ['the temp file of the attempt holding a live lease', temp(6, '11-aaaa'), true],
    ['a temp file of another attempt on a Processing job', temp(6, '99-zzzz'), false],
    ['the temp file of a worker whose lease ran out', temp(7, '22-bbbb'), false],
    ['a temp file of a Completed job', temp(1, '11-aaaa'), false],
    ['a temp file of a Queued job', temp(5, '11-aaaa'), false],
    ['a temp file of a job that does not exist', temp(9, '11-aaaa'), false],
    ['a temp file of an attempt running in this process, whatever the store says', temp(9, '33-cccc'), true],
  ];
  const files = cases.map(([, f]) => f);
  const removed = new Set(filesToRemove({ files, owners, now: NOW, wallNow: WALL, fileRetentionMs: 7 * DAY, runningHere: new Set([`${id(9)} 33-cccc`]) }));
  for (const [label, file, kept] of cases) test(`${kept ? 'keeps' : 'removes'} ${label}`, () => assert.equal(!removed.has(file), kept));
});

describe('tagOfOwner', () => {
  test('pid and random part of the owner', () => assert.equal(tagOfOwner('vm-1:4242:1a2b3c4d'), '4242-1a2b3c4d'));
});
