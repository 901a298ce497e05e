/**
 * One demo day: the leads created that day, their list and program memberships, and the day's
 * activities, all from the seed and the day alone, so a day comes out the same whenever it is
 * generated. The three agree: every activity's lead is a lead (a base lead, or one created that
 * day before the activity); list additions, form fills, field and score changes and program
 * status changes happen only to the day's new leads, so their lead records and memberships,
 * written with the day, show the outcome.
 */
import type { Activity } from '../domain/activity.js';
import { DAY_MS, formatMarketoDate } from '../domain/dates.js';
import type { LeadRecord } from '../domain/lead-record.js';
import type { MemberRecord } from '../domain/program-member-record.js';
import {
  formFill, FORMS, LISTS, listAdd, newLead, passiveActivity, programStatus, PROGRAMS, scoreChange, statusChange, type Primary,
} from './attributes.js';
import { MAX_ACTIVITIES_PER_DAY } from './defaults.js';
import { DEMO_NURTURE_PROGRAM, DEMO_PROGRAM_STATUSES } from './catalog.js';
import { BASE_LEAD_IDS, DELETED_BASE_LEADS, LEAD_STATUSES, leadValues, pickFrom, prng, textValues, type Random } from './people.js';

/** marketoGUID of a day's n-th activity: DEMO_GUID_BASE + day × GUID_STRIDE + n. */
export const DEMO_GUID_BASE = 100_000_000_000;
export const GUID_STRIDE = 1_000_000;
/** Id of a day's i-th new lead: DEMO_LEAD_BASE + day × LEAD_STRIDE + i. */
export const DEMO_LEAD_BASE = 10_000_000;
export const LEAD_STRIDE = 10_000;
/** Bounds that keep days' GUIDs and lead ids apart (defaults.ts). */
export { MAX_ACTIVITIES_PER_DAY };

export interface DemoDay {
  /** Days since 1970-01-01 (UTC). */
  day: number;
  leads: LeadRecord[];
  members: MemberRecord[];
  activities: Activity[];
}

/** Activity type mix, as weights; 12 (New Lead) is written once per new lead instead. */
const MIX: [number, number][] = [[1, 30], [6, 14], [7, 14], [10, 12], [11, 5], [2, 4], [13, 4], [22, 5], [24, 3], [25, 1], [104, 4], [46, 3]];
const TOTAL_WEIGHT = MIX.reduce((s, [, w]) => s + w, 0);
/** Types that change a lead's stored data: only the day's new leads get them. */
const CHANGES = new Set([2, 13, 22, 24, 104]);

interface Membership { status: string; first: number; last: number; success: boolean; successAt?: number; acquiredBy: boolean }

interface NewLead {
  id: number;
  createdAt: number;
  updatedAt: number;
  lastChangeAt: number;
  score: number;
  status: string;
  lists: Set<number>;
  formFilled: boolean;
  programs: Map<number, Membership>;
}

const mix = (seed: number, n: number): number => (Math.imul(seed, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca77)) >>> 0;

/** A second of the day: 70 % in business hours (13:00-22:00 UTC). */
const daySecond = (rnd: Random): number => (rnd() < 0.7 ? 13 * 3600 + Math.floor(rnd() * 9 * 3600) : Math.floor(rnd() * 86_400));

export function demoDay(seed: number, day: number, activitiesPerDay: number): DemoDay {
  return new DayBuilder(seed, day, activitiesPerDay).build();
}

class DayBuilder {
  private readonly rnd: Random;
  private readonly pick: <T>(xs: readonly T[]) => T;
  private readonly dayStart: number;
  private readonly people: NewLead[] = [];
  private readonly activities: Activity[] = [];

  constructor(private readonly seed: number, private readonly day: number, private readonly perDay: number) {
    this.rnd = prng(mix(seed, day));
    this.pick = pickFrom(this.rnd);
    this.dayStart = day * DAY_MS;
  }

  build(): DemoDay {
    const weekday = new Date(this.dayStart).getUTCDay();
    const volume = Math.min(MAX_ACTIVITIES_PER_DAY, Math.round(this.perDay * (weekday === 0 || weekday === 6 ? 0.4 : 1.15)));
    const newCount = Math.min(LEAD_STRIDE - 1, Math.max(1, Math.round(volume / 12)));
    const leadTimes = Array.from({ length: newCount }, () => daySecond(this.rnd)).sort((a, b) => a - b);
    const otherTimes = Array.from({ length: Math.max(0, volume - newCount) }, () => daySecond(this.rnd)).sort((a, b) => a - b);
    let next = 0;
    for (const sec of otherTimes) {
      // A lead is created before any activity of the same second.
      while (next < leadTimes.length && leadTimes[next]! <= sec) this.createLead(leadTimes[next++]!);
      this.activity(this.dayStart + sec * 1000);
    }
    while (next < leadTimes.length) this.createLead(leadTimes[next++]!);
    return { day: this.day, leads: this.people.map((p) => this.leadRecord(p)), members: this.people.flatMap((p) => this.memberRecords(p)), activities: this.activities };
  }

  private createLead(sec: number): void {
    const at = this.dayStart + sec * 1000;
    const id = DEMO_LEAD_BASE + this.day * LEAD_STRIDE + this.people.length;
    const lead: NewLead = {
      id, createdAt: at, updatedAt: at, lastChangeAt: at, score: Math.floor(this.rnd() * 30), status: 'New', lists: new Set(),
      formFilled: false, programs: new Map(),
    };
    this.people.push(lead);
    this.push(at, 12, id, newLead(id, this.pick(FORMS).name));
  }

  private activity(at: number): void {
    let w = this.rnd() * TOTAL_WEIGHT;
    let type = MIX[0]![0];
    for (const [t, weight] of MIX) {
      if ((w -= weight) < 0) {
        type = t;
        break;
      }
    }
    if (CHANGES.has(type) && this.people.length > 0) {
      const lead = this.pick(this.people);
      if (this.change(type, lead, at)) return;
    }
    // Everything else, or a change with no new lead (yet) to make it: an activity that changes nothing.
    if (CHANGES.has(type)) type = 1;
    const base = type === 25 || this.people.length === 0 || this.rnd() < 0.6;
    const leadId = base ? BASE_LEAD_IDS.first + Math.floor(this.rnd() * (DELETED_BASE_LEADS.first - BASE_LEAD_IDS.first)) : this.pick(this.people).id;
    this.push(at, type, leadId, passiveActivity(type, this.rnd, leadId));
  }

  /** A change to a new lead; false when there is none to make (every program's last status reached). */
  private change(type: number, lead: NewLead, at: number): boolean {
    switch (type) {
      case 2:
        lead.formFilled = true;
        lead.lastChangeAt = at;
        return this.push(at, 2, lead.id, formFill(this.pick(FORMS), this.rnd, lead.id, 'Example, Inc.'));
      case 13: {
        const status = this.pick(LEAD_STATUSES.filter((s) => s !== lead.status));
        const primary = statusChange(lead.status, status);
        Object.assign(lead, { status, updatedAt: at, lastChangeAt: at });
        return this.push(at, 13, lead.id, primary);
      }
      case 22: {
        const change = 5 + Math.floor(this.rnd() * 20);
        const primary = scoreChange(lead.score, change);
        Object.assign(lead, { score: lead.score + change, updatedAt: at, lastChangeAt: at });
        return this.push(at, 22, lead.id, primary);
      }
      case 24: {
        const list = this.pick(LISTS);
        lead.lists.add(list.id);
        lead.lastChangeAt = at;
        return this.push(at, 24, lead.id, listAdd(list));
      }
      default:
        return this.progress(lead, at);
    }
  }

  /** Change Status in Progression: the lead moves one step forward in a program it has not finished. */
  private progress(lead: NewLead, at: number): boolean {
    const open = PROGRAMS.filter((p) => {
      const steps = DEMO_PROGRAM_STATUSES[p.id]!.steps;
      return steps.indexOf(lead.programs.get(p.id)?.status ?? '') < steps.length - 1;
    });
    if (open.length === 0) return false;
    const program = this.pick(open);
    const { steps, success } = DEMO_PROGRAM_STATUSES[program.id]!;
    const was = lead.programs.get(program.id);
    const status = steps[steps.indexOf(was?.status ?? '') + 1]!;
    const reached = success.includes(status);
    const now: Membership = {
      status, first: was?.first ?? at, last: at, success: reached, acquiredBy: was?.acquiredBy ?? this.rnd() < 0.2,
      ...(reached ? { successAt: at } : was?.successAt !== undefined ? { successAt: was.successAt } : {}),
    };
    lead.programs.set(program.id, now);
    lead.lastChangeAt = at;
    const memberId = 3_000_000 + (lead.id % 1_000_000) * 10 + (program.id % 10);
    return this.push(at, 104, lead.id, programStatus(program, memberId, { old: was?.status ?? 'Not in Program', new: status, success: reached, acquiredBy: now.acquiredBy }));
  }

  private push(at: number, type: number, leadId: number, [pavId, pav, attrs]: Primary): true {
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) clean[k] = v;
    this.activities.push({
      marketoGUID: String(DEMO_GUID_BASE + this.day * GUID_STRIDE + this.activities.length + 1), leadId, activityDate: at, activityTypeId: type,
      campaignId: this.rnd() < 0.8 ? 8000 + Math.floor(this.rnd() * 40) : null, primaryAttributeValueId: pavId, primaryAttributeValue: pav,
      attributes: JSON.stringify(clean), actionResult: type === 104 ? 'succeeded' : null,
    });
    return true;
  }

  private leadRecord(p: NewLead): LeadRecord {
    // Names and the like from the lead's own sequence, so they do not depend on the day's activities.
    const values = leadValues(p.id, prng(mix(this.seed ^ 0x1ead, p.id)), p.score, p.status);
    const acquired = [...p.programs].find(([, m]) => m.acquiredBy);
    values.acquisitionProgramId = acquired ? acquired[0] : null;
    values.mktoAcquisitionDate = acquired ? formatMarketoDate(acquired[1].first) : null;
    const smart = [...(p.formFilled ? [4001] : []), ...(p.score >= 50 ? [4002] : [])];
    return {
      id: p.id, createdAt: p.createdAt, updatedAt: p.updatedAt, lastChangeAt: p.lastChangeAt, state: 'active', values: textValues(values),
      staticListIds: [...p.lists].sort((a, b) => a - b), smartListIds: smart,
    };
  }

  private memberRecords(p: NewLead): MemberRecord[] {
    return [...p.programs].map(([programId, m]) => ({
      programId, leadId: p.id, statusName: m.status, createdAt: m.first, updatedAt: m.last,
      isExhausted: programId === DEMO_NURTURE_PROGRAM ? false : null, nurtureCadence: programId === DEMO_NURTURE_PROGRAM ? 'norm' : null,
      values: {
        membershipDate: formatMarketoDate(m.first), reachedSuccess: String(m.success), acquiredBy: String(m.acquiredBy),
        reachedSuccessDate: m.successAt === undefined ? null : formatMarketoDate(m.successAt),
      },
    }));
  }
}
