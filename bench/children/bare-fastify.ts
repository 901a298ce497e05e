/**
 * The reference for the status endpoint: a bare Fastify 5 route that answers the same envelope
 * shape as status.json, with no token check, limits or store. Prints its URL when listening.
 */
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/bulk/v1/activities/export/:exportId/status.json', async (req) => ({
  requestId: `${randomBytes(3).toString('hex')}#${Date.now().toString(16)}`,
  result: [{
    exportId: (req.params as { exportId: string }).exportId, format: 'CSV', status: 'Processing',
    createdAt: '2025-10-01T12:00:00Z', queuedAt: '2025-10-01T12:00:00Z', startedAt: '2025-10-01T12:00:01Z',
  }],
  success: true,
}));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
