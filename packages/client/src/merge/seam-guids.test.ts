/** SeamGuids.has answers exactly what a Set of strings answers for the decoded field, quoted, non-ASCII and invalid UTF-8 included. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fieldValue } from './record-scanner.js';
import { SeamGuids } from './seam-guids.js';

const guid = fc.oneof(fc.constantFrom('1', '2', '10', '200000001', 'é', '"1"', '"1"""', '"open', '', '\ufffd'), fc.string({ maxLength: 6 }));

test('SeamGuids.has equals Set.has of the decoded field', () => {
  fc.assert(
    fc.property(fc.array(guid, { maxLength: 8 }), guid, fc.uint8Array({ maxLength: 3 }), (seam, field, junk) => {
      const set = new Set(seam.map((g) => fieldValue(Buffer.from(g), 0, Buffer.byteLength(g))));
      const s = new SeamGuids(set);
      for (const bytes of [Buffer.from(field), Buffer.concat([Buffer.from(field), junk])]) {
        assert.equal(s.has(bytes, 0, bytes.length), set.has(fieldValue(bytes, 0, bytes.length)), JSON.stringify([...bytes]));
      }
    }),
    { numRuns: 3000 },
  );
  const s = new SeamGuids(new Set(['909', 'é', '"q"']));
  const ask = (text: string | Buffer) => {
    const b = Buffer.from(text);
    return s.has(b, 0, b.length);
  };
  assert.equal(ask('909'), true);
  assert.equal(ask('"909"'), true, 'a quoted field is unquoted first');
  assert.equal(ask('9090'), false);
  assert.equal(ask('é'), true);
  assert.equal(ask('"""q"""'), true);
  assert.equal(ask(Buffer.from([0xc3])), false);
});
