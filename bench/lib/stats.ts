/** Medians and the per-scenario result record that bench/results/<date>.json holds. */

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One measured quantity: every sample, and their median. */
export interface Measure {
  unit: string;
  samples: number[];
  median: number;
}

export function measure(unit: string, samples: number[]): Measure {
  return { unit, samples: samples.map((x) => round(x)), median: round(median(samples)) };
}

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** What Tidemark did and what the reference did, in words. */
  tidemark: string;
  reference: string;
  /** Named measures, e.g. `tidemark_s`, `reference_s`, `p99_ms`. */
  measures: Record<string, Measure>;
  /** The headline ratio (higher is better for Tidemark, unless the target says otherwise). */
  ratio: number;
  ratioLabel: string;
  target: string;
  met: boolean;
  /** Facts worth printing: sizes, row counts, checks. */
  notes: string[];
  /** For the docs table: Tidemark's and the reference's median in words. */
  tidemarkCell: string;
  referenceCell: string;
}

export const fmt = {
  s: (x: number) => `${x.toFixed(2)} s`,
  ms: (x: number) => `${x.toFixed(1)} ms`,
  mb: (x: number) => `${x.toFixed(0)} MB`,
  mbps: (x: number) => `${x.toFixed(0)} MB/s`,
  int: (x: number) => Math.round(x).toLocaleString('en-US'),
  ratio: (x: number) => `${x.toFixed(2)}×`,
};

/** Interleaves Tidemark and reference samples: T R R T T R ... so drift hits both alike. */
export async function interleaved<T>(n: number, a: () => Promise<T>, b: () => Promise<T>): Promise<{ a: T[]; b: T[] }> {
  const out = { a: [] as T[], b: [] as T[] };
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      out.a.push(await a());
      out.b.push(await b());
    } else {
      out.b.push(await b());
      out.a.push(await a());
    }
  }
  return out;
}
