/**
 * The responses of an operation, by what it answers: Marketo's envelopes around a result shape,
 * the export file with its Range answers, JSON bodies of their own, text. Errors that Marketo
 * sends as HTTP 200 envelopes are listed in the 200 description and in `x-marketo-errors`.
 */
import { MARKETO_ERRORS, type MarketoCode } from '../../errors/catalog.js';
import type { Answer } from './operation.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const REQUEST_ID = '9b02#171c80e02f6';

/** The envelope around a result shape, as its own named schema (generators make one model of it). */
export function envelopeSchema(answer: Extract<Answer, { kind: 'marketo' | 'asset' }>): Record<string, unknown> {
  const result = { type: 'array', items: ref(answer.result.name) };
  const errors = { type: 'array', items: ref('MarketoError') };
  const warnings = { type: 'array', items: { type: 'string' } };
  if (answer.kind === 'asset') {
    return {
      type: 'object', description: "The Asset API's envelope: no result (and the warning 'No assets found for the given search criteria.') when nothing matches",
      properties: { success: { type: 'boolean' }, errors, requestId: { type: 'string' }, warnings, result },
      required: ['success', 'errors', 'requestId', 'warnings'],
    };
  }
  return {
    type: 'object', description: "Marketo's envelope: success true with result, or success false with errors[0].code (HTTP 200 either way)",
    properties: { requestId: { type: 'string' }, result, success: { type: 'boolean' }, errors, warnings, ...(answer.paged ? { nextPageToken: { type: 'string' } } : {}) },
    required: ['requestId', 'success'],
  };
}

export const envelopeName = (answer: Extract<Answer, { kind: 'marketo' | 'asset' }>): string =>
  `${answer.result.name}${answer.kind === 'asset' ? 'AssetResponse' : answer.paged ? 'PageResponse' : 'Response'}`;

/** The components every document has besides the shapes. */
export const COMMON_SCHEMAS: Record<string, unknown> = {
  MarketoError: {
    type: 'object', properties: { code: { type: 'string', enum: Object.keys(MARKETO_ERRORS) }, message: { type: 'string' } }, required: ['code', 'message'],
    examples: [{ code: '601', message: 'Access token invalid' }],
  },
  ErrorEnvelope: {
    type: 'object', properties: { requestId: { type: 'string' }, success: { type: 'boolean', const: false }, errors: { type: 'array', items: ref('MarketoError') } },
    required: ['requestId', 'success', 'errors'],
  },
  OAuthError: {
    type: 'object', properties: { error: { type: 'string' }, error_description: { type: 'string' } }, required: ['error', 'error_description'],
    examples: [{ error: 'invalid_client', error_description: 'Bad client credentials' }],
  },
};

function failure(code: MarketoCode, asset: boolean) {
  const errors = [{ code, message: MARKETO_ERRORS[code].title }];
  return asset ? { success: false, errors, requestId: REQUEST_ID, warnings: [] } : { requestId: REQUEST_ID, success: false, errors };
}

function envelopeExamples(answer: Extract<Answer, { kind: 'marketo' | 'asset' }>, example: unknown, codes: MarketoCode[]) {
  const result = example === undefined ? [] : [example];
  const ok = answer.kind === 'asset'
    ? { success: true, errors: [], requestId: REQUEST_ID, warnings: [], result }
    : { requestId: REQUEST_ID, result, success: true };
  return {
    success: { value: ok },
    ...(codes.length ? { [`error${codes[0]}`]: { summary: MARKETO_ERRORS[codes[0]!].title, value: failure(codes[0]!, answer.kind === 'asset') } } : {}),
  };
}

const text = (description: string, mediaType = 'text/plain; charset=utf-8') => ({ description, content: { [mediaType]: { schema: { type: 'string' } } } });
const FILE_TYPES = ['text/csv; charset=utf-8', 'text/tab-separated-values; charset=utf-8', 'text/plain; charset=utf-8'];
const header = (description: string) => ({ description, schema: { type: 'string' } });

function fileResponses(head: boolean, errorsText: string): Record<string, unknown> {
  const bytes = (description: string) => ({
    description,
    headers: { 'Accept-Ranges': header('bytes'), ETag: header('The sha256 of the file, quoted'), 'Last-Modified': header('When the job finished'), 'Content-Length': header('Bytes sent') },
    ...(head ? {} : {
      content: {
        ...Object.fromEntries(FILE_TYPES.map((t) => [t, { schema: { type: 'string' } }])),
        'application/json': { schema: ref('ErrorEnvelope') },
      },
    }),
  });
  return {
    200: bytes(`The whole file: CSV, TSV or SSV as the job's format says. ${errorsText}`),
    206: { ...bytes('One range of the file'), headers: { ...bytes('').headers, 'Content-Range': header('bytes start-end/size') } },
    404: text("No Completed, unexpired file of the caller's job of this kind: `Export file for job '<id>' not found or not available`"),
    416: { ...text('The range starts past the end: `Range not satisfiable: the file has N bytes`'), headers: { 'Content-Range': header('bytes */size') } },
  };
}

const oauthError = (description: string) => ({ description, content: { 'application/json': { schema: ref('OAuthError') } } });

/** The responses object of an operation. `codes` are every Marketo code it may answer with. */
export function responsesFor(answer: Answer, codes: MarketoCode[], example: unknown, extra: Record<number, string>): Record<string, unknown> {
  const errorsText = codes.length
    ? `Refusals come as HTTP 200 with success false and one of: ${codes.map((c) => `${c} (${MARKETO_ERRORS[c].title})`).join('; ')}.`
    : '';
  const more = Object.fromEntries(Object.entries(extra).map(([status, description]) => [status, oauthError(description)]));
  switch (answer.kind) {
    case 'marketo':
    case 'asset':
      return {
        200: {
          description: `The envelope. ${errorsText}`,
          content: { 'application/json': { schema: ref(envelopeName(answer)), examples: envelopeExamples(answer, example, codes) } },
        },
        ...more,
      };
    case 'file':
      return { ...fileResponses(answer.head === true, errorsText), ...more };
    case 'download':
      return {
        200: { description: 'The whole file as an attachment', content: { 'application/octet-stream': { schema: { type: 'string' } } } },
        404: text('No live file for this job'),
        ...more,
      };
    case 'json': {
      const own = Object.fromEntries(Object.entries(answer.status ?? {}).map(([status, description]) => [status, status === '503'
        ? { description, content: { 'application/json': { schema: ref(answer.schema.name) } } } : oauthError(description)]));
      return { 200: { description: 'The answer', content: { 'application/json': { schema: ref(answer.schema.name) } } }, ...own, ...more };
    }
    case 'text':
      return {
        200: text(answer.description, answer.mediaType),
        ...(answer.redirect ? { 303: { description: 'Redirect', headers: { Location: header('Where to go') } } } : {}),
        ...more,
      };
  }
}
