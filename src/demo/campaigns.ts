/**
 * The demo's smart campaigns: ids 8000-8039, the `campaignId`s the demo's activities carry
 * (src/demo/generate.ts draws 8000 + 0..39), so every activity's campaign is one that
 * `GET /rest/v1/campaigns.json` lists. Eight kinds of campaign in each of the four demo programs,
 * and eight operational ones outside any program.
 */
import { DAY_MS, formatMarketoDate } from '../domain/dates.js';

export const DEMO_CAMPAIGN_IDS = { first: 8000, count: 40 } as const;

/** [name, type, requested by Web Service API]: the trigger campaigns are active, the batch ones are not. */
const KINDS: [string, 'batch' | 'trigger', boolean][] = [
  ['Send Newsletter', 'batch', false],
  ['Score Web Visits', 'trigger', false],
  ['Process Form Fills', 'trigger', false],
  ['Add to Nurture', 'batch', false],
  ['Change Program Status', 'trigger', false],
  ['Sync to CRM', 'trigger', true],
  ['Send Follow-up', 'batch', false],
  ['Request Alert', 'trigger', true],
];

/** The demo programs (src/demo/catalog.ts) by id; `undefined` is the operational folder. */
const HOMES: (number | undefined)[] = [1001, 1002, 1003, 1004, undefined];
const FIRST_CREATED = Date.UTC(2025, 8, 1, 14, 0, 0);

export const DEMO_CAMPAIGNS: Record<string, unknown>[] = Array.from({ length: DEMO_CAMPAIGN_IDS.count }, (_, i) => {
  const [kind, type, requestable] = KINDS[i % KINDS.length]!;
  const programId = HOMES[Math.floor(i / KINDS.length)];
  const created = FIRST_CREATED + i * 2 * DAY_MS + (i % 5) * 3_600_000;
  return {
    id: DEMO_CAMPAIGN_IDS.first + i,
    name: programId === undefined ? `Operational - ${kind}` : `${String(i % KINDS.length + 1).padStart(2, '0')} - ${kind}`,
    // Marketo leaves `description` out when a campaign has none; every third demo campaign has none.
    ...(i % 3 === 2 ? {} : { description: `${kind} (${type === 'trigger' ? 'triggered' : 'scheduled'})` }),
    type,
    ...(programId !== undefined ? { programId } : {}),
    createdAt: formatMarketoDate(created),
    updatedAt: formatMarketoDate(created + (i % 7) * DAY_MS + 1_800_000),
    active: type === 'trigger',
    isRequestable: requestable,
  };
});
