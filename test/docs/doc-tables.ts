/**
 * Reads the tables of docs/*.md and compares them with the code they document. Pure functions over
 * the markdown text, so the tests can also feed them edited copies and prove that they catch drift.
 */

/** The text under `## <heading>` up to the next `## ` heading; undefined when there is no such heading. */
export function section(markdown: string, heading: string): string | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start === -1) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^## /.test(l));
  return (end === -1 ? rest : rest.slice(0, end)).join('\n');
}

/** The body rows of the first markdown table in `text`, as trimmed cells (header and `|---|` row dropped). */
export function tableRows(text: string): string[][] {
  const rows: string[][] = [];
  let inTable = false;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    rows.push(splitRow(t));
  }
  // rows[0] is the header, rows[1] the |---| separator.
  return rows.slice(2);
}

function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && line[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  return cells;
}

/** `` `x` `` -> `x`; anything else unchanged. */
export function unquote(cell: string): string {
  const m = /^`([^`]*)`$/.exec(cell);
  return m ? m[1]! : cell;
}

export const ERRORS_SECTION = 'Marketo error codes';

/** Problems between docs/errors.md and the catalog; empty when they agree. */
export function checkErrorsDoc(markdown: string, catalog: Record<string, { title: string }>): string[] {
  const text = section(markdown, ERRORS_SECTION);
  if (text === undefined) return [`docs/errors.md has no "## ${ERRORS_SECTION}" section`];
  const rows = tableRows(text);
  if (rows.length === 0) return [`the "${ERRORS_SECTION}" section has no table rows`];
  const problems: string[] = [];
  const documented = new Map<string, string>();
  for (const row of rows) {
    const [code = '', message = ''] = row.map(unquote);
    if (!/^\d+$/.test(code)) {
      problems.push(`row with code '${code}' is not a numeric code`);
      continue;
    }
    if (documented.has(code)) problems.push(`code ${code} is documented twice`);
    documented.set(code, message);
  }
  for (const [code, { title }] of Object.entries(catalog)) {
    const message = documented.get(code);
    if (message === undefined) problems.push(`code ${code} is in MARKETO_ERRORS but not in docs/errors.md`);
    else if (message !== title) problems.push(`code ${code}: docs/errors.md says '${message}', the catalog says '${title}'`);
  }
  for (const code of documented.keys()) {
    if (!(code in catalog)) problems.push(`code ${code} is in docs/errors.md but not in MARKETO_ERRORS`);
  }
  return problems;
}

export const FLAGS_SECTION = 'serve flags';

/** How the doc writes a default the code leaves undefined (boolean switches and optional values). */
const NO_DEFAULT = new Set(['(none)', 'off']);

/**
 * Problems between the serve-flag table of docs/config.md and SERVE_FLAGS; empty when they agree.
 * Each flag needs a row with its variable and the code's default, and every row needs a flag.
 */
export function checkConfigDoc(
  markdown: string,
  flags: readonly (readonly [string, string | undefined, string])[],
  envName: (flag: string) => string,
): string[] {
  const text = section(markdown, FLAGS_SECTION);
  if (text === undefined) return [`docs/config.md has no "## ${FLAGS_SECTION}" section`];
  const rows = tableRows(text);
  if (rows.length === 0) return [`the "${FLAGS_SECTION}" section has no table rows`];
  const problems: string[] = [];
  const documented = new Map<string, { env: string; fallback: string }>();
  for (const row of rows) {
    const [flagCell = '', env = '', fallbackCell = ''] = row;
    const m = /^`--([a-z0-9-]+)`$/.exec(flagCell);
    if (!m) {
      problems.push(`row '${flagCell}' does not name a flag as \`--flag\``);
      continue;
    }
    if (documented.has(m[1]!)) problems.push(`--${m[1]} is documented twice`);
    documented.set(m[1]!, { env, fallback: unquote(fallbackCell) });
  }
  for (const [flag, fallback] of flags) {
    const doc = documented.get(flag);
    if (!doc) {
      problems.push(`--${flag} is in SERVE_FLAGS but not in docs/config.md`);
      continue;
    }
    if (!doc.env.includes(`\`${envName(flag)}\``)) problems.push(`--${flag}: variable ${envName(flag)} is not documented`);
    if (fallback === undefined) {
      if (!NO_DEFAULT.has(doc.fallback)) problems.push(`--${flag}: the code has no default, docs/config.md says '${doc.fallback}'`);
    } else if (doc.fallback !== fallback) {
      problems.push(`--${flag}: docs/config.md says default '${doc.fallback}', the code says '${fallback}'`);
    }
  }
  const known = new Set(flags.map(([f]) => f));
  for (const flag of documented.keys()) {
    if (!known.has(flag)) problems.push(`--${flag} is in docs/config.md but not in SERVE_FLAGS`);
  }
  return problems;
}
