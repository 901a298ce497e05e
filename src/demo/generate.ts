/**
 * The demo data set: reproducible from a seed, day by day (day.ts), over a base population of
 * leads (people.ts). Standard activity types with plausible primary attributes and attributes, a
 * weekday/business-hours rhythm, leads, static and smart list memberships and program members
 * that agree with the activities.
 */
import type { Activity } from '../domain/activity.js';
import { DAY_MS } from '../domain/dates.js';
import { demoDay, type DemoDay } from './day.js';

export interface DemoOptions {
  days: number;
  activitiesPerDay: number;
  seed: number;
  /** The data set covers the `days` UTC days before this moment (the last one is the day it falls in, unless it is 00:00). */
  endMs: number;
}

/** The days (since 1970-01-01 UTC) a data set covers, oldest first. */
export function demoDayNumbers(o: Pick<DemoOptions, 'days' | 'endMs'>): number[] {
  const last = Math.ceil(o.endMs / DAY_MS) - 1;
  return Array.from({ length: o.days }, (_, i) => last - o.days + 1 + i);
}

export function* demoDays(o: DemoOptions, only: readonly number[] = demoDayNumbers(o)): Generator<DemoDay> {
  for (const day of only) yield demoDay(o.seed, day, o.activitiesPerDay);
}

/** The data set's activities in file order (activityDate, then marketoGUID). */
export function* demoActivities(o: DemoOptions): Generator<Activity> {
  for (const day of demoDays(o)) yield* day.activities;
}

/** Demo API user credentials: fixed, so the README's walk-through can be pasted as is. Demo only. */
export const DEMO_USER = { name: 'demo@tidemark.local', clientId: 'tidemark-demo', clientSecret: 'tidemark-demo-secret' } as const;
