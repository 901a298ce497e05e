/** docs/errors.md must list exactly the codes of MARKETO_ERRORS, each with the catalog's title. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MARKETO_ERRORS } from '../../src/errors/catalog.js';
import { checkErrorsDoc } from './doc-tables.js';

const DOC = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

test('docs/errors.md lists every code of MARKETO_ERRORS with its title, and no other', () => {
  assert.deepEqual(checkErrorsDoc(DOC, MARKETO_ERRORS), []);
});

// The check must be able to fail: run it on edited copies of the doc (never the file itself).
test('the errors check catches a missing, an extra, a reworded and a duplicated code', () => {
  const row = (code: string) => DOC.split('\n').find((l) => l.startsWith(`| ${code} |`))!;
  assert.ok(row('602'), 'the doc has a row for 602');

  const missing = DOC.replace(`${row('602')}\n`, '');
  assert.match(checkErrorsDoc(missing, MARKETO_ERRORS).join('\n'), /code 602 is in MARKETO_ERRORS but not in docs/);

  const extra = DOC.replace(row('602'), `${row('602')}\n| 9999 | \`Made up\` | never |`);
  assert.match(checkErrorsDoc(extra, MARKETO_ERRORS).join('\n'), /code 9999 is in docs\/errors.md but not in MARKETO_ERRORS/);

  const reworded = DOC.replace(row('602'), row('602').replace('Access token expired', 'Token expired'));
  assert.match(checkErrorsDoc(reworded, MARKETO_ERRORS).join('\n'), /code 602: docs\/errors.md says 'Token expired'/);

  const twice = DOC.replace(row('602'), `${row('602')}\n${row('602')}`);
  assert.match(checkErrorsDoc(twice, MARKETO_ERRORS).join('\n'), /code 602 is documented twice/);

  assert.notDeepEqual(checkErrorsDoc(DOC.replace('## Marketo error codes', '## Codes'), MARKETO_ERRORS), []);
  // A code added to the catalog but not to the doc.
  const grown = { ...MARKETO_ERRORS, '1006': { title: "Field '%s' not found", when: '' } };
  assert.match(checkErrorsDoc(DOC, grown).join('\n'), /code 1006 is in MARKETO_ERRORS but not in docs/);
});
