/** `GET /rest/v1/activities/types.json`: the standard activity types, then the custom ones. */
import type { FastifyInstance } from 'fastify';
import { STANDARD_ACTIVITY_TYPES } from '../../domain/activity-types.js';
import { customTypeView } from '../../domain/custom-activities.js';
import type { Store } from '../../store/store.js';
import { json } from '../http/envelope.js';

export function registerActivities(app: FastifyInstance, store: Store): void {
  app.get('/rest/v1/activities/types.json', { config: { access: 'activity-read' } }, json(async () => ({
    result: [
      ...STANDARD_ACTIVITY_TYPES.map((t) => ({
        id: t.id, name: t.name, description: t.description, primaryAttribute: t.primaryAttribute, attributes: t.attributes,
      })),
      // Marketo lists custom types here without marking them; apiName is the only hint.
      ...(await store.listCustomTypes()).map((t) => {
        const { status: _s, createdAt: _c, updatedAt: _u, ...view } = customTypeView(t);
        return view;
      }),
    ],
  })));
}
