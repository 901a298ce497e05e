/** What every scenario gets from the driver. */
import type { Dataset } from './dataset.js';
import type { ScenarioResult } from './stats.js';

export interface BenchContext {
  quick: boolean;
  /** Samples per side for the long scenarios (exports, extract); short ones take more. */
  samples: number;
  /** Working directory for data sets, servers' data dirs and output files. */
  root: string;
  dataset: Dataset;
  /** PostgreSQL store URL (with ?schema=) holding the same August, when PostgreSQL is available. */
  pg?: { url: string; baseUrl: string; windowRows: number };
  /** The PostgreSQL server's URL (no schema), when a scenario that needs one was selected. */
  pgBaseUrl?: string;
  /** Rows in the NDJSON import file. */
  importRows: number;
  /** Write a CPU profile of the server (node --cpu-prof) into this directory, when set. */
  profileDir?: string;
  /** Store sizes for `scale`, in millions of activities (`--scale-sizes 5,50`). */
  scaleSizes?: number[];
  /** Cores kept busy by spinning processes meanwhile (`--busy-core`, the `-busy` scenarios); 0 or absent: none. */
  busyCores?: number;
  log(line: string): void;
}

export type Scenario = (ctx: BenchContext) => Promise<ScenarioResult>;
