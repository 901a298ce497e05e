/** `GET /rest/v1/activities/types.json`: the standard activity types. */
import type { FastifyInstance } from 'fastify';
import { STANDARD_ACTIVITY_TYPES } from '../../domain/activity-types.js';
import { json } from '../http/envelope.js';

export function registerActivities(app: FastifyInstance): void {
  app.get('/rest/v1/activities/types.json', { config: { access: 'activity-read' } }, json(async () => ({
    result: STANDARD_ACTIVITY_TYPES.map((t) => ({
      id: t.id, name: t.name, description: t.description, primaryAttribute: t.primaryAttribute, attributes: t.attributes,
    })),
  })));
}
