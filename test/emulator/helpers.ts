/** A harness with the emulator controls on, plus SDK clients for the API and for the controls. */
import { EmulatorClient, MarketoClient } from '@tidemark/client';
import type { Config } from '../../src/config/config.js';
import { startHarness, type Harness } from '../helpers/harness.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface EmulatorHarness extends Harness {
  emu: EmulatorClient;
  /** An SDK client for a new read-write user, with quick retries. */
  client(): Promise<MarketoClient>;
}

export async function startEmulator(name: string, overrides: Partial<Config> = {}): Promise<EmulatorHarness> {
  const h = await startHarness(name, { emulatorControls: true, adminToken: ADMIN_TOKEN, ...overrides });
  return Object.assign(h, {
    emu: new EmulatorClient({ endpoint: h.baseUrl, adminToken: ADMIN_TOKEN }),
    async client() {
      const u = await h.user('read-write-activity');
      return new MarketoClient({
        endpoint: h.baseUrl, clientId: u.clientId, clientSecret: u.clientSecret,
        retry: { retries: 0 }, sleep: async () => undefined,
      });
    },
  });
}
