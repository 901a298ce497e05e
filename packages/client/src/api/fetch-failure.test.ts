/** The message and code of a failed fetch, from the errors Node's fetch really throws (their cause chains). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fetchFailure, isUnreachable } from './fetch-failure.js';

const failed = (cause: unknown) => new TypeError('fetch failed', { cause });
const sys = (message: string, code: string) => Object.assign(new Error(message), { code });

test('names the cause under "fetch failed": refused, unknown host, TLS, and a failure with no code', () => {
  const cases: [unknown, string, string | undefined][] = [
    [failed(sys('connect ECONNREFUSED 127.0.0.1:3000', 'ECONNREFUSED')), 'cannot connect to http://h:3000 (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:3000)', 'ECONNREFUSED'],
    [failed(sys('getaddrinfo ENOTFOUND h', 'ENOTFOUND')), 'cannot resolve the host of http://h:3000 (ENOTFOUND: getaddrinfo ENOTFOUND h)', 'ENOTFOUND'],
    [failed(sys('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT')), 'TLS failed with http://h:3000 (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate)', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    [failed(sys('80DC:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl3_record.c:350:\n', 'ERR_SSL_WRONG_VERSION_NUMBER')),
      'TLS failed with http://h:3000 (ERR_SSL_WRONG_VERSION_NUMBER: wrong version number)', 'ERR_SSL_WRONG_VERSION_NUMBER'],
    // Happy eyeballs: every address refused, gathered in an AggregateError.
    [failed(Object.assign(new AggregateError([sys('connect ECONNREFUSED ::1:3000', 'ECONNREFUSED'), sys('connect ECONNREFUSED 127.0.0.1:3000', 'ECONNREFUSED')], ''), { code: 'ECONNREFUSED' })),
      'cannot connect to http://h:3000 (ECONNREFUSED: connect ECONNREFUSED ::1:3000; connect ECONNREFUSED 127.0.0.1:3000)', 'ECONNREFUSED'],
    [failed(new Error('bad port')), 'network error with http://h:3000 (bad port)', undefined],
    [new TypeError('fetch failed'), 'network error with http://h:3000 (fetch failed)', undefined],
  ];
  for (const [err, message, code] of cases) {
    const e = fetchFailure('GET /x', 'http://h:3000/identity/oauth/token', err);
    assert.equal(e.message, `GET /x: ${message}`);
    assert.equal(e.causeCode, code);
    assert.equal(e.status, undefined);
    assert.equal(e.cause, err);
  }
});

test('isUnreachable: refused, unknown host, unroutable and TLS failures; not a reset connection', () => {
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) {
    assert.equal(isUnreachable(code), true, code);
  }
  for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', undefined]) assert.equal(isUnreachable(code), false, String(code));
});
