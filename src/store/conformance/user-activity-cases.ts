/** Conformance cases: API users, tokens, importing activities and selecting them for export. */
import assert from 'node:assert/strict';
import type { Activity } from '../../domain/activity.js';
import type { ExportFilter } from '../../domain/export-request.js';
import type { Store } from '../store.js';
import { activity, collect, EVERYTHING, fileOrder, SECOND, T0, trickyActivities, user } from './fixtures.js';

export type StoreCase = (store: Store) => Promise<void>;

const guids = async (store: Store, filter: ExportFilter): Promise<string[]> =>
  (await collect(store.exportRows(filter))).map((a) => a.marketoGUID);

export const userCases: Record<string, StoreCase> = {
  'createUser and findUser round-trip every field': async (store) => {
    const u = user('c-1', { name: 'etl, "prod"', role: 'read-write-activity', disabled: false, createdAt: T0 + 123 });
    await store.createUser(u);
    assert.deepEqual(await store.findUser('c-1'), u);
    assert.equal(await store.findUser('c-2'), undefined);
  },
  'listUsers lists every user with its role': async (store) => {
    assert.deepEqual(await store.listUsers(), []);
    const users = [user('c-1', { role: 'none' }), user('c-2', { createdAt: T0 + 1 }), user('c-3', { role: 'read-write-activity', disabled: true, createdAt: T0 + 2 })];
    for (const u of users) await store.createUser(u);
    const listed = (await store.listUsers()).sort((a, b) => a.clientId.localeCompare(b.clientId));
    assert.deepEqual(listed, users);
  },
  'disableUser disables only that user and says whether it existed': async (store) => {
    await store.createUser(user('c-1'));
    await store.createUser(user('c-2'));
    assert.equal(await store.disableUser('c-1'), true);
    assert.equal((await store.findUser('c-1'))?.disabled, true);
    assert.equal((await store.findUser('c-2'))?.disabled, false);
    assert.equal(await store.disableUser('nobody'), false);
  },
  'saveToken and findToken round-trip': async (store) => {
    const t = { tokenHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', nonce: 'n-1', clientId: 'c-1', issuedAt: T0, expiresAt: T0 + 3_600_000 };
    await store.saveToken(t);
    assert.deepEqual(await store.findToken(t.tokenHash), t);
    assert.equal(await store.findToken('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856'), undefined);
  },
  'findLiveToken returns the newest unexpired token of that client': async (store) => {
    const hour = 3_600_000;
    await store.saveToken({ tokenHash: 'old', nonce: 'n-old', clientId: 'c-1', issuedAt: T0, expiresAt: T0 + hour });
    await store.saveToken({ tokenHash: 'new', nonce: 'n-new', clientId: 'c-1', issuedAt: T0 + 600_000, expiresAt: T0 + 600_000 + hour });
    await store.saveToken({ tokenHash: 'other', nonce: 'n-other', clientId: 'c-2', issuedAt: T0 + 900_000, expiresAt: T0 + 900_000 + hour });
    assert.equal((await store.findLiveToken('c-1', T0 + 700_000))?.tokenHash, 'new');
    assert.equal((await store.findLiveToken('c-1', T0 + 700_000))?.nonce, 'n-new');
    assert.equal((await store.findLiveToken('c-2', T0 + 700_000))?.tokenHash, 'other');
    assert.equal(await store.findLiveToken('c-3', T0 + 700_000), undefined);
  },
  'lookups by a value with a NUL byte find nothing and do not throw': async (store) => {
    await store.createUser(user('c-1'));
    await store.saveToken({ tokenHash: 't', nonce: 'n', clientId: 'c-1', issuedAt: T0, expiresAt: T0 + 3_600_000 });
    assert.equal(await store.findToken('t\0'), undefined);
    assert.equal(await store.findToken('\0'), undefined);
    assert.equal(await store.findUser('c-1\0'), undefined);
    assert.equal(await store.findLiveToken('c-1\0', T0), undefined);
    assert.equal(await store.getJob('\0abc'), undefined);
    assert.deepEqual(await store.findAssetsByName('form', 'a\0'), []);
    assert.deepEqual(await store.resolveAssetIds('form', ['a\0', 'b']), []);
  },
  'findLiveToken never returns an expired token': async (store) => {
    await store.saveToken({ tokenHash: 't', nonce: 'n', clientId: 'c-1', issuedAt: T0, expiresAt: T0 + 3_600_000 });
    assert.equal((await store.findLiveToken('c-1', T0 + 3_599_999))?.tokenHash, 't');
    assert.equal(await store.findLiveToken('c-1', T0 + 3_600_000), undefined, 'a token is expired at its expiresAt');
    assert.equal(await store.findLiveToken('c-1', T0 + 7_200_000), undefined);
  },
};

export const activityCases: Record<string, StoreCase> = {
  'importActivities counts inserted and duplicates; a re-import adds nothing': async (store) => {
    const batch = [activity(), activity(), activity()];
    assert.deepEqual(await store.importActivities(batch), { inserted: 3, duplicates: 0 });
    assert.deepEqual(await store.importActivities([...batch, activity()]), { inserted: 1, duplicates: 3 });
    assert.equal(await store.countActivities(), 4);
  },
  'importActivities leaves an existing GUID as it was': async (store) => {
    const first = activity({ primaryAttributeValue: 'first' });
    await store.importActivities([first]);
    const result = await store.importActivities([{ ...first, primaryAttributeValue: 'second', leadId: 1 }]);
    assert.deepEqual(result, { inserted: 0, duplicates: 1 });
    assert.deepEqual(await collect(store.exportRows(EVERYTHING)), [first]);
  },
  'importActivities counts a GUID repeated within one call as a duplicate': async (store) => {
    const a = activity();
    assert.deepEqual(await store.importActivities([a, { ...a }]), { inserted: 1, duplicates: 1 });
  },
  'importActivities keeps the first line of a GUID repeated within one call': async (store) => {
    // Enough rows, in scrambled GUID order, that an unstable sort would pick later lines.
    const lines: Activity[] = [];
    for (let i = 0; i < 30_000; i++) {
      lines.push(activity({ marketoGUID: String(700_000 + ((i * 7919) % 20_000)), activityDate: T0 + (i % 50) * SECOND, primaryAttributeValue: `line ${i}` }));
    }
    const first = new Map<string, string>();
    for (const a of lines) if (!first.has(a.marketoGUID)) first.set(a.marketoGUID, a.primaryAttributeValue!);
    assert.deepEqual(await store.importActivities(lines), { inserted: 20_000, duplicates: 10_000 });
    const stored = await collect(store.exportRows(EVERYTHING));
    assert.equal(stored.length, 20_000);
    const later = stored.filter((a) => first.get(a.marketoGUID) !== a.primaryAttributeValue);
    assert.deepEqual(later.slice(0, 3).map((a) => `${a.marketoGUID}: ${a.primaryAttributeValue}`), [], `${later.length} GUIDs kept a later line`);
  },
  'importActivities in GUID order stores every month it spans, year 1 to 9999, and skips GUIDs stored before': async (store) => {
    // In rising GUID order (the copy needs no sort) but not in date order; months far apart.
    const dates = ['0001-01-01T00:00:00Z', '0050-06-15T12:00:00Z', '2025-07-31T23:59:59Z', '2025-08-01T00:00:00Z', '1999-12-31T23:59:59Z', '9999-12-31T23:59:59Z'];
    const rows = dates.map((d, i) => activity({ marketoGUID: String(10 + i), activityDate: Date.parse(d), primaryAttributeValue: d }));
    await store.importActivities([rows[2]!]);
    assert.deepEqual(await store.importActivities(rows), { inserted: 5, duplicates: 1 });
    assert.equal(await store.countActivities(), 6);
    const since1970 = (await collect(store.exportRows(EVERYTHING))).map((a) => a.primaryAttributeValue);
    assert.deepEqual(since1970, ['1999-12-31T23:59:59Z', '2025-07-31T23:59:59Z', '2025-08-01T00:00:00Z', '9999-12-31T23:59:59Z']);
  },
  'importActivities accepts an async iterable, and an empty one': async (store) => {
    const items = [activity(), activity()];
    async function* gen(): AsyncGenerator<Activity> {
      for (const a of items) yield a;
    }
    assert.deepEqual(await store.importActivities(gen()), { inserted: 2, duplicates: 0 });
    assert.deepEqual(await store.importActivities([]), { inserted: 0, duplicates: 0 });
    assert.equal(await store.countActivities(), 2);
  },
  'importActivities is all-or-nothing when the records throw midway': async (store) => {
    await store.importActivities([activity({ marketoGUID: '1' })]);
    function* failing(): Generator<Activity> {
      yield activity({ marketoGUID: '2' });
      yield activity({ marketoGUID: '3' });
      throw new Error('line 3: bad record');
    }
    await assert.rejects(store.importActivities(failing()), /line 3: bad record/);
    async function* failingAsync(): AsyncGenerator<Activity> {
      yield activity({ marketoGUID: '4' });
      throw new Error('stdin closed');
    }
    await assert.rejects(store.importActivities(failingAsync()), /stdin closed/);
    assert.equal(await store.countActivities(), 1);
    assert.deepEqual(await guids(store, EVERYTHING), ['1']);
    // The store is usable afterwards: the failed calls left no transaction open.
    assert.deepEqual(await store.importActivities([activity({ marketoGUID: '2' })]), { inserted: 1, duplicates: 0 });
    assert.equal(await store.countActivities(), 2);
  },
  'countActivities is 0 on a fresh store': async (store) => {
    assert.equal(await store.countActivities(), 0);
  },
  'exportRows returns every column exactly as imported': async (store) => {
    const data = trickyActivities();
    await store.importActivities(data);
    assert.deepEqual(await collect(store.exportRows(EVERYTHING)), [...data].sort(fileOrder));
  },
  'exportRows orders by activityDate, then marketoGUID numerically': async (store) => {
    const rows = [
      activity({ marketoGUID: '100', activityDate: T0 + SECOND }),
      activity({ marketoGUID: '99', activityDate: T0 + SECOND }),
      activity({ marketoGUID: '1234567890123456789', activityDate: T0 + SECOND }),
      activity({ marketoGUID: '9223372036854775807', activityDate: T0 }),
      activity({ marketoGUID: '5', activityDate: T0 + 2 * SECOND }),
      activity({ marketoGUID: '1000', activityDate: T0 + SECOND }),
      activity({ marketoGUID: '9007199254740993', activityDate: T0 + SECOND }),
      activity({ marketoGUID: '9007199254740992', activityDate: T0 + SECOND }),
    ];
    await store.importActivities(rows);
    assert.deepEqual(await guids(store, EVERYTHING),
      ['9223372036854775807', '99', '100', '1000', '9007199254740992', '9007199254740993', '1234567890123456789', '5']);
  },
  'the createdAt bounds are inclusive at both ends': async (store) => {
    await store.importActivities([T0 - SECOND, T0, T0 + 60 * SECOND, T0 + 61 * SECOND].map((d, i) => activity({ marketoGUID: String(i + 1), activityDate: d })));
    assert.deepEqual(await guids(store, { startMs: T0, endMs: T0 + 60 * SECOND }), ['2', '3']);
    assert.deepEqual(await guids(store, { startMs: T0, endMs: T0 }), ['2']);
    assert.deepEqual(await guids(store, { startMs: T0 + SECOND, endMs: T0 + 59 * SECOND }), []);
  },
  'sub-second bounds select whole-second activities correctly': async (store) => {
    await store.importActivities([T0, T0 + SECOND, T0 + 2 * SECOND].map((d, i) => activity({ marketoGUID: String(i + 1), activityDate: d })));
    assert.deepEqual(await guids(store, { startMs: T0 + 500, endMs: T0 + 2 * SECOND }), ['2', '3']);
    assert.deepEqual(await guids(store, { startMs: T0 - 500, endMs: T0 + 1_500 }), ['1', '2']);
    assert.deepEqual(await guids(store, { startMs: T0 + 1, endMs: T0 + 999 }), []);
    assert.deepEqual(await guids(store, { startMs: T0 + 999, endMs: T0 + 1_001 }), ['2']);
  },
  'the activityTypeIds filter': async (store) => {
    await store.importActivities([1, 6, 104, 6, 13].map((t, i) => activity({ marketoGUID: String(i + 1), activityTypeId: t })));
    assert.deepEqual(await guids(store, { ...EVERYTHING, activityTypeIds: [6] }), ['2', '4']);
    assert.deepEqual(await guids(store, { ...EVERYTHING, activityTypeIds: [13, 1] }), ['1', '5']);
    assert.deepEqual(await guids(store, { ...EVERYTHING, activityTypeIds: [7] }), []);
  },
  'the primaryAttributeValueIds filter, with activityTypeIds': async (store) => {
    const rows: [number, number | null][] = [[24, 10], [24, 11], [25, 10], [24, null], [104, 10]];
    await store.importActivities(rows.map(([t, id], i) => activity({ marketoGUID: String(i + 1), activityTypeId: t, primaryAttributeValueId: id })));
    assert.deepEqual(await guids(store, { ...EVERYTHING, activityTypeIds: [24, 25], primaryAttributeValueIds: [10] }), ['1', '3']);
    assert.deepEqual(await guids(store, { ...EVERYTHING, activityTypeIds: [24], primaryAttributeValueIds: [10, 11, 12] }), ['1', '2']);
    assert.deepEqual(await guids(store, { ...EVERYTHING, primaryAttributeValueIds: [10] }), ['1', '3', '5']);
  },
  'the primaryAttributeValues filter matches exactly and case-sensitively': async (store) => {
    const values = ['Webinar.Q1', 'webinar.q1', 'Webinar.Q1 ', 'Webinar', '', null, 'Ünïcødé, "x"', 'Webinar.Q1'];
    await store.importActivities(values.map((v, i) => activity({ marketoGUID: String(i + 1), primaryAttributeValue: v })));
    assert.deepEqual(await guids(store, { ...EVERYTHING, activityTypeIds: [104], primaryAttributeValues: ['Webinar.Q1'] }), ['1', '8']);
    assert.deepEqual(await guids(store, { ...EVERYTHING, activityTypeIds: [104], primaryAttributeValues: ['webinar.q1', 'Webinar'] }), ['2', '4']);
    assert.deepEqual(await guids(store, { ...EVERYTHING, activityTypeIds: [104], primaryAttributeValues: [''] }), ['5']);
    assert.deepEqual(await guids(store, { ...EVERYTHING, activityTypeIds: [104], primaryAttributeValues: ['Ünïcødé, "x"'] }), ['7']);
    assert.deepEqual(await guids(store, { ...EVERYTHING, activityTypeIds: [104], primaryAttributeValues: ['null', 'WEBINAR.Q1'] }), []);
  },
  'filters combine with the date range': async (store) => {
    await store.importActivities([
      activity({ marketoGUID: '1', activityDate: T0, activityTypeId: 24, primaryAttributeValueId: 7 }),
      activity({ marketoGUID: '2', activityDate: T0 + 10 * SECOND, activityTypeId: 24, primaryAttributeValueId: 7 }),
      activity({ marketoGUID: '3', activityDate: T0 + 10 * SECOND, activityTypeId: 25, primaryAttributeValueId: 7 }),
    ]);
    assert.deepEqual(await guids(store, { startMs: T0 + SECOND, endMs: T0 + 20 * SECOND, activityTypeIds: [24], primaryAttributeValueIds: [7] }), ['2']);
  },
};
