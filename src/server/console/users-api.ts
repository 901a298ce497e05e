/**
 * The console's API user endpoints: list (with today's calls), create (the secret is in this one
 * answer and nowhere else: it is stored as a scrypt hash), disable, and change the role.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidRequest } from '../../domain/errors.js';
import { parseRole, PERMISSIONS } from '../../domain/permissions.js';
import { newClientCredentials } from '../../lib/ids.js';
import { hashSecret } from '../../lib/secrets.js';
import type { ApiUser } from '../../store/store.js';
import type { AppDeps } from '../deps.js';
import { json } from '../http/envelope.js';
import { parseJsonBody } from '../http/json-body.js';
import type { CallGate } from '../http/limits.js';
import { CONSOLE_BASE, consoleRoute } from './routes.js';

type IdParams = { Params: { clientId: string } };

function bodyOf(req: FastifyRequest): Record<string, unknown> {
  const body = parseJsonBody(req.body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw InvalidRequest.rule('body', 'must be a JSON object');
  return body as Record<string, unknown>;
}

function roleOf(body: Record<string, unknown>): string {
  const role = body.role;
  if (role === undefined || role === '') throw InvalidRequest.missing('role');
  if (typeof role !== 'string' || role.length > 300 || !parseRole(role)) {
    throw InvalidRequest.rule('role', `must be 'none' or a comma-separated list of ${PERMISSIONS.join(', ')}`);
  }
  return role;
}

function userView(u: ApiUser, callsToday: number) {
  return { clientId: u.clientId, name: u.name, role: u.role, disabled: u.disabled, createdAt: new Date(u.createdAt).toISOString(), callsToday };
}

export function registerConsoleUsers(app: FastifyInstance, deps: AppDeps, limits: CallGate): void {
  const { store, clock } = deps;

  async function existing(clientId: string): Promise<ApiUser> {
    const user = clientId.length <= 100 ? await store.findUser(clientId) : undefined;
    if (!user) throw InvalidRequest.rule('clientId', `no API user '${clientId}'`);
    return user;
  }

  async function callsByName(): Promise<Map<string, number>> {
    return new Map((await limits.usage()).users.map((u) => [u.userId, u.count]));
  }

  app.get(`${CONSOLE_BASE}/users`, consoleRoute('Console: API users with their calls today'), json(async () => {
    const [users, calls] = await Promise.all([store.listUsers(), callsByName()]);
    return { result: users.map((u) => userView(u, calls.get(u.name) ?? 0)) };
  }));

  app.post(`${CONSOLE_BASE}/users`, consoleRoute('Console: create an API user ({"name","role"}); the answer holds the secret, once'), json(async (req) => {
    const body = bodyOf(req);
    const name = body.name;
    if (name === undefined || name === '') throw InvalidRequest.missing('name');
    if (typeof name !== 'string' || name.trim() === '' || name.length > 200) throw InvalidRequest.rule('name', 'must be text of 1 to 200 characters');
    const role = roleOf(body);
    const { clientId, clientSecret } = newClientCredentials();
    const user: ApiUser = { clientId, name, role, secretHash: hashSecret(clientSecret), disabled: false, createdAt: clock.now() };
    await store.createUser(user);
    req.log.info({ clientId, role }, 'console: API user created');
    return { result: [{ ...userView(user, 0), clientSecret }] };
  }));

  app.post<IdParams>(`${CONSOLE_BASE}/users/:clientId/disable`, consoleRoute('Console: disable an API user; its tokens stop working'), json(async (req) => {
    const { clientId } = req.params as IdParams['Params'];
    await existing(clientId);
    await store.disableUser(clientId);
    req.log.info({ clientId }, 'console: API user disabled');
    const user = await existing(clientId);
    return { result: [userView(user, (await callsByName()).get(user.name) ?? 0)] };
  }));

  app.post<IdParams>(`${CONSOLE_BASE}/users/:clientId/role`, consoleRoute('Console: change an API user\'s role ({"role"})'), json(async (req) => {
    const { clientId } = req.params as IdParams['Params'];
    const role = roleOf(bodyOf(req));
    await existing(clientId);
    await store.setUserRole(clientId, role);
    req.log.info({ clientId, role }, 'console: API user role changed');
    const user = await existing(clientId);
    return { result: [userView(user, (await callsByName()).get(user.name) ?? 0)] };
  }));
}
