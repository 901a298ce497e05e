/**
 * The one suite every Store backend runs. A backend calls `runStoreConformance` from its own test
 * file; behaviour it cannot offer is listed in `skip` with a written reason, so differences between
 * backends show up as exceptions in plain sight rather than as silent gaps.
 *
 * @example
 * runStoreConformance({ name: 'sqlite', create: (testName) => new SqliteStore(tempFile(testName)) });
 */
import { describe, test } from 'node:test';
import type { Store } from '../store.js';
import { assetCases } from './asset-cases.js';
import { consoleCases } from './console-cases.js';
import { customActivityCases } from './custom-activity-cases.js';
import { exportLineCases } from './export-line-cases.js';
import { jobCases } from './job-cases.js';
import { leadCases } from './lead-cases.js';
import { activityCases, userCases, type StoreCase } from './user-activity-cases.js';

export interface StoreConformanceOptions {
  /** Shown in the suite name, e.g. `sqlite`. */
  name: string;
  /** A fresh, empty store of its own (own file, schema or database) for the named test. */
  create: (testName: string) => Store | Promise<Store>;
  /** Test name -> why this backend does not run it. Every entry needs a reason and must name a real test. */
  skip?: Readonly<Record<string, string>>;
  /** Skip the whole suite, with the reason (e.g. no database server configured). */
  skipAll?: string;
}

export const CONFORMANCE_GROUPS: Readonly<Record<string, Record<string, StoreCase>>> = {
  'users and tokens': userCases,
  activities: activityCases,
  'asset catalog': assetCases,
  'leads and custom activities': customActivityCases,
  jobs: jobCases,
  'export lines equal the oracle': exportLineCases,
  'console queries': consoleCases,
  'leads and program members': leadCases,
};

export function runStoreConformance({ name, create, skip = {}, skipAll }: StoreConformanceOptions): void {
  const names = Object.values(CONFORMANCE_GROUPS).flatMap((cases) => Object.keys(cases));
  if (new Set(names).size !== names.length) throw new Error('store conformance: two cases share a name');
  for (const [testName, reason] of Object.entries(skip)) {
    if (!names.includes(testName)) throw new Error(`store conformance (${name}): skip names no test: '${testName}'`);
    if (typeof reason !== 'string' || reason.trim().length < 10) {
      throw new Error(`store conformance (${name}): skip of '${testName}' needs a written reason`);
    }
  }
  describe(`store conformance: ${name}`, { skip: skipAll ?? false }, () => {
    for (const [group, cases] of Object.entries(CONFORMANCE_GROUPS)) {
      describe(group, () => {
        for (const [testName, body] of Object.entries(cases)) {
          test(testName, { skip: skip[testName] ?? false }, async () => {
            const store = await create(testName);
            try {
              await body(store);
            } finally {
              await store.close();
            }
          });
        }
      });
    }
  });
}
