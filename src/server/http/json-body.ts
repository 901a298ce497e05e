import { marketo } from '../../errors/catalog.js';

/**
 * Routes that take JSON read their body as text (app.ts) and parse it here, so that bodies other
 * routes ignore (empty JSON, `_method=...` forms) never fail before the route decides. 609 when
 * it is not JSON.
 */
export function parseJsonBody(body: unknown): unknown {
  if (typeof body !== 'string' || body.trim() === '') throw marketo.invalidJson();
  try {
    return JSON.parse(body);
  } catch {
    throw marketo.invalidJson();
  }
}
