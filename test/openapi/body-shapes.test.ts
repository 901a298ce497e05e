/**
 * The create-body shapes the OpenAPI document publishes agree with the validators the server runs,
 * on generated bodies (near-valid ones, mutated key by key): every body a validator accepts passes
 * the published JSON Schema, and every body the schema passes but a validator refuses is refused by
 * one of the rules listed beside the shape. Each kind must see all three outcomes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { customTypeBodyShape, CUSTOM_TYPE_BODY_RULES, validateCustomType } from '../../src/domain/custom-activities.js';
import type { BodyRule } from '../../src/domain/export-body.js';
import { ACTIVITY_BODY_RULES, activityExportBodyShape, EXPORT_FIELDS, validateActivityExportRequest } from '../../src/domain/export-request.js';
import { LEAD_BODY_RULES, leadExportBodyShape, validateLeadExportRequest } from '../../src/domain/lead-export-request.js';
import { buildLeadSchema } from '../../src/domain/lead-schema.js';
import { MEMBER_BODY_RULES, memberExportBodyShape, validateMemberExportRequest } from '../../src/domain/program-member-export-request.js';
import { buildMemberSchema } from '../../src/domain/program-member-schema.js';
import { openApiDocument } from '../../src/server/openapi/document.js';
import { SchemaCheck } from './schema-check.js';

const SEED = Number(process.env.TIDEMARK_FUZZ_SEED ?? 20261203);
const RUNS = 1500;

/** A key's value: usually a plausible one, sometimes absent, null or any JSON. */
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof(
  { weight: 6, arbitrary: valid }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const object = (entries: Record<string, fc.Arbitrary<unknown>>, extra = fc.constant<Record<string, unknown>>({})) =>
  fc.tuple(fc.record(entries), extra).map(([o, e]) => Object.fromEntries(Object.entries({ ...o, ...e }).filter(([, v]) => v !== undefined)));

const day = fc.integer({ min: 0, max: 60 });
const dateText = fc.tuple(day, fc.integer({ min: 0, max: 23 }), fc.constantFrom('Z', '+02:00', '-0500', '', '.123Z'), fc.boolean())
  .map(([d, hour, zone, dateOnly]) => {
    const iso = new Date(Date.UTC(2026, 0, 1 + d, hour)).toISOString().slice(0, 19);
    return dateOnly ? iso.slice(0, 10) : `${iso}${zone}`;
  });
const date = fc.oneof({ weight: 8, arbitrary: dateText }, { weight: 1, arbitrary: fc.constantFrom('2026-02-30', '2026-01-01T25:00:00Z', 'yesterday', '', '2026-1-1') });
const window = maybe(object({ startAt: maybe(date), endAt: maybe(date) }));
const format = maybe(fc.constantFrom('CSV', 'tsv', 'Ssv', 'cſv', 'ßv', 'XML'));
const headers = (names: readonly string[]) => maybe(fc.dictionary(fc.constantFrom(...names, 'other'), fc.constantFrom('Header', '', '\0', 7 as unknown as string), { maxKeys: 3 }));
const junkKey = fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.constant({ unknownKey: 1 }) });

const activityBody = object({
  format, fields: maybe(fc.subarray([...EXPORT_FIELDS, 'leadId', 'bogus'])), columnHeaderNames: headers(EXPORT_FIELDS),
  filter: maybe(object({
    createdAt: window,
    activityTypeIds: maybe(fc.subarray([1, 2, 6, 13, 22, 24, 25, 37, 104])),
    primaryAttributeValueIds: maybe(fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 55 })),
    primaryAttributeValues: maybe(fc.array(fc.constantFrom('A', 'B', 'C'), { maxLength: 3 })),
  }, junkKey)),
});

const leadSchema = buildLeadSchema([]);
const memberSchema = buildMemberSchema([]);
const leadNames = leadSchema.fields.slice(0, 6).map((f) => f.name);
const leadFilter = fc.oneof(
  window.map((w) => ({ createdAt: w })), window.map((w) => ({ updatedAt: w })),
  maybe(fc.integer({ min: -1, max: 5 })).map((v) => ({ staticListId: v })), maybe(fc.constantFrom('Newsletter', '')).map((v) => ({ smartListName: v })),
  fc.tuple(window, fc.integer({ min: 1, max: 5 })).map(([w, id]) => ({ createdAt: w, staticListId: id })), fc.constant({}),
);
const leadBody = object({ format, fields: maybe(fc.subarray([...leadNames, 'bogus'])), columnHeaderNames: headers(leadNames), filter: maybe(leadFilter) });

const memberNames = [...memberSchema.fields.slice(0, 4).map((f) => f.name), 'email'];
const memberBody = object({
  format, fields: maybe(fc.subarray([...memberNames, 'bogus'])), columnHeaderNames: headers(memberNames),
  filter: maybe(object({
    programId: maybe(fc.integer({ min: -1, max: 1005 })), programIds: maybe(fc.array(fc.integer({ min: 1000, max: 1012 }), { maxLength: 12 })),
    isExhausted: maybe(fc.boolean()), nurtureCadence: maybe(fc.constantFrom('paus', ' Pause ', 'NORM', 'stop')),
    statusNames: maybe(fc.array(fc.constantFrom('Member', 'Attended'), { maxLength: 2 })), updatedAt: window,
  }, junkKey)),
});

const named = fc.constantFrom('Name', 'other', ' ', 'Name');
const customTypeBody = object({
  apiName: maybe(fc.constantFrom('webinar', 'web_2', '2bad', 'x'.repeat(51))), name: maybe(named),
  primaryAttribute: maybe(object({ apiName: maybe(named), name: maybe(named) })),
  primaryAttributeApiName: maybe(named), primaryAttributeName: maybe(named),
  attributes: maybe(fc.array(object({ apiName: maybe(named), name: maybe(named), dataType: maybe(fc.constantFrom('string', 'integer', 'blob')) }), { maxLength: 3 })),
});

/** The outcome of one body: accepted, refused by a listed rule, or the error a listed rule does not explain. */
function check(validate: (b: unknown) => unknown, passes: (b: unknown) => string[], rules: BodyRule[], body: unknown, seen: Set<string>): void {
  let refusal: Error | undefined;
  try {
    validate(body);
  } catch (err) {
    refusal = err as Error;
  }
  const schemaErrors = passes(body);
  if (!refusal) {
    assert.deepEqual(schemaErrors, [], `accepted by the validator, refused by the schema: ${JSON.stringify(body)}`);
    seen.add('accepted');
  } else if (schemaErrors.length === 0) {
    assert.ok(rules.some((r) => r.refusal.test(refusal.message)), `the schema passes ${JSON.stringify(body)}, the validator refuses it with "${refusal.message}", and no listed rule says so`);
    seen.add('rule');
  } else {
    seen.add('both refuse');
  }
}

const doc = openApiDocument([
  { method: 'POST', url: '/bulk/v1/activities/export/create.json', access: 'activity-read' },
  { method: 'POST', url: '/bulk/v1/leads/export/create.json', access: 'lead-read' },
  { method: 'POST', url: '/bulk/v1/program/members/export/create.json', access: 'lead-read' },
  { method: 'POST', url: '/rest/v1/activities/external/type.json', access: 'activity-write' },
], 'test');
const schemas = new SchemaCheck(doc);
const published = (name: string) => (b: unknown) => schemas.errors({ $ref: `#/components/schemas/${name}` }, b);

const KINDS = [
  { name: 'ActivityExportRequest', shape: activityExportBodyShape, body: activityBody, rules: ACTIVITY_BODY_RULES, validate: (b: unknown) => validateActivityExportRequest(b) },
  { name: 'LeadExportRequest', shape: leadExportBodyShape, body: leadBody, rules: LEAD_BODY_RULES, validate: (b: unknown) => validateLeadExportRequest(b, { schema: leadSchema, advancedFilters: true }) },
  { name: 'ProgramMemberExportRequest', shape: memberExportBodyShape, body: memberBody, rules: MEMBER_BODY_RULES, validate: (b: unknown) => validateMemberExportRequest(b, { schema: memberSchema, leadSchema, advancedFilters: true }) },
  { name: 'CustomActivityTypeRequest', shape: customTypeBodyShape, body: customTypeBody, rules: CUSTOM_TYPE_BODY_RULES, validate: (b: unknown) => validateCustomType(b, 100001, 0) },
];

for (const kind of KINDS) {
  test(`${kind.name}: the published schema takes every body the validator takes; what only the validator refuses, a listed rule explains (seed ${SEED})`, () => {
    assert.ok(doc.components && (doc.components as { schemas: Record<string, unknown> }).schemas[kind.name], `${kind.name} is published`);
    const seen = new Set<string>();
    fc.assert(fc.property(kind.body, (body) => check(kind.validate, published(kind.name), kind.rules, body, seen)), { seed: SEED, numRuns: RUNS });
    assert.deepEqual([...seen].sort(), ['accepted', 'both refuse', 'rule'], 'the generated bodies reach every outcome');
  });
}
