import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { REDACT } from '../../lib/logger.js';
import { LazyChildLogger } from './lazy-logger.js';

function capture(level = 'info') {
  const lines: string[] = [];
  let children = 0;
  const root = pino({ level, redact: REDACT, timestamp: false, base: undefined, onChild: () => void children++ }, { write: (s: string) => void lines.push(s) });
  return { root, lines, children: () => children };
}

test('lines are exactly those of eager pino children, bindings in the same order', () => {
  const eager = capture();
  const lazy = capture();
  const e = eager.root.child({ requestId: 'a1b2#1' }).child({ exportId: 'x' });
  const l = LazyChildLogger.factory(lazy.root, { requestId: 'a1b2#1' }, {}).child({ exportId: 'x' });
  for (const log of [e, l]) {
    log.info('plain');
    log.info({ from: 'Queued', token: 'secret' }, 'with %s', 'args');
    log.error({ err: new Error('boom') }, 'failed');
    log.debug('below the level');
  }
  assert.equal(lazy.lines.length, 3);
  assert.deepEqual(lazy.lines.map((s) => s.replace(/"stack":"[^"]*"/, '')), eager.lines.map((s) => s.replace(/"stack":"[^"]*"/, '')));
  assert.match(lazy.lines[0]!, /^\{"level":30,"requestId":"a1b2#1","exportId":"x","msg":"plain"\}/);
  assert.match(lazy.lines[1]!, /"token":"\[redacted\]"/);
});

test('no pino child is made until a line at an enabled level is written, then one per lazy logger', () => {
  const c = capture('info');
  const l = LazyChildLogger.factory(c.root, { requestId: 'r' }, {});
  const withJob = l.child({ exportId: 'x' });
  withJob.debug('off');
  withJob.trace('off');
  assert.equal(c.children(), 0);
  assert.equal(withJob.level, 'info');
  withJob.info('on');
  withJob.warn('again');
  assert.equal(c.children(), 2, 'the request child and the job child, once each');
  l.info('the request child is reused');
  assert.equal(c.children(), 2);
  assert.equal(c.lines.length, 3);
});

test('a route log level makes the child at once, with that level', () => {
  const c = capture('info');
  const l = LazyChildLogger.factory(c.root, { requestId: 'r' }, { level: 'debug' });
  assert.equal(c.children(), 1);
  l.debug('shown');
  assert.equal(c.lines.length, 1);
});
