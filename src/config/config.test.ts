import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MARKETO_TIMING_DEFAULTS } from '../domain/marketo-timing.js';
import { ConfigError, defaultConfig, envName, loadServeConfig, marketoTiming } from './config.js';

describe('loadServeConfig', () => {
  test('defaults, as interfaces.md lists them', () => {
    assert.deepEqual(loadServeConfig({}, {}), {
      host: '127.0.0.1', port: 3000, dataDir: './tidemark-data', demo: false, maxProcessing: 2, maxQueued: 10,
      dailyQuotaMb: 500, fileRetentionDays: 7, rateLimit: { calls: 100, seconds: 20 }, maxConcurrentRequests: 10,
      dailyCallQuota: 50000, identityFailureLimit: { calls: 30, seconds: 60 }, role: 'all', leaseSeconds: 30, strict: false, allowQueryToken: false, advancedExtractFilters: true, logLevel: 'info', emulatorControls: false, tokenTtlSeconds: 3600,
      statusRetentionDays: 30, listWindowDays: 7, httpTimeoutMs: 120_000, timing: { mode: 'fast' },
    });
  });
  test("--timing marketo takes Marketo's parameters, each with a flag and a variable; the defaults are the domain's", () => {
    assert.deepEqual(loadServeConfig({ timing: 'marketo' }, {}).timing, marketoTiming());
    assert.deepEqual(marketoTiming(), { mode: 'marketo', ...MARKETO_TIMING_DEFAULTS });
    const c = loadServeConfig({ timing: 'marketo', marketoQueueWait: '2m', marketoQueueJitter: '0' }, {
      TIDEMARK_MARKETO_STATUS_REFRESH: '30s', TIDEMARK_MARKETO_ROWS_PER_SECOND: '1500.5', TIDEMARK_MARKETO_MIN_PROCESSING: '1h30m',
    });
    assert.deepEqual(c.timing, {
      mode: 'marketo', refreshMs: 30_000, queueWaitMs: 120_000, queueJitterMs: 0, rowsPerSecond: 1500.5, minProcessingMs: 5_400_000,
    });
    assert.equal(loadServeConfig({}, { TIDEMARK_TIMING: 'marketo' }).timing.mode, 'marketo');
    assert.deepEqual(loadServeConfig({ marketoQueueWait: '5m' }, {}).timing, { mode: 'fast' }, 'the parameters change nothing with fast timing');
    assert.throws(() => loadServeConfig({ timing: 'slow' }, {}), /invalid --timing \(TIDEMARK_TIMING=slow\): expected 'fast' or 'marketo'/);
    assert.throws(() => loadServeConfig({ marketoQueueWait: '60' }, {}), /invalid --marketo-queue-wait .*with its unit/, 'a bare number could mean seconds or ms');
    assert.throws(() => loadServeConfig({ marketoStatusRefresh: '0' }, {}), /invalid --marketo-status-refresh .*at least 1 s/);
    assert.throws(() => loadServeConfig({ marketoRowsPerSecond: '0' }, {}), /invalid --marketo-rows-per-second/);
    assert.throws(() => loadServeConfig({ marketoMinProcessing: 'soon' }, {}), /invalid --marketo-min-processing/);
  });
  test('defaultConfig applies overrides on the defaults', () => {
    const c = defaultConfig({ port: 0, maxQueued: 3 });
    assert.equal(c.port, 0);
    assert.equal(c.maxQueued, 3);
    assert.equal(c.maxProcessing, 2);
  });
  test('emulator controls need an admin token of 16+ characters and role all; the token is never echoed', () => {
    const token = 'a-very-secret-admin-token';
    const c = loadServeConfig({ emulatorControls: true }, { TIDEMARK_ADMIN_TOKEN: token });
    assert.equal(c.emulatorControls, true);
    assert.equal(c.adminToken, token);
    assert.equal(loadServeConfig({}, { TIDEMARK_EMULATOR_CONTROLS: '1', TIDEMARK_ADMIN_TOKEN: token }).emulatorControls, true);
    assert.throws(() => loadServeConfig({ emulatorControls: true }, {}), /--emulator-controls needs --admin-token/);
    assert.throws(() => loadServeConfig({ emulatorControls: true, adminToken: token, role: 'api' }, {}), /needs --role all/);
    assert.throws(
      () => loadServeConfig({ adminToken: 'short-secret' }, {}),
      (err: Error) => /--admin-token .*at least 16 characters/.test(err.message) && !err.message.includes('short-secret'),
    );
  });
  test('env names', () => {
    assert.equal(envName('daily-quota-mb'), 'TIDEMARK_DAILY_QUOTA_MB');
    assert.equal(envName('port'), 'TIDEMARK_PORT');
  });
  test('TIDEMARK_ variables are read', () => {
    const c = loadServeConfig({}, { TIDEMARK_PORT: '8080', TIDEMARK_DAILY_QUOTA_MB: '0', TIDEMARK_RATE_LIMIT: '50/10', TIDEMARK_DEMO: 'true' });
    assert.equal(c.port, 8080);
    assert.equal(c.dailyQuotaMb, 0);
    assert.deepEqual(c.rateLimit, { calls: 50, seconds: 10 });
    assert.equal(c.demo, true);
  });
  test('a flag beats its variable, in kebab or camel case', () => {
    const env = { TIDEMARK_PORT: '8080', TIDEMARK_MAX_QUEUED: '20', TIDEMARK_HOST: '0.0.0.0' };
    const c = loadServeConfig({ port: '9090', maxQueued: '5', host: '::1' }, env);
    assert.equal(c.port, 9090);
    assert.equal(c.maxQueued, 5);
    assert.equal(c.host, '::1');
    assert.equal(loadServeConfig({ 'max-queued': '6' }, env).maxQueued, 6);
  });
  test('DATABASE_URL is read as-is; TIDEMARK_DATABASE_URL and the flag win over it', () => {
    assert.equal(loadServeConfig({}, {}).databaseUrl, undefined);
    assert.equal(loadServeConfig({}, { DATABASE_URL: 'postgres://u@db/x' }).databaseUrl, 'postgres://u@db/x');
    assert.equal(loadServeConfig({}, { DATABASE_URL: 'postgres://a/x', TIDEMARK_DATABASE_URL: 'postgresql://b/y' }).databaseUrl, 'postgresql://b/y');
    assert.equal(loadServeConfig({ databaseUrl: 'postgres://c/z' }, { DATABASE_URL: 'postgres://a/x' }).databaseUrl, 'postgres://c/z');
  });
  test('--advanced-extract-filters: on by default; off, false, 0 or no switch it off, any case; anything else is refused', () => {
    assert.equal(loadServeConfig({}, {}).advancedExtractFilters, true);
    for (const v of ['off', 'OFF', 'false', '0', 'no']) assert.equal(loadServeConfig({ advancedExtractFilters: v }, {}).advancedExtractFilters, false, v);
    assert.equal(loadServeConfig({}, { TIDEMARK_ADVANCED_EXTRACT_FILTERS: 'off' }).advancedExtractFilters, false);
    assert.equal(loadServeConfig({ 'advanced-extract-filters': 'on' }, { TIDEMARK_ADVANCED_EXTRACT_FILTERS: 'off' }).advancedExtractFilters, true);
    assert.throws(() => loadServeConfig({ advancedExtractFilters: 'maybe' }, {}), /invalid --advanced-extract-filters \(TIDEMARK_ADVANCED_EXTRACT_FILTERS=maybe\)/);
  });

  test("'off' disables the rate limit and the concurrency limit, any case", () => {
    const c = loadServeConfig({ rateLimit: 'off', maxConcurrentRequests: 'OFF' }, {});
    assert.equal(c.rateLimit, undefined);
    assert.equal(c.maxConcurrentRequests, undefined);
    assert.ok(!('rateLimit' in c) && !('maxConcurrentRequests' in c));
    assert.equal(loadServeConfig({}, { TIDEMARK_RATE_LIMIT: 'Off' }).rateLimit, undefined);
  });
  test('numbers for the limits', () => {
    const c = loadServeConfig({ maxConcurrentRequests: '3', dailyCallQuota: '0', fileRetentionDays: '0.5', strict: true, logLevel: 'silent' }, {});
    assert.equal(c.maxConcurrentRequests, 3);
    assert.equal(c.dailyCallQuota, 0);
    assert.equal(c.fileRetentionDays, 0.5);
    assert.equal(c.strict, true);
    assert.equal(c.logLevel, 'silent');
  });

  const bad: [string, Record<string, unknown>, Record<string, string>, string][] = [
    ['port not a number', { port: 'http' }, {}, 'port'],
    ['port out of range', { port: '70000' }, {}, 'port'],
    ['port from the environment', {}, { TIDEMARK_PORT: '-1' }, 'port'],
    ['max-processing 0', { maxProcessing: '0' }, {}, 'max-processing'],
    ['max-queued a fraction', { maxQueued: '2.5' }, {}, 'max-queued'],
    ['daily-quota-mb negative', { dailyQuotaMb: '-5' }, {}, 'daily-quota-mb'],
    ['file-retention-days 0', { fileRetentionDays: '0' }, {}, 'file-retention-days'],
    ['rate-limit without seconds', { rateLimit: '100' }, {}, 'rate-limit'],
    ['rate-limit with zero calls', { rateLimit: '0/20' }, {}, 'rate-limit'],
    ['rate-limit words', { rateLimit: 'lots' }, {}, 'rate-limit'],
    ['max-concurrent-requests 0', { maxConcurrentRequests: '0' }, {}, 'max-concurrent-requests'],
    ['max-concurrent-requests words', { maxConcurrentRequests: 'many' }, {}, 'max-concurrent-requests'],
    ['daily-call-quota words', { dailyCallQuota: 'x' }, {}, 'daily-call-quota'],
    ['database-url not postgres', { databaseUrl: 'mysql://db/x' }, {}, 'database-url'],
    ['DATABASE_URL not postgres', {}, { DATABASE_URL: 'sqlite:///tmp/x' }, 'database-url'],
    ['log-level unknown', { logLevel: 'loud' }, {}, 'log-level'],
    ['host empty', { host: '' }, {}, 'host'],
    ['max-queued below max-processing', { maxProcessing: '5', maxQueued: '4' }, {}, 'max-queued'],
    ['max-queued below max-processing from the environment', {}, { TIDEMARK_MAX_PROCESSING: '11' }, 'max-queued'],
  ];
  for (const [label, flags, env, flag] of bad) {
    test(`rejects ${label}, naming --${flag}`, () => {
      assert.throws(() => loadServeConfig(flags, env), (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.ok(err.message.startsWith(`invalid --${flag} (${envName(flag)}=`), err.message);
        return true;
      });
    });
  }
  test('TLS: off by default; --tls, --https-port or --tls-cert turn it on; hosts are a comma list', () => {
    assert.equal(loadServeConfig({}, {}).tls, undefined);
    assert.deepEqual(loadServeConfig({ tls: true, dataDir: '/d' }, {}).tls, { dir: '/d/tls', hosts: [] });
    assert.deepEqual(loadServeConfig({}, { TIDEMARK_TLS: '1', TIDEMARK_TLS_DIR: '/secrets/tls', TIDEMARK_TLS_HOSTS: 'tidemark.test, *.corp.example,10.0.0.5,::1' }).tls, {
      dir: '/secrets/tls', hosts: ['tidemark.test', '*.corp.example', '10.0.0.5', '::1'],
    });
    assert.deepEqual(loadServeConfig({ httpsPort: '3443' }, {}).tls, { dir: 'tidemark-data/tls', httpsPort: 3443, hosts: [] });
    assert.deepEqual(loadServeConfig({ tlsCert: '/c.pem' }, { TIDEMARK_TLS_KEY: '/k.pem' }).tls, { dir: 'tidemark-data/tls', certFile: '/c.pem', keyFile: '/k.pem', hosts: [] });
    assert.equal(loadServeConfig({ port: '0', httpsPort: '0' }, {}).tls?.httpsPort, 0, 'two free ports');
    assert.equal(loadServeConfig({ tls: 'false' }, { TIDEMARK_TLS: '1' }).tls, undefined, 'the flag wins');
  });
  test('TLS settings that cannot work are refused, naming the flag', () => {
    assert.throws(() => loadServeConfig({ tlsCert: '/c.pem' }, {}), /invalid --tls-cert .*--tls-cert and --tls-key go together/);
    assert.throws(() => loadServeConfig({ tlsKey: '/k.pem' }, {}), /--tls-cert and --tls-key go together/);
    assert.throws(() => loadServeConfig({ port: '3000', httpsPort: '3000' }, {}), /invalid --https-port .*must differ from --port/);
    assert.throws(() => loadServeConfig({ httpsPort: '70000' }, {}), /invalid --https-port/);
    assert.throws(() => loadServeConfig({ tls: true, tlsHosts: 'ok.test,bad host' }, {}), /invalid --tls-hosts \(TIDEMARK_TLS_HOSTS=ok.test,bad host\): 'bad host' is not a DNS name/);
    assert.throws(() => loadServeConfig({}, { TIDEMARK_TLS_HOSTS: 'a.*.example' }), /'a\.\*\.example' is not a DNS name/);
  });
  test('max-queued equal to max-processing is fine', () => {
    assert.equal(loadServeConfig({ maxProcessing: '4', maxQueued: '4' }, {}).maxQueued, 4);
  });
});
