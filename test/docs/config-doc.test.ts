/** docs/config.md must document every serve flag with its variable and the code's default. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { defaultConfig, envName, SERVE_FLAGS } from '../../src/config/config.js';
import { MB } from '../../src/domain/quota.js';
import { checkConfigDoc, section, tableRows } from './doc-tables.js';

const DOC = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');

test('docs/config.md documents every serve flag, its variable and its default', () => {
  assert.deepEqual(checkConfigDoc(DOC, SERVE_FLAGS, envName), []);
});

test('docs/config.md states the fixed constants the code uses', () => {
  const c = defaultConfig();
  const constants = tableRows(section(DOC, 'Constants that are not flags') ?? '');
  const value = (name: string) => constants.find(([n]) => n === name)?.[1] ?? '';
  assert.match(value('token lifetime'), new RegExp(`^${c.tokenTtlSeconds} s`));
  assert.match(value('job status retention'), new RegExp(`^${c.statusRetentionDays} days`));
  assert.match(value('list window'), new RegExp(`^${c.listWindowDays} days`));
  assert.equal(MB, 1024 * 1024);
  assert.match(value('MB for the export quota'), /^1024 × 1024 bytes/);
});

// The check must be able to fail: run it on edited copies of the doc (never the file itself).
test('the config check catches a missing flag, a wrong default, a wrong variable and an unknown flag', () => {
  const row = (flag: string) => DOC.split('\n').find((l) => l.startsWith(`| \`--${flag}\` |`))!;
  assert.ok(row('daily-quota-mb'), 'the doc has a row for --daily-quota-mb');

  const missing = DOC.replace(`${row('daily-quota-mb')}\n`, '');
  assert.match(checkConfigDoc(missing, SERVE_FLAGS, envName).join('\n'), /--daily-quota-mb is in SERVE_FLAGS but not in docs/);

  const wrongDefault = DOC.replace(row('daily-quota-mb'), row('daily-quota-mb').replace('`500`', '`1000`'));
  assert.match(checkConfigDoc(wrongDefault, SERVE_FLAGS, envName).join('\n'), /--daily-quota-mb: docs\/config.md says default '1000', the code says '500'/);

  const wrongEnv = DOC.replace(row('port'), row('port').replace('TIDEMARK_PORT', 'PORT'));
  assert.match(checkConfigDoc(wrongEnv, SERVE_FLAGS, envName).join('\n'), /--port: variable TIDEMARK_PORT is not documented/);

  const noDefault = DOC.replace(row('demo'), row('demo').replace('| off |', '| `true` |'));
  assert.match(checkConfigDoc(noDefault, SERVE_FLAGS, envName).join('\n'), /--demo: the code has no default/);

  const unknown = DOC.replace(row('port'), `${row('port')}\n| \`--turbo\` | \`TIDEMARK_TURBO\` | off | made up |`);
  assert.match(checkConfigDoc(unknown, SERVE_FLAGS, envName).join('\n'), /--turbo is in docs\/config.md but not in SERVE_FLAGS/);

  // A flag added to the code but not to the doc.
  const grown = [...SERVE_FLAGS, ['max-file-mb', '0', 'made up']] as const;
  assert.match(checkConfigDoc(DOC, grown, envName).join('\n'), /--max-file-mb is in SERVE_FLAGS but not in docs/);
});
