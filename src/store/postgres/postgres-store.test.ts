import { after } from 'node:test';
import { runStoreConformance } from '../conformance/run-store-conformance.js';
import { PostgresStore } from './postgres-store.js';

const url = process.env.TIDEMARK_TEST_DATABASE_URL;
const stores: PostgresStore[] = [];
let n = 0;

if (url) {
  runStoreConformance({
    name: 'postgres',
    create: (testName) => {
      // One schema per test, named from the test; dropped after the run.
      const schema = `t_${process.pid}_${++n}_${testName.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30)}`;
      const u = new URL(url);
      u.searchParams.set('schema', schema);
      const store = new PostgresStore(u.toString(), { poolSize: 3 });
      stores.push(store);
      return store;
    },
  });
  after(async () => {
    for (const s of stores) {
      const cleanup = new PostgresStore(s.location.kind === 'postgres' ? s.location.url : '', { migrate: false, poolSize: 1 });
      await cleanup.dropSchema().catch(() => undefined);
      await cleanup.close();
    }
  });
} else {
  runStoreConformance({ name: 'postgres', create: () => { throw new Error('unreachable'); }, skipAll: 'TIDEMARK_TEST_DATABASE_URL is not set; .ci/run starts a PostgreSQL cluster and sets it' });
}
