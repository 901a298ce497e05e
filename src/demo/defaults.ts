/** The demo's defaults and bounds, on their own so `tidemark demo --help` need not load the generator. */

export const DEMO_DEFAULTS = { days: 30, activitiesPerDay: 2000, seed: 1 } as const;
/** Bounds that keep days' GUIDs and lead ids apart (day.ts). */
export const MAX_ACTIVITIES_PER_DAY = 800_000;
