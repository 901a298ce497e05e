/**
 * Summarises a `.cpuprofile` (from `node --cpu-prof`): self time by function and by file, top N.
 * `tsx bench/tools/cpuprofile-top.ts FILE.cpuprofile [N]`. Not part of `npm run bench`.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, nArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-top FILE.cpuprofile [N]');
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const fnTotals = new Map<string, number>();
const fileTotals = new Map<string, number>();
for (const [id, us] of selfUs) {
  const f = byId.get(id)!.callFrame;
  const where = f.url.replace(/^file:\/\/.*?\/(node_modules|dist|src)\//, '$1/') || '(native)';
  const key = `${f.functionName || '(anonymous)'}  ${where}:${f.lineNumber + 1}`;
  fnTotals.set(key, (fnTotals.get(key) ?? 0) + us);
  fileTotals.set(where, (fileTotals.get(where) ?? 0) + us);
}
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
  .map(([k, us]) => `${(us / 1e6).toFixed(2).padStart(7)} s ${((us / total) * 100).toFixed(1).padStart(5)} %  ${k}`).join('\n');
const n = Number(nArg ?? 25);
process.stdout.write(`total ${(total / 1e6).toFixed(2)} s\n\nby function (self):\n${top(fnTotals, n)}\n\nby file (self):\n${top(fileTotals, 12)}\n`);
