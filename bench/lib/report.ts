/** The results table: printed to stdout and written between markers in docs/performance.md. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ScenarioResult } from './stats.js';
import type { Machine } from './tools.js';

export interface BenchDoc {
  date: string;
  mode: 'quick' | 'full';
  durationS: number;
  machine: Machine;
  dataset: { activities: number; windowActivities: number; importActivities: number };
  scenarios: ScenarioResult[];
}

export function markdownTable(doc: BenchDoc): string {
  const m = doc.machine;
  const lines = [
    `Run of ${doc.date} (${doc.mode}, ${Math.round(doc.durationS / 60)} min): ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}; ` +
      `Node ${m.node}, SQLite ${m.sqlite} (CLI ${m.sqliteCli}), PostgreSQL ${m.postgres} (psql ${m.psql}), nginx ${m.nginx}. ` +
      `Data: ${doc.dataset.activities.toLocaleString('en-US')} activities, ${doc.dataset.windowActivities.toLocaleString('en-US')} in the 31-day window; ` +
      `import of ${doc.dataset.importActivities.toLocaleString('en-US')}. Medians of ${sampleCounts(doc)} samples a side.`,
    '',
    '| scenario | Tidemark (median) | reference, same data, same run (median) | ratio | target | met |',
    '|---|---|---|---|---|---|',
    ...doc.scenarios.map((s) =>
      `| ${s.title} | ${s.tidemarkCell} | ${s.referenceCell} | ${s.ratio.toFixed(2)} (${s.ratioLabel}) | ${s.target} | ${s.met ? 'yes' : '**no**'} |`),
    '',
    ...doc.scenarios.map((s) => `- ${s.title}: ${s.notes.join('; ')}.`),
  ];
  return lines.join('\n') + '\n';
}

function sampleCounts(doc: BenchDoc): string {
  const counts = new Set(doc.scenarios.flatMap((s) => Object.values(s.measures).map((m) => m.samples.length)).filter((n) => n > 1));
  return [...counts].sort((a, b) => a - b).join(' to ').replace(/ to .* to /, ' to ') || '1';
}

export function printTable(doc: BenchDoc): string {
  return `\n${markdownTable(doc)}`;
}

const SKELETON = `# Performance

Measured by \`npm run bench\` (\`-- --quick\` for a small data set). Each scenario runs Tidemark and
the tool a user would otherwise reach for, on the same data in the same run, interleaved, and
reports medians; the raw samples are in \`bench/results/<date>.json\`.

## Full run

<!-- bench:full:begin -->
<!-- bench:full:end -->

## Quick run

<!-- bench:quick:begin -->
<!-- bench:quick:end -->
`;

/** Replaces the table of this mode between its markers; the rest of the document is left alone. */
export function writeDocs(path: string, doc: BenchDoc): void {
  let text = existsSync(path) ? readFileSync(path, 'utf8') : SKELETON;
  const begin = `<!-- bench:${doc.mode}:begin -->`;
  const end = `<!-- bench:${doc.mode}:end -->`;
  if (!text.includes(begin) || !text.includes(end)) text += `\n${begin}\n${end}\n`;
  const [head, rest] = text.split(begin) as [string, string];
  const tail = rest.slice(rest.indexOf(end));
  writeFileSync(path, `${head}${begin}\n${markdownTable(doc)}${tail}`);
}
